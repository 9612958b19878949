CREATE TABLE "household_program_years" (
	"county_id" uuid NOT NULL,
	"source" text NOT NULL,
	"year" integer NOT NULL,
	"household_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	CONSTRAINT "household_program_years_county_id_source_year_household_id_pk" PRIMARY KEY("county_id","source","year","household_id")
);
