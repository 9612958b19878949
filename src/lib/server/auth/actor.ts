/**
 * Who is acting. Every domain function takes one so that scope can be checked and the
 * audit row can name the person. Accounts and roles extend this in the auth domain.
 */
export interface Actor {
	/** Null for Levee itself (start-up loads, demo data, command-line tools). */
	userId: string | null;
	/** Shown in the audit log: the person's name, or what the system was doing. */
	label: string;
}

export function systemActor(label: string): Actor {
	return { userId: null, label };
}
