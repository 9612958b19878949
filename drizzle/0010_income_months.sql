CREATE TABLE "household_income_months" (
	"county_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"month" date NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"entries" integer NOT NULL,
	CONSTRAINT "household_income_months_county_id_household_id_month_kind_source_pk" PRIMARY KEY("county_id","household_id","month","kind","source")
);
--> statement-breakpoint
ALTER TABLE "household_income_months" ADD CONSTRAINT "household_income_months_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "household_income_months_month_idx" ON "household_income_months" USING btree ("county_id","month","source");