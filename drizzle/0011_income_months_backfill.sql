-- The monthly summary of the ledger written before it existed: the same grouping as
-- INCOME_MONTHS_FROM_LEDGER in src/lib/server/income/months.ts.
INSERT INTO "household_income_months" ("county_id", "household_id", "month", "kind", "source", "amount_fen", "entries")
SELECT county_id, household_id, date_trunc('month', business_date)::date, kind, source,
	sum(amount_fen)::bigint, sum(CASE WHEN reverses_entry_id IS NULL THEN 1 ELSE -1 END)::int
FROM ledger_entries
GROUP BY county_id, household_id, date_trunc('month', business_date)::date, kind, source
ON CONFLICT DO NOTHING;
