-- village_counts, kept by the database in the transaction of every statement that writes
-- households or household_standings: the statement's rows counted per village (+1 as they
-- are now, -1 as they were), and only villages whose counts change are written, in village
-- order (two statements lock the rows they share in the same order).
-- households: every household of the village (an update that keeps the village changes nothing).
CREATE FUNCTION levee_village_households() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	changes text := CASE TG_OP
		WHEN 'INSERT' THEN 'SELECT county_id, village_code, 1 AS sign FROM new_rows'
		WHEN 'DELETE' THEN 'SELECT county_id, village_code, -1 AS sign FROM old_rows'
		ELSE 'SELECT county_id, village_code, 1 AS sign FROM new_rows
			UNION ALL SELECT county_id, village_code, -1 FROM old_rows'
	END;
BEGIN
	EXECUTE format($sql$
		INSERT INTO village_counts AS v (county_id, village_code, households)
		SELECT county_id, village_code, sum(sign) FROM (%s) c
		GROUP BY county_id, village_code
		HAVING sum(sign) <> 0
		ORDER BY county_id, village_code
		ON CONFLICT (county_id, village_code) DO UPDATE SET
			households = v.households + excluded.households
	$sql$, changes);
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER households_village_counts_insert AFTER INSERT ON households
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION levee_village_households();
--> statement-breakpoint
CREATE TRIGGER households_village_counts_update AFTER UPDATE ON households
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION levee_village_households();
--> statement-breakpoint
CREATE TRIGGER households_village_counts_delete AFTER DELETE ON households
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION levee_village_households();
--> statement-breakpoint
-- below, near, above, unknown: the standings by where they stand (the same conditions as the
-- dashboard's STANDING_COUNTS).
CREATE FUNCTION levee_village_standings() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	changes text := CASE TG_OP
		WHEN 'INSERT' THEN 'SELECT *, 1 AS sign FROM new_rows'
		WHEN 'DELETE' THEN 'SELECT *, -1 AS sign FROM old_rows'
		ELSE 'SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows'
	END;
BEGIN
	EXECUTE format($sql$
		INSERT INTO village_counts AS v (county_id, village_code, below, near, above, unknown)
		SELECT county_id, village_code, below, near, above, unknown
		FROM (
			SELECT county_id, village_code,
				coalesce(sum(sign) FILTER (WHERE below_line), 0) AS below,
				coalesce(sum(sign) FILTER (WHERE below_line = false AND near_line), 0) AS near,
				coalesce(sum(sign) FILTER (WHERE below_line = false AND NOT near_line), 0) AS above,
				coalesce(sum(sign) FILTER (WHERE below_line IS NULL AND per_capita_fen IS NULL), 0)
					AS unknown
			FROM (%s) c
			GROUP BY county_id, village_code) d
		WHERE below <> 0 OR near <> 0 OR above <> 0 OR unknown <> 0
		ORDER BY county_id, village_code
		ON CONFLICT (county_id, village_code) DO UPDATE SET
			below = v.below + excluded.below,
			near = v.near + excluded.near,
			above = v.above + excluded.above,
			unknown = v.unknown + excluded.unknown
	$sql$, changes);
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER household_standings_village_counts_insert AFTER INSERT ON household_standings
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION levee_village_standings();
--> statement-breakpoint
CREATE TRIGGER household_standings_village_counts_update AFTER UPDATE ON household_standings
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION levee_village_standings();
--> statement-breakpoint
CREATE TRIGGER household_standings_village_counts_delete AFTER DELETE ON household_standings
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION levee_village_standings();
--> statement-breakpoint
INSERT INTO village_counts (county_id, village_code, households, below, near, above, unknown)
SELECT county_id, village_code, sum(households), sum(below), sum(near), sum(above), sum(unknown)
FROM (
	SELECT county_id, village_code, count(*) AS households, 0 AS below, 0 AS near, 0 AS above,
		0 AS unknown
	FROM households GROUP BY 1, 2
	UNION ALL
	SELECT county_id, village_code, 0,
		count(*) FILTER (WHERE below_line),
		count(*) FILTER (WHERE below_line = false AND near_line),
		count(*) FILTER (WHERE below_line = false AND NOT near_line),
		count(*) FILTER (WHERE below_line IS NULL AND per_capita_fen IS NULL)
	FROM household_standings GROUP BY 1, 2
) c
GROUP BY 1, 2;
--> statement-breakpoint
-- Each household's income per program and calendar year, from the monthly summary (the
-- four kinds of income, the programs' sources), as addToIncomeMonths keeps it from now on.
INSERT INTO household_program_years (county_id, source, year, household_id, amount_fen)
SELECT county_id, source, extract(year FROM month)::int, household_id, sum(amount_fen)
FROM household_income_months
WHERE source IN ('factory_wage', 'picking', 'planting_subsidy', 'insurance')
	AND kind IN ('wage', 'operating', 'property', 'transfer')
GROUP BY 1, 2, 3, 4;
