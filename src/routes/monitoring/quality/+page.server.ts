import { todayInChina } from '$lib/format';
import { listTownships } from '$lib/server/divisions';
import { failFromDomain, formText, formValues, readForm, requireRole } from '$lib/server/http';
import {
	FINDINGS_PAGE_SIZE,
	listFindings,
	listQualityRules,
	qualityCounts,
	QUALITY_RULE_CODES,
	runQualityChecks,
	setQualityRule
} from '$lib/server/monitoring/quality';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	const query = event.url.searchParams;
	// Only well-formed filters reach the database; anything else shows everything.
	const township = /^\d{9}$/.test(query.get('township') ?? '') ? query.get('township')! : '';
	const rule = QUALITY_RULE_CODES.includes(query.get('rule') ?? '') ? query.get('rule')! : '';
	const page = /^\d{1,4}$/.test(query.get('page') ?? '')
		? Math.max(1, Number(query.get('page')))
		: 1;
	const [counts, findings, rules, townships] = await Promise.all([
		qualityCounts(db, user),
		listFindings(db, user, { township: township || undefined, rule: rule || undefined, page }),
		listQualityRules(db, user.countyId),
		listTownships(db, user.countyCode)
	]);
	return {
		counts,
		findings,
		rules: rules.map((r) => ({
			code: r.code,
			descriptionZh: r.descriptionZh,
			descriptionEn: r.descriptionEn,
			fixZh: r.fixZh,
			fixEn: r.fixEn,
			enabled: r.enabled,
			params: r.params
		})),
		townships: townships
			.filter((t) => user.role === 'county_admin' || user.townshipCodes.includes(t.code))
			.map((t) => ({ code: t.code, name: t.name })),
		filter: { township, rule, page },
		pageSize: FINDINGS_PAGE_SIZE,
		isAdmin: user.role === 'county_admin'
	};
};

export const actions: Actions = {
	rule: async (event) => {
		const user = await requireRole(event, 'county_admin');
		const data = await readForm(event);
		const { db } = await database();
		const code = formText(data, 'code');
		const params: Record<string, string> = {};
		for (const [key, value] of data.entries())
			if (key.startsWith('param:') && typeof value === 'string') params[key.slice(6)] = value;
		try {
			await setQualityRule(
				db,
				user,
				code,
				{ enabled: formText(data, 'enabled'), params },
				todayInChina()
			);
			return { saved: `rule:${code}` };
		} catch (caught) {
			return failFromDomain(event, caught, {
				...formValues(data, ['code', 'enabled']),
				...Object.fromEntries(Object.entries(params).map(([k, v]) => [`param:${k}`, v])),
				form: `rule:${code}`
			});
		}
	},
	run: async (event) => {
		const user = await requireRole(event, 'county_admin');
		await readForm(event);
		const { db } = await database();
		const { findings } = await runQualityChecks(db, user.countyId, todayInChina());
		return { saved: 'run', findings };
	}
};
