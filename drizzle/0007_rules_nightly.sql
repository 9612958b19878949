CREATE TABLE "scheduled_runs" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"job" text NOT NULL,
	"business_date" date NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"counts" jsonb,
	"error" text,
	CONSTRAINT "scheduled_runs_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
ALTER TABLE "warnings" ADD COLUMN "rule_key" text;--> statement-breakpoint
ALTER TABLE "scheduled_runs" ADD CONSTRAINT "scheduled_runs_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "scheduled_runs_once_a_day" ON "scheduled_runs" USING btree ("county_id","job","business_date");