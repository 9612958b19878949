-- Each household's income per program and calendar year, from the monthly summary (the
-- four kinds of income, the programs' sources), as addToIncomeMonths keeps it from now on.
INSERT INTO household_program_years (county_id, source, year, household_id, amount_fen)
SELECT county_id, source, extract(year FROM month)::int, household_id, sum(amount_fen)
FROM household_income_months
WHERE source IN ('factory_wage', 'picking', 'planting_subsidy', 'insurance')
	AND kind IN ('wage', 'operating', 'property', 'transfer')
GROUP BY 1, 2, 3, 4;
