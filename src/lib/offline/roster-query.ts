// What a person types into an offline roster search, and whom it finds. Shared by the
// picker search (weigh-ins) and the household search (plots), so both read a query the
// same way. A phone number or a whole ID cannot be searched offline: the roster does not
// hold them.

const MAX_QUERY = 40;

export type PersonQuery =
	| { kind: 'id_tail'; tail: string }
	| { kind: 'name'; name: string; place: string }
	| { kind: 'problem'; key: string };

export type RosterQuery = PersonQuery | { kind: 'number'; prefix: string };

/**
 * Reads a query: an ID's last 4, a name or its start (a space, then part of the village,
 * narrows it), or — when `householdNumbers` — the start of a household number. Other
 * digits answer `digitsKey`, the message that says what can be searched.
 */
export function parseRosterQuery(
	input: string,
	options: { digitsKey: string; householdNumbers: true }
): RosterQuery | null;
export function parseRosterQuery(
	input: string,
	options: { digitsKey: string; householdNumbers?: false }
): PersonQuery | null;
export function parseRosterQuery(
	input: string,
	options: { digitsKey: string; householdNumbers?: boolean }
): RosterQuery | null {
	const q = input
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f]/g, '')
		.trim()
		.replace(/\s+/g, ' ');
	if (!q) return null;
	if (q.length > MAX_QUERY) return { kind: 'problem', key: 'field_search_too_long' };
	const compact = q.replace(/\s/g, '');
	if (/^\d{17}[\dXx]$/.test(compact) || /^1\d{10}$/.test(compact))
		return { kind: 'problem', key: 'sync_search_offline_digits' };
	if (/^\d{3}[\dXx]$/.test(compact)) return { kind: 'id_tail', tail: compact.toUpperCase() };
	if (options.householdNumbers && /^[\d-]{5,}$/.test(compact))
		return { kind: 'number', prefix: compact };
	if (/^[\d\sXx-]+$/.test(q)) return { kind: 'problem', key: options.digitsKey };
	const [name, ...place] = q.split(' ');
	return { kind: 'name', name, place: place.join('') };
}

/** Whether a person of the roster, living in `villageName`, is one the query looks for. */
export function findsPerson(
	query: Exclude<PersonQuery, { kind: 'problem' }>,
	person: { name: string; idTail: string },
	villageName: string
): boolean {
	if (query.kind === 'id_tail') return person.idTail === query.tail;
	return person.name.startsWith(query.name) && (!query.place || villageName.includes(query.place));
}
