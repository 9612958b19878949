import { refreshRoster, storedRoster } from './roster';
import type { Roster } from './types';

// A field screen's view of the phone: the roster it keeps (shown at once, offline too) and
// a refresh from the server when there is a network, with its time shown as "更新于 …".

export class FieldSession {
	roster = $state<Roster | null>(null);
	loaded = $state(false);
	refreshing = $state(false);
	/** Why the last refresh did not happen: no network, or the session has ended. */
	stopped = $state<'offline' | 'signin' | 'server' | null>(null);

	/** For a screen's onMount: asks the browser to keep the phone's data, then loads. */
	start(): void {
		void navigator.storage?.persist?.();
		void this.load();
	}

	async load(): Promise<void> {
		try {
			this.roster = await storedRoster();
		} finally {
			this.loaded = true;
		}
		await this.refresh();
	}

	async refresh(): Promise<void> {
		if (!navigator.onLine) {
			this.stopped = 'offline';
			return;
		}
		this.refreshing = true;
		try {
			const result = await refreshRoster();
			if ('roster' in result) {
				this.roster = result.roster;
				this.stopped = null;
			} else this.stopped = result.stopped;
		} finally {
			this.refreshing = false;
		}
	}
}
