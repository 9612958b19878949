-- The prior-year figures of the standings kept so far, from the monthly summary: the same
-- sums as the "prior" step of standingsSelect in src/lib/server/income/standings.ts.
UPDATE "household_standings" s
SET "prior_year_net_fen" = p.net, "prior_year_income_fen" = p.income
FROM (
	SELECT st.county_id, st.household_id,
		sum(CASE m.kind WHEN 'production_cost' THEN -m.amount_fen WHEN 'large_expense' THEN 0
			ELSE m.amount_fen END)::bigint AS net,
		coalesce(sum(m.amount_fen) FILTER (WHERE m.kind IN ('wage', 'operating', 'property', 'transfer')),
			0)::bigint AS income
	FROM "household_standings" st
	JOIN "household_income_months" m ON m.county_id = st.county_id AND m.household_id = st.household_id
		AND m.month >= make_date(extract(year FROM st.evaluated_on)::int - 1, 1, 1)
		AND m.month < make_date(extract(year FROM st.evaluated_on)::int, 1, 1)
	GROUP BY st.county_id, st.household_id
) p
WHERE s.county_id = p.county_id AND s.household_id = p.household_id;
