import {
	date,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { counties } from '../divisions/schema';

/**
 * Each run of a nightly job (the monitoring rules, data-quality checks, …) for a county and
 * a China business day. The unique index lets one run per job and day start, even with two
 * servers on one database, and a restart reads here what it missed.
 */
export const scheduledRuns = pgTable(
	'scheduled_runs',
	{
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		id: uuid().notNull(),
		job: text().notNull(),
		businessDate: date({ mode: 'string' }).notNull(),
		startedAt: timestamp({ withTimezone: true }).notNull(),
		finishedAt: timestamp({ withTimezone: true }),
		// What the job did: households evaluated, warnings raised by kind, findings, …
		counts: jsonb().$type<Record<string, number>>(),
		error: text()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		uniqueIndex('scheduled_runs_once_a_day').on(t.countyId, t.job, t.businessDate)
	]
);
