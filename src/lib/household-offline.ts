// The household's last viewed account, kept on its own phone so it can be read without a
// network. Signed-in pages are never cached by the service worker; this copy holds only
// what the family saw, as text, and is erased when it signs out (or is signed out).

const KEY = 'levee.household.account';

export interface AccountSnapshot {
	/** ISO time the account was saved. */
	savedAt: string;
	locale: string;
	title: string;
	standing: string;
	sections: { heading: string; rows: { label: string; value: string }[] }[];
	lines: { heading: string; items: string[] }[];
}

export function saveAccountSnapshot(snapshot: AccountSnapshot): void {
	try {
		localStorage.setItem(KEY, JSON.stringify(snapshot));
	} catch {
		// Storage full or refused (private mode): the page still works online.
	}
}

export function loadAccountSnapshot(): AccountSnapshot | null {
	try {
		const text = localStorage.getItem(KEY);
		if (!text) return null;
		const value = JSON.parse(text) as AccountSnapshot;
		return typeof value?.savedAt === 'string' && Array.isArray(value.sections) ? value : null;
	} catch {
		return null;
	}
}

export function clearAccountSnapshot(): void {
	try {
		localStorage.removeItem(KEY);
	} catch {
		// Nothing stored, nothing to clear.
	}
}
