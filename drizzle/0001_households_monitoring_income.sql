CREATE TABLE "membership_events" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"happened_on" date NOT NULL,
	"note" text,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "membership_events_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "assistance_measures" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"measure" text NOT NULL,
	"description" text,
	"started_on" date NOT NULL,
	"ended_on" date,
	"amount_fen" bigint,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assistance_measures_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "county_options" (
	"county_id" uuid NOT NULL,
	"list" text NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"developmental" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "county_options_county_id_list_code_pk" PRIMARY KEY("county_id","list","code")
);
--> statement-breakpoint
CREATE TABLE "monitoring_history" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"happened_on" date NOT NULL,
	"status" text NOT NULL,
	"category" text NOT NULL,
	"note" text,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_history_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "monitoring_records" (
	"county_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"category" text DEFAULT 'ordinary' NOT NULL,
	"status" text DEFAULT 'not_monitored' NOT NULL,
	"monitored_since" date,
	"eliminated_on" date,
	"elimination_method" text,
	"cadre_name" text,
	"cadre_unit" text,
	"cadre_phone" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_records_county_id_household_id_pk" PRIMARY KEY("county_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "monitoring_risks" (
	"county_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"risk" text NOT NULL,
	CONSTRAINT "monitoring_risks_county_id_household_id_risk_pk" PRIMARY KEY("county_id","household_id","risk")
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"member_id" uuid,
	"business_date" date NOT NULL,
	"amount_fen" bigint NOT NULL,
	"kind" text NOT NULL,
	"subtype" text NOT NULL,
	"source" text NOT NULL,
	"source_id" uuid,
	"source_version" integer DEFAULT 1 NOT NULL,
	"reverses_entry_id" uuid,
	"note" text,
	"entered_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "county_settings" (
	"county_id" uuid PRIMARY KEY NOT NULL,
	"ledger_ceiling_fen" bigint DEFAULT 100000000 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_lines" (
	"county_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"line_fen_per_person" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_lines_county_id_year_pk" PRIMARY KEY("county_id","year")
);
--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "labour_capacity" text DEFAULT 'full' NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "health" text DEFAULT 'healthy' NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "in_school" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "working_away" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "work_place" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "work_months" integer;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "resident" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "current" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "id_last4" varchar(4) GENERATED ALWAYS AS (right(id_number, 4)) STORED;--> statement-breakpoint
ALTER TABLE "membership_events" ADD CONSTRAINT "membership_events_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_events" ADD CONSTRAINT "membership_events_county_id_member_id_members_county_id_id_fk" FOREIGN KEY ("county_id","member_id") REFERENCES "public"."members"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistance_measures" ADD CONSTRAINT "assistance_measures_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "county_options" ADD CONSTRAINT "county_options_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_history" ADD CONSTRAINT "monitoring_history_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_records" ADD CONSTRAINT "monitoring_records_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_risks" ADD CONSTRAINT "monitoring_risks_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "county_settings" ADD CONSTRAINT "county_settings_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_lines" ADD CONSTRAINT "monitoring_lines_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "membership_events_household_idx" ON "membership_events" USING btree ("county_id","household_id","happened_on");--> statement-breakpoint
CREATE INDEX "assistance_measures_household_idx" ON "assistance_measures" USING btree ("county_id","household_id");--> statement-breakpoint
CREATE INDEX "monitoring_history_household_idx" ON "monitoring_history" USING btree ("county_id","household_id","happened_on");--> statement-breakpoint
CREATE INDEX "monitoring_records_status_idx" ON "monitoring_records" USING btree ("county_id","status","category");--> statement-breakpoint
CREATE INDEX "monitoring_risks_risk_idx" ON "monitoring_risks" USING btree ("county_id","risk");--> statement-breakpoint
CREATE INDEX "ledger_household_date_idx" ON "ledger_entries" USING btree ("county_id","household_id","business_date");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_source_posting_unique" ON "ledger_entries" USING btree ("county_id","source","source_id","source_version") WHERE "ledger_entries"."source_id" is not null and "ledger_entries"."reverses_entry_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_reversal_unique" ON "ledger_entries" USING btree ("county_id","reverses_entry_id") WHERE "ledger_entries"."reverses_entry_id" is not null;--> statement-breakpoint
CREATE INDEX "households_phone_idx" ON "households" USING btree ("county_id","phone");--> statement-breakpoint
CREATE INDEX "members_name_idx" ON "members" USING btree ("county_id","name" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "members_id_last4_idx" ON "members" USING btree ("county_id","id_last4");