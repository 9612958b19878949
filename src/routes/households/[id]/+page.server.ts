import { redirect } from '@sveltejs/kit';
import { todayInChina } from '$lib/format';
import { getHouseholdAccount, revokeHouseholdCard, setHouseholdPin } from '$lib/server/auth/users';
import type { UserActor } from '$lib/server/auth/actor';
import type { Db } from '$lib/server/db';
import { listVillages } from '$lib/server/divisions';
import {
	addMember,
	getHousehold,
	memberLeaves,
	revealIdNumber,
	updateHousehold,
	updateMember,
	type MemberInput
} from '$lib/server/households';
import {
	failFromDomain,
	formText,
	formValues,
	orNotFound,
	readForm,
	requireUser
} from '$lib/server/http';
import { householdAttribution } from '$lib/server/income/attribution';
import {
	householdLedger,
	MANUAL_SUBTYPES,
	recordManualEntry,
	reverseManualEntry
} from '$lib/server/income';
import {
	addMeasure,
	getCountyOptions,
	getMonitoring,
	setCadre,
	updateMonitoring
} from '$lib/server/monitoring';
import { storedStandingOf } from '$lib/server/income/standing-read';
import { householdJobs } from '$lib/server/factories';
import { householdPlanting } from '$lib/server/planting';
import { householdInsurance } from '$lib/server/insurance';
import { database } from '$lib/server/startup';
import { householdWarnings } from '$lib/server/warnings/queue';
import { householdVisits } from '$lib/server/warnings/visits';
import { raiseStaffWarning } from '$lib/server/warnings/workflow';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await database();
	const household = await orNotFound(event, getHousehold(db, user, event.params.id));
	// household: the family reads its account on its own pages, not the staff's.
	if (user.role === 'household') redirect(303, '/my');
	const manages = user.role === 'county_admin' || user.role === 'township_staff';
	// Grid members and staff see the loop's visits and warnings; the household never does.
	const watches = manages || user.role === 'grid_member';
	const today = todayInChina();
	const [
		monitoring,
		options,
		ledger,
		attribution,
		account,
		villages,
		storedStanding,
		warnings,
		visits,
		jobs,
		planting,
		insurance
	] = await Promise.all([
		getMonitoring(db, household.countyId, household.id),
		getCountyOptions(db, household.countyId),
		// The account on today's date, from the one income-account function.
		householdLedger(db, household.countyId, household.id, today),
		householdAttribution(db, user, household.id, Number(today.slice(0, 4)), today),
		manages ? getHouseholdAccount(db, user, household.id, household) : null,
		manages ? listVillages(db, user.countyCode, household.villageCode.slice(0, 9)) : [],
		storedStandingOf(db, household.countyId, household.id),
		watches ? householdWarnings(db, household.countyId, household.id, today) : [],
		watches ? householdVisits(db, household.countyId, household.id) : [],
		// Program sections: each program adds its own read here and its field below.
		householdJobs(db, user, household.countyId, household.id),
		householdPlanting(db, household.countyId, household.id),
		householdInsurance(db, user, household.id, household)
	]);
	return {
		household,
		account,
		manages,
		watches,
		loop: { warnings, visits },
		canReveal: user.role === 'county_admin',
		today,
		monitoring,
		options,
		storedStanding,
		attribution,
		ledger: {
			account: ledger.account,
			entries: ledger.entries.map((e) => ({
				id: e.id,
				businessDate: e.businessDate,
				amountFen: e.amountFen,
				kind: e.kind,
				subtype: e.subtype,
				source: e.source,
				memberId: e.memberId,
				note: e.note,
				reversal: e.reversesEntryId !== null,
				reversed: e.reversed
			}))
		},
		subtypes: Object.entries(MANUAL_SUBTYPES).map(([code, kind]) => ({ code, kind })),
		villages: villages.map((v) => ({ code: v.code, name: v.name })),
		// Program sections: factories' jobs; planting's plots, subsidies and picking;
		// insurance's policies and claims.
		jobs,
		planting,
		insurance
	};
};

const MEMBER_FIELDS: (keyof MemberInput)[] = [
	'name',
	'idNumber',
	'relation',
	'labourSkill',
	'health',
	'schooling',
	'ethnicity',
	'education',
	'workingAway',
	'workPlace',
	'workMonths',
	'resident'
];

function memberInput(data: FormData): MemberInput {
	return Object.fromEntries(
		MEMBER_FIELDS.map((f) => [f, formText(data, f)])
	) as unknown as MemberInput;
}

interface Work {
	user: UserActor;
	db: Db;
	data: FormData;
	id: string;
	today: string;
}

/**
 * One form of the page: one domain call, then "saved" or the field messages. `form` names
 * the form (and the member or entry it is about) so the answer shows beside the right one.
 */
function action(
	form: (data: FormData) => string,
	echo: string[],
	work: (w: Work) => Promise<unknown>,
	echoMore: (data: FormData) => Record<string, string> = () => ({})
) {
	return async (event: RequestEvent) => {
		const user = requireUser(event);
		const data = await readForm(event);
		const { db } = await database();
		try {
			await work({ user, db, data, id: event.params.id, today: todayInChina() });
			return { saved: form(data) };
		} catch (caught) {
			return failFromDomain(event, caught, {
				...formValues(data, echo),
				...echoMore(data),
				form: form(data)
			});
		}
	};
}

const named = (name: string) => () => name;
const about = (name: string, field: string) => (data: FormData) =>
	`${name}:${formText(data, field)}`;

export const actions: Actions = {
	raiseWarning: action(named('raiseWarning'), ['note'], ({ user, db, data, id, today }) =>
		raiseStaffWarning(db, user, id, { note: formText(data, 'note') }, today)
	),
	setPin: async (event) => {
		const user = requireUser(event);
		const data = await readForm(event);
		const { db } = await database();
		try {
			await setHouseholdPin(db, user, event.params.id, {
				phone: formText(data, 'phone'),
				pin: formText(data, 'pin')
			});
			return { pinSet: true };
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['phone']));
		}
	},
	revokeCard: async (event) => {
		const user = requireUser(event);
		const { db } = await database();
		try {
			await revokeHouseholdCard(db, user, event.params.id);
			return { cardRevoked: true };
		} catch (caught) {
			return failFromDomain(event, caught);
		}
	},
	update: action(
		named('household'),
		['householdNumber', 'villageCode', 'address', 'phone'],
		({ user, db, data, id }) =>
			updateHousehold(db, user, id, {
				householdNumber: formText(data, 'householdNumber'),
				villageCode: formText(data, 'villageCode'),
				address: formText(data, 'address'),
				phone: formText(data, 'phone')
			})
	),
	addMember: action(
		named('addMember'),
		[...MEMBER_FIELDS, 'event', 'happenedOn'],
		({ user, db, data, id, today }) =>
			addMember(
				db,
				user,
				id,
				{
					...memberInput(data),
					event: formText(data, 'event'),
					happenedOn: formText(data, 'happenedOn')
				},
				today
			)
	),
	editMember: action(
		about('editMember', 'memberId'),
		MEMBER_FIELDS,
		({ user, db, data, id, today }) =>
			updateMember(db, user, id, formText(data, 'memberId'), memberInput(data), today)
	),
	leave: action(
		about('leave', 'memberId'),
		['event', 'happenedOn', 'note'],
		({ user, db, data, id, today }) =>
			memberLeaves(
				db,
				user,
				id,
				formText(data, 'memberId'),
				{
					event: formText(data, 'event'),
					happenedOn: formText(data, 'happenedOn'),
					note: formText(data, 'note')
				},
				today
			)
	),
	revealId: async (event) => {
		const user = requireUser(event);
		const data = await readForm(event);
		const { db } = await database();
		const memberId = formText(data, 'memberId');
		try {
			const idNumber = await revealIdNumber(db, user, event.params.id, memberId);
			return { revealed: { memberId, idNumber } };
		} catch (caught) {
			return failFromDomain(event, caught);
		}
	},
	monitoring: action(
		named('monitoring'),
		['category', 'status', 'happenedOn', 'eliminationMethod', 'note'],
		({ user, db, data, id, today }) =>
			updateMonitoring(
				db,
				user,
				id,
				{
					category: formText(data, 'category'),
					status: formText(data, 'status'),
					risks: data.getAll('risks'),
					happenedOn: formText(data, 'happenedOn'),
					eliminationMethod: formText(data, 'eliminationMethod'),
					note: formText(data, 'note')
				},
				today
			),
		(data) => ({ risks: data.getAll('risks').map(String).join(',') })
	),
	cadre: action(
		named('cadre'),
		['cadreName', 'cadreUnit', 'cadrePhone'],
		({ user, db, data, id }) =>
			setCadre(db, user, id, {
				name: formText(data, 'cadreName'),
				unit: formText(data, 'cadreUnit'),
				phone: formText(data, 'cadrePhone')
			})
	),
	addMeasure: action(
		named('measure'),
		['measure', 'description', 'startedOn', 'endedOn', 'amount'],
		({ user, db, data, id }) =>
			addMeasure(db, user, id, {
				measure: formText(data, 'measure'),
				description: formText(data, 'description'),
				startedOn: formText(data, 'startedOn'),
				endedOn: formText(data, 'endedOn'),
				amount: formText(data, 'amount')
			})
	),
	addEntry: action(
		named('entry'),
		['subtype', 'amount', 'businessDate', 'memberId', 'note'],
		({ user, db, data, id, today }) =>
			recordManualEntry(
				db,
				user,
				id,
				{
					businessDate: formText(data, 'businessDate'),
					amount: formText(data, 'amount'),
					subtype: formText(data, 'subtype'),
					memberId: formText(data, 'memberId'),
					note: formText(data, 'note')
				},
				today
			)
	),
	reverseEntry: action(about('reverse', 'entryId'), [], ({ user, db, data, id }) =>
		reverseManualEntry(db, user, id, formText(data, 'entryId'))
	)
};
