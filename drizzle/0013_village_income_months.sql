CREATE TABLE "village_income_months" (
	"county_id" uuid NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"month" date NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"entries" integer NOT NULL,
	CONSTRAINT "village_income_months_county_id_village_code_month_kind_source_pk" PRIMARY KEY("county_id","village_code","month","kind","source")
);
--> statement-breakpoint
CREATE INDEX "village_income_months_month_idx" ON "village_income_months" USING btree ("county_id","month");