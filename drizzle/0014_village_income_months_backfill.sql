-- The village summary from the household summary kept so far (the households' villages now).
INSERT INTO "village_income_months" ("county_id", "village_code", "month", "kind", "source", "amount_fen", "entries")
SELECT m."county_id", h."village_code", m."month", m."kind", m."source", sum(m."amount_fen")::bigint, sum(m."entries")::int
FROM "household_income_months" m
JOIN "households" h ON h."county_id" = m."county_id" AND h."id" = m."household_id"
GROUP BY m."county_id", h."village_code", m."month", m."kind", m."source";
