CREATE TABLE "household_program_years" (
	"county_id" uuid NOT NULL,
	"source" text NOT NULL,
	"year" integer NOT NULL,
	"household_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	CONSTRAINT "household_program_years_county_id_source_year_household_id_pk" PRIMARY KEY("county_id","source","year","household_id")
);
--> statement-breakpoint
CREATE TABLE "village_counts" (
	"county_id" uuid NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"households" integer DEFAULT 0 NOT NULL,
	"below" integer DEFAULT 0 NOT NULL,
	"near" integer DEFAULT 0 NOT NULL,
	"above" integer DEFAULT 0 NOT NULL,
	"unknown" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "village_counts_county_id_village_code_pk" PRIMARY KEY("county_id","village_code")
);
