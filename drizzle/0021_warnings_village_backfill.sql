-- The village of each warning raised so far, from its household.
UPDATE "warnings" w SET "village_code" = h."village_code"
FROM "households" h
WHERE h."county_id" = w."county_id" AND h."id" = w."household_id";
