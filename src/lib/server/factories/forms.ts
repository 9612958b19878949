import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { canSeeTownship } from '../auth/scope';
import { listTownships, listVillages } from '../divisions';
import type { FactoryInput } from './registry';

// Glue shared by the factory pages: the registry form's fields and the village choices.

export const FACTORY_FIELDS: (keyof FactoryInput)[] = [
	'name',
	'villageCode',
	'floorArea',
	'buildingCost',
	'enterpriseName',
	'enterpriseContact',
	'enterprisePhone',
	'creditCode',
	'products',
	'leaseStart',
	'leaseEnd',
	'annualRent',
	'status',
	'openedOn'
];

function field(data: FormData, name: string): string {
	const value = data.get(name);
	return typeof value === 'string' ? value : '';
}

export function factoryInput(data: FormData): FactoryInput {
	return Object.fromEntries(
		FACTORY_FIELDS.map((f) => [f, field(data, f)])
	) as unknown as FactoryInput;
}

export interface TownshipChoice {
	code: string;
	name: string;
	villages: { code: string; name: string }[];
}

/** The county's villages by township, for the factory's place. */
export async function villageChoices(db: Db, actor: UserActor): Promise<TownshipChoice[]> {
	const townships = (await listTownships(db, actor.countyCode)).filter((t) =>
		canSeeTownship(actor, t.code)
	);
	const villages = await Promise.all(
		townships.map((t) => listVillages(db, actor.countyCode, t.code))
	);
	return townships.map((t, i) => ({
		code: t.code,
		name: t.name,
		villages: villages[i].map((v) => ({ code: v.code, name: v.name }))
	}));
}
