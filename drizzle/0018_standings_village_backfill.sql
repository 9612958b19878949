-- The village of each standing kept so far, from its household.
UPDATE "household_standings" s SET "village_code" = h."village_code"
FROM "households" h
WHERE h."county_id" = s."county_id" AND h."id" = s."household_id";
