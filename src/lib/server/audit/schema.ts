import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { counties } from '../divisions/schema';

/** Append-only record of every change: who, when, what, before and after. */
export const auditLog = pgTable(
	'audit_log',
	{
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		id: uuid().notNull(),
		at: timestamp({ withTimezone: true }).notNull().defaultNow(),
		// Null for changes made by Levee itself (demo data, start-up loads).
		actorUserId: uuid(),
		actorLabel: text().notNull(),
		action: text().notNull(),
		entity: text().notNull(),
		entityId: text().notNull(),
		before: jsonb(),
		after: jsonb()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		index('audit_log_county_at_idx').on(t.countyId, t.at),
		index('audit_log_entity_idx').on(t.countyId, t.entity, t.entityId)
	]
);
