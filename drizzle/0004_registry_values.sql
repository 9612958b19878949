CREATE TABLE "village_aliases" (
	"village_code" varchar(12) NOT NULL,
	"township_code" varchar(9) NOT NULL,
	"county_code" varchar(6) NOT NULL,
	"alias" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "village_aliases_village_code_alias_pk" PRIMARY KEY("village_code","alias"),
	CONSTRAINT "village_aliases_township_alias_unique" UNIQUE("township_code","alias")
);
--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "natural_village" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "household_type" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "poverty_exit_type" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "poverty_exit_year" integer;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "reported_income_per_capita_fen" bigint;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "minimum_living_allowance" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "extreme_poverty_support" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "full_no_labour_support" boolean;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "dangerous_housing" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "drinking_water_safety" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "person_number" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "phone" varchar(20);--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "ethnicity" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "education" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "schooling" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "health_status" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "labour_skill" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "work_status" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "serious_illness_insurance" boolean;--> statement-breakpoint
ALTER TABLE "monitoring_risks" ADD COLUMN "written" text;--> statement-breakpoint
ALTER TABLE "village_aliases" ADD CONSTRAINT "village_aliases_village_code_divisions_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."divisions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "village_aliases_county_idx" ON "village_aliases" USING btree ("county_code");