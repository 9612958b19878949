CREATE TABLE "user_villages" (
	"user_id" uuid NOT NULL,
	"village_code" varchar(12) NOT NULL,
	CONSTRAINT "user_villages_user_id_village_code_pk" PRIMARY KEY("user_id","village_code")
);
--> statement-breakpoint
CREATE TABLE "household_standings" (
	"county_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"evaluated_on" date NOT NULL,
	"net_fen" bigint NOT NULL,
	"residents" integer NOT NULL,
	"per_capita_fen" bigint,
	"line_fen" bigint,
	"below_line" boolean,
	"near_line" boolean DEFAULT false NOT NULL,
	"large_expense_fen" bigint DEFAULT 0 NOT NULL,
	"reason" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "household_standings_county_id_household_id_pk" PRIMARY KEY("county_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "home_visits" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"visited_on" date NOT NULL,
	"visitor_id" uuid NOT NULL,
	"seen" text NOT NULL,
	"changes" text,
	"photo" text,
	"photo_type" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "home_visits_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "warning_steps" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"warning_id" uuid NOT NULL,
	"step" text NOT NULL,
	"happened_on" date NOT NULL,
	"by_user_id" uuid,
	"by_label" text NOT NULL,
	"note" text,
	"details" jsonb,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warning_steps_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "warnings" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"note" text,
	"raised_on" date NOT NULL,
	"raised_by" uuid,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"verified_on" date,
	"verified_by" uuid,
	"findings" text,
	"decision" text,
	"decision_reason" text,
	"closed_on" date,
	"closed_by" uuid,
	"visit_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warnings_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
ALTER TABLE "assistance_measures" ADD COLUMN "responsible_name" text;--> statement-breakpoint
ALTER TABLE "assistance_measures" ADD COLUMN "responsible_phone" text;--> statement-breakpoint
ALTER TABLE "assistance_measures" ADD COLUMN "warning_id" uuid;--> statement-breakpoint
ALTER TABLE "county_settings" ADD COLUMN "near_line_margin_pct" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "county_settings" ADD COLUMN "income_drop_pct" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "county_settings" ADD COLUMN "job_gap_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "county_settings" ADD COLUMN "large_expense_share_pct" integer DEFAULT 50 NOT NULL;--> statement-breakpoint
ALTER TABLE "county_settings" ADD COLUMN "verification_due_working_days" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "county_settings" ADD COLUMN "public_notice_days" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "county_settings" ADD COLUMN "elimination_stable_months" integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE "user_villages" ADD CONSTRAINT "user_villages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_villages" ADD CONSTRAINT "user_villages_village_code_divisions_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."divisions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_standings" ADD CONSTRAINT "household_standings_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "home_visits" ADD CONSTRAINT "home_visits_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_steps" ADD CONSTRAINT "warning_steps_county_id_warning_id_warnings_county_id_id_fk" FOREIGN KEY ("county_id","warning_id") REFERENCES "public"."warnings"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_villages_village_idx" ON "user_villages" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "household_standings_below_idx" ON "household_standings" USING btree ("county_id","below_line","near_line");--> statement-breakpoint
CREATE INDEX "home_visits_household_idx" ON "home_visits" USING btree ("county_id","household_id","visited_on");--> statement-breakpoint
CREATE INDEX "home_visits_visitor_idx" ON "home_visits" USING btree ("county_id","visitor_id","visited_on");--> statement-breakpoint
CREATE INDEX "warning_steps_warning_idx" ON "warning_steps" USING btree ("county_id","warning_id","recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "warnings_one_open_per_kind" ON "warnings" USING btree ("county_id","household_id","kind") WHERE "warnings"."status" <> 'closed';--> statement-breakpoint
CREATE INDEX "warnings_household_idx" ON "warnings" USING btree ("county_id","household_id","raised_on");--> statement-breakpoint
CREATE INDEX "warnings_queue_idx" ON "warnings" USING btree ("county_id","status","due_on");