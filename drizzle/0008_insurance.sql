CREATE TABLE "insurance_claim_steps" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"claim_id" uuid NOT NULL,
	"step" text NOT NULL,
	"happened_on" date NOT NULL,
	"by_user_id" uuid,
	"by_label" text NOT NULL,
	"amount_fen" bigint,
	"note" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "insurance_claim_steps_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "insurance_claims" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"scheme_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"event_date" date NOT NULL,
	"loss_fen" bigint NOT NULL,
	"documents" text,
	"description" text,
	"status" text DEFAULT 'reported' NOT NULL,
	"warning_id" uuid,
	"reported_on" date NOT NULL,
	"reported_by" uuid,
	"investigation" jsonb,
	"investigated_on" date,
	"investigated_by" uuid,
	"rule_amount_fen" bigint,
	"rule_version" integer,
	"approved_amount_fen" bigint,
	"decision_reason" text,
	"decided_on" date,
	"decided_by" uuid,
	"paid_on" date,
	"paid_amount_fen" bigint,
	"paid_by" uuid,
	"ledger_entry_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "insurance_claims_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "insurance_fund_entries" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"scheme_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"business_date" date NOT NULL,
	"claim_id" uuid,
	"other_scheme_id" uuid,
	"units" integer,
	"note" text,
	"by_user_id" uuid,
	"by_label" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "insurance_fund_entries_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "insurance_policies" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"scheme_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"member_id" uuid,
	"object_kind" text NOT NULL,
	"object_ref" uuid,
	"object_label" text NOT NULL,
	"object_key" text NOT NULL,
	"insured_value_fen" bigint,
	"employer" text,
	"work_place" text,
	"cover_from" date NOT NULL,
	"cover_to" date NOT NULL,
	"premium_fen" bigint NOT NULL,
	"enrolled_by" uuid,
	"enrolled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "insurance_policies_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "insurance_schemes" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"year" integer NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"insurer" text NOT NULL,
	"coverage" text NOT NULL,
	"premium_fen" bigint NOT NULL,
	"budget_fen" bigint NOT NULL,
	"events" text[] NOT NULL,
	"rule" jsonb NOT NULL,
	"rule_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "insurance_schemes_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
ALTER TABLE "insurance_claim_steps" ADD CONSTRAINT "insurance_claim_steps_county_id_claim_id_insurance_claims_county_id_id_fk" FOREIGN KEY ("county_id","claim_id") REFERENCES "public"."insurance_claims"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insurance_claims" ADD CONSTRAINT "insurance_claims_county_id_scheme_id_insurance_schemes_county_id_id_fk" FOREIGN KEY ("county_id","scheme_id") REFERENCES "public"."insurance_schemes"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insurance_claims" ADD CONSTRAINT "insurance_claims_county_id_policy_id_insurance_policies_county_id_id_fk" FOREIGN KEY ("county_id","policy_id") REFERENCES "public"."insurance_policies"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insurance_claims" ADD CONSTRAINT "insurance_claims_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insurance_fund_entries" ADD CONSTRAINT "insurance_fund_entries_county_id_scheme_id_insurance_schemes_county_id_id_fk" FOREIGN KEY ("county_id","scheme_id") REFERENCES "public"."insurance_schemes"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insurance_policies" ADD CONSTRAINT "insurance_policies_county_id_scheme_id_insurance_schemes_county_id_id_fk" FOREIGN KEY ("county_id","scheme_id") REFERENCES "public"."insurance_schemes"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insurance_policies" ADD CONSTRAINT "insurance_policies_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insurance_policies" ADD CONSTRAINT "insurance_policies_county_id_member_id_members_county_id_id_fk" FOREIGN KEY ("county_id","member_id") REFERENCES "public"."members"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "insurance_claim_steps_claim_idx" ON "insurance_claim_steps" USING btree ("county_id","claim_id","recorded_at");--> statement-breakpoint
CREATE INDEX "insurance_claims_queue_idx" ON "insurance_claims" USING btree ("county_id","status","reported_on");--> statement-breakpoint
CREATE INDEX "insurance_claims_household_idx" ON "insurance_claims" USING btree ("county_id","household_id");--> statement-breakpoint
CREATE INDEX "insurance_fund_scheme_idx" ON "insurance_fund_entries" USING btree ("county_id","scheme_id","business_date");--> statement-breakpoint
CREATE UNIQUE INDEX "insurance_fund_payout_unique" ON "insurance_fund_entries" USING btree ("county_id","claim_id") WHERE "insurance_fund_entries"."kind" = 'payout';--> statement-breakpoint
CREATE UNIQUE INDEX "insurance_fund_carry_out_unique" ON "insurance_fund_entries" USING btree ("county_id","scheme_id") WHERE "insurance_fund_entries"."kind" = 'carry_out';--> statement-breakpoint
CREATE UNIQUE INDEX "insurance_policies_object_unique" ON "insurance_policies" USING btree ("county_id","scheme_id","object_key");--> statement-breakpoint
CREATE INDEX "insurance_policies_household_idx" ON "insurance_policies" USING btree ("county_id","household_id");--> statement-breakpoint
CREATE UNIQUE INDEX "insurance_schemes_year_kind_unique" ON "insurance_schemes" USING btree ("county_id","year","kind");