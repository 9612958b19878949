CREATE TABLE "village_standing_counts" (
	"county_id" uuid NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"households" integer NOT NULL,
	"below" integer NOT NULL,
	"near" integer NOT NULL,
	"above" integer NOT NULL,
	"unknown" integer NOT NULL,
	CONSTRAINT "village_standing_counts_county_id_village_code_pk" PRIMARY KEY("county_id","village_code")
);
