-- The standings counted per village (village_standing_counts), kept by the database in the
-- transaction of every statement that writes household_standings: each statement's rows
-- counted by category (below the line, near it, above it, cannot be computed — the same
-- conditions as the dashboard's STANDING_COUNTS), the deleted and replaced ones subtracted,
-- summed per village, and only villages whose counts change are written (in village order,
-- so two statements lock the rows they share in the same order).
CREATE FUNCTION levee_village_standing_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	-- The statement's rows: +1 for each row as it is now, -1 for each row as it was.
	changes text := CASE TG_OP
		WHEN 'INSERT' THEN 'SELECT *, 1 AS sign FROM new_rows'
		WHEN 'DELETE' THEN 'SELECT *, -1 AS sign FROM old_rows'
		ELSE 'SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows'
	END;
BEGIN
	EXECUTE format($sql$
		INSERT INTO village_standing_counts AS v
			(county_id, village_code, households, below, near, above, unknown)
		SELECT county_id, village_code, households, below, near, above, unknown
		FROM (
			SELECT county_id, village_code, sum(sign) AS households,
				coalesce(sum(sign) FILTER (WHERE below_line), 0) AS below,
				coalesce(sum(sign) FILTER (WHERE below_line = false AND near_line), 0) AS near,
				coalesce(sum(sign) FILTER (WHERE below_line = false AND NOT near_line), 0) AS above,
				coalesce(sum(sign) FILTER (WHERE below_line IS NULL AND per_capita_fen IS NULL), 0)
					AS unknown
			FROM (%s) c
			GROUP BY county_id, village_code) d
		WHERE households <> 0 OR below <> 0 OR near <> 0 OR above <> 0 OR unknown <> 0
		ORDER BY county_id, village_code
		ON CONFLICT (county_id, village_code) DO UPDATE SET
			households = v.households + excluded.households,
			below = v.below + excluded.below,
			near = v.near + excluded.near,
			above = v.above + excluded.above,
			unknown = v.unknown + excluded.unknown
	$sql$, changes);
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER household_standings_counts_insert AFTER INSERT ON household_standings
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION levee_village_standing_counts();
--> statement-breakpoint
CREATE TRIGGER household_standings_counts_update AFTER UPDATE ON household_standings
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION levee_village_standing_counts();
--> statement-breakpoint
CREATE TRIGGER household_standings_counts_delete AFTER DELETE ON household_standings
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION levee_village_standing_counts();
--> statement-breakpoint
INSERT INTO village_standing_counts (county_id, village_code, households, below, near, above, unknown)
SELECT county_id, village_code, count(*),
	count(*) FILTER (WHERE below_line),
	count(*) FILTER (WHERE below_line = false AND near_line),
	count(*) FILTER (WHERE below_line = false AND NOT near_line),
	count(*) FILTER (WHERE below_line IS NULL AND per_capita_fen IS NULL)
FROM household_standings
GROUP BY county_id, village_code;
