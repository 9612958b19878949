CREATE TABLE "factories" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"floor_area_m_2" integer NOT NULL,
	"building_cost_fen" bigint,
	"enterprise_name" text NOT NULL,
	"enterprise_contact" text,
	"enterprise_phone" varchar(20),
	"credit_code" varchar(18),
	"products" text[] DEFAULT '{}'::text[] NOT NULL,
	"lease_start" date,
	"lease_end" date,
	"annual_rent_fen" bigint,
	"status" text DEFAULT 'building' NOT NULL,
	"opened_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "factories_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "factory_jobs" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"factory_id" uuid NOT NULL,
	"member_id" uuid,
	"household_id" uuid,
	"worker_name" text NOT NULL,
	"worker_id_number" varchar(18) NOT NULL,
	"home_village" text,
	"job_title" text NOT NULL,
	"pay_basis" text NOT NULL,
	"started_on" date NOT NULL,
	"ended_on" date,
	"end_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "factory_jobs_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "factory_owners" (
	"county_id" uuid NOT NULL,
	"factory_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	CONSTRAINT "factory_owners_county_id_factory_id_user_id_pk" PRIMARY KEY("county_id","factory_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "factory_wages" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"month" date NOT NULL,
	"amount_fen" bigint NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"entered_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "factory_wages_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "picking_entries" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"season_id" uuid NOT NULL,
	"station_id" uuid NOT NULL,
	"picked_on" date NOT NULL,
	"member_id" uuid,
	"household_id" uuid,
	"picker_name" text NOT NULL,
	"picker_id_number" varchar(18),
	"weight_grams" integer NOT NULL,
	"rate_fen_per_kg" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"voided" boolean DEFAULT false NOT NULL,
	"payment_id" uuid,
	"entered_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "picking_entries_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "picking_payments" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"station_id" uuid NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"paid_on" date NOT NULL,
	"total_fen" bigint NOT NULL,
	"entries" integer NOT NULL,
	"paid_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "picking_payments_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "planting_seasons" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"year" integer NOT NULL,
	"first_year_subsidy_fen_per_mu" bigint DEFAULT 90000 NOT NULL,
	"later_year_subsidy_fen_per_mu" bigint DEFAULT 0 NOT NULL,
	"picking_rate_fen_per_kg" bigint DEFAULT 100 NOT NULL,
	"seedlings_per_mu" integer DEFAULT 300 NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "planting_seasons_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "planting_subsidies" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"season_id" uuid NOT NULL,
	"plot_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"area_hundredths_mu" integer NOT NULL,
	"first_year" boolean NOT NULL,
	"rate_fen_per_mu" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"paid_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "planting_subsidies_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "plot_measurements" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"plot_id" uuid NOT NULL,
	"measured_on" date NOT NULL,
	"area_hundredths_mu" integer NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plot_measurements_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "plots" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"area_hundredths_mu" integer NOT NULL,
	"planted_on" date NOT NULL,
	"seedlings" integer,
	"notes" text,
	"retired_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plots_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "weighing_stations" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "weighing_stations_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
ALTER TABLE "county_settings" ADD COLUMN "monthly_wage_ceiling_fen" bigint DEFAULT 2000000 NOT NULL;--> statement-breakpoint
ALTER TABLE "county_settings" ADD COLUMN "weigh_in_ceiling_grams" integer DEFAULT 100000 NOT NULL;--> statement-breakpoint
ALTER TABLE "factories" ADD CONSTRAINT "factories_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "factories" ADD CONSTRAINT "factories_village_code_divisions_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."divisions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "factory_jobs" ADD CONSTRAINT "factory_jobs_county_id_factory_id_factories_county_id_id_fk" FOREIGN KEY ("county_id","factory_id") REFERENCES "public"."factories"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "factory_jobs" ADD CONSTRAINT "factory_jobs_county_id_member_id_members_county_id_id_fk" FOREIGN KEY ("county_id","member_id") REFERENCES "public"."members"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "factory_jobs" ADD CONSTRAINT "factory_jobs_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "factory_owners" ADD CONSTRAINT "factory_owners_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "factory_owners" ADD CONSTRAINT "factory_owners_county_id_factory_id_factories_county_id_id_fk" FOREIGN KEY ("county_id","factory_id") REFERENCES "public"."factories"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "factory_wages" ADD CONSTRAINT "factory_wages_county_id_job_id_factory_jobs_county_id_id_fk" FOREIGN KEY ("county_id","job_id") REFERENCES "public"."factory_jobs"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "picking_entries" ADD CONSTRAINT "picking_entries_county_id_season_id_planting_seasons_county_id_id_fk" FOREIGN KEY ("county_id","season_id") REFERENCES "public"."planting_seasons"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "picking_entries" ADD CONSTRAINT "picking_entries_county_id_station_id_weighing_stations_county_id_id_fk" FOREIGN KEY ("county_id","station_id") REFERENCES "public"."weighing_stations"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "picking_entries" ADD CONSTRAINT "picking_entries_county_id_member_id_members_county_id_id_fk" FOREIGN KEY ("county_id","member_id") REFERENCES "public"."members"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "picking_entries" ADD CONSTRAINT "picking_entries_county_id_payment_id_picking_payments_county_id_id_fk" FOREIGN KEY ("county_id","payment_id") REFERENCES "public"."picking_payments"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "picking_payments" ADD CONSTRAINT "picking_payments_county_id_station_id_weighing_stations_county_id_id_fk" FOREIGN KEY ("county_id","station_id") REFERENCES "public"."weighing_stations"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planting_seasons" ADD CONSTRAINT "planting_seasons_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planting_subsidies" ADD CONSTRAINT "planting_subsidies_county_id_season_id_planting_seasons_county_id_id_fk" FOREIGN KEY ("county_id","season_id") REFERENCES "public"."planting_seasons"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planting_subsidies" ADD CONSTRAINT "planting_subsidies_county_id_plot_id_plots_county_id_id_fk" FOREIGN KEY ("county_id","plot_id") REFERENCES "public"."plots"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plot_measurements" ADD CONSTRAINT "plot_measurements_county_id_plot_id_plots_county_id_id_fk" FOREIGN KEY ("county_id","plot_id") REFERENCES "public"."plots"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plots" ADD CONSTRAINT "plots_village_code_divisions_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."divisions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plots" ADD CONSTRAINT "plots_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "weighing_stations" ADD CONSTRAINT "weighing_stations_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "weighing_stations" ADD CONSTRAINT "weighing_stations_village_code_divisions_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."divisions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "factories_name_unique" ON "factories" USING btree ("county_id","name");--> statement-breakpoint
CREATE INDEX "factories_village_idx" ON "factories" USING btree ("county_id","village_code");--> statement-breakpoint
CREATE UNIQUE INDEX "factory_jobs_one_open_unique" ON "factory_jobs" USING btree ("county_id","factory_id","worker_id_number") WHERE "factory_jobs"."ended_on" is null;--> statement-breakpoint
CREATE INDEX "factory_jobs_factory_idx" ON "factory_jobs" USING btree ("county_id","factory_id","started_on");--> statement-breakpoint
CREATE INDEX "factory_jobs_household_idx" ON "factory_jobs" USING btree ("county_id","household_id");--> statement-breakpoint
CREATE INDEX "factory_owners_user_idx" ON "factory_owners" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "factory_wages_job_month_unique" ON "factory_wages" USING btree ("county_id","job_id","month");--> statement-breakpoint
CREATE INDEX "picking_entries_station_day_idx" ON "picking_entries" USING btree ("county_id","station_id","picked_on");--> statement-breakpoint
CREATE INDEX "picking_entries_household_idx" ON "picking_entries" USING btree ("county_id","household_id");--> statement-breakpoint
CREATE UNIQUE INDEX "planting_seasons_year_unique" ON "planting_seasons" USING btree ("county_id","year");--> statement-breakpoint
CREATE UNIQUE INDEX "planting_subsidies_plot_unique" ON "planting_subsidies" USING btree ("county_id","season_id","plot_id");--> statement-breakpoint
CREATE INDEX "plots_village_idx" ON "plots" USING btree ("county_id","village_code");--> statement-breakpoint
CREATE INDEX "plots_household_idx" ON "plots" USING btree ("county_id","household_id");--> statement-breakpoint
CREATE UNIQUE INDEX "weighing_stations_name_unique" ON "weighing_stations" USING btree ("county_id","name");