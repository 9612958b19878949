import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Each statistics or vacuum run on the database (after a bulk write, or by the maintenance
 * job), so that a restart knows when the last one was. Shared: not one county's data.
 */
export const maintenanceRuns = pgTable('maintenance_runs', {
	id: uuid().primaryKey(),
	// 'analyze' after a bulk write; 'vacuum' by the maintenance job.
	kind: text({ enum: ['analyze', 'vacuum'] }).notNull(),
	// Why it ran: 'household_import', 'demo', 'payment', 'start-up', 'changes'.
	reason: text().notNull(),
	tables: jsonb().$type<string[]>().notNull(),
	startedAt: timestamp({ withTimezone: true }).notNull(),
	finishedAt: timestamp({ withTimezone: true }).notNull(),
	durationMs: integer().notNull(),
	error: text()
});
