import { todayInChina } from '$lib/format';
import { searchText } from '$lib/input';
import { listTownships, listVillages } from '$lib/server/divisions';
import { formText, orNotFound, requireRole } from '$lib/server/http';
import {
	defaultCoverFrom,
	enrol,
	enrolmentCandidates,
	getScheme,
	CANDIDATE_LIMIT
} from '$lib/server/insurance';
import { INSURANCE_STAFF, insuranceAction } from '$lib/server/insurance-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, ...INSURANCE_STAFF);
	const { db } = await database();
	const scheme = await orNotFound(event, getScheme(db, user, event.params.scheme));
	const query = event.url.searchParams;
	const filter = {
		townshipCode: searchText(query.get('township'), 9),
		villageCode: searchText(query.get('village'), 12),
		monitoredOnly: query.get('monitored') === '1'
	};
	const townships = (await listTownships(db, user.countyCode)).filter(
		(t) => user.role === 'county_admin' || user.townshipCodes.includes(t.code)
	);
	const villages = filter.townshipCode
		? await listVillages(db, user.countyCode, filter.townshipCode)
		: [];
	const candidates = await enrolmentCandidates(db, user, scheme, filter);
	return {
		scheme: {
			id: scheme.id,
			year: scheme.year,
			kind: scheme.kind,
			name: scheme.name,
			premiumFen: scheme.premiumFen
		},
		filter,
		coverFrom: defaultCoverFrom(scheme, todayInChina()),
		townships: townships.map((t) => ({ code: t.code, name: t.name })),
		villages: villages.map((v) => ({ code: v.code, name: v.name })),
		candidates,
		limited: candidates.length >= CANDIDATE_LIMIT
	};
};

export const actions: Actions = {
	default: insuranceAction(
		INSURANCE_STAFF,
		'enrol',
		['coverFrom', 'insuredValue', 'householdId', 'objectKind', 'objectLabel'],
		async ({ user, db, data, today, params }) => {
			const result = await enrol(
				db,
				user,
				params.scheme,
				{
					keys: data.getAll('keys'),
					insuredValue: formText(data, 'insuredValue'),
					householdId: formText(data, 'householdId'),
					objectKind: formText(data, 'objectKind'),
					objectLabel: formText(data, 'objectLabel'),
					coverFrom: formText(data, 'coverFrom')
				},
				today
			);
			return { ...result };
		}
	)
};
