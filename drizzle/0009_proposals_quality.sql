CREATE TABLE "monitoring_proposals" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"category" text,
	"risks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"elimination_method" text,
	"note" text,
	"proposed_on" date NOT NULL,
	"proposed_by" uuid,
	"notice_from" date,
	"notice_until" date,
	"decided_on" date,
	"decided_by" uuid,
	"rejection_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_proposals_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "proposal_steps" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"proposal_id" uuid NOT NULL,
	"step" text NOT NULL,
	"happened_on" date NOT NULL,
	"by_name" text NOT NULL,
	"by_user_id" uuid,
	"findings" text,
	"details" jsonb,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "proposal_steps_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "quality_findings" (
	"county_id" uuid NOT NULL,
	"rule_code" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"member_id" uuid,
	"township_code" varchar(9) NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"found_at" timestamp with time zone DEFAULT now() NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quality_findings_county_id_rule_code_subject_id_pk" PRIMARY KEY("county_id","rule_code","subject_id")
);
--> statement-breakpoint
CREATE TABLE "quality_rules" (
	"county_id" uuid NOT NULL,
	"code" text NOT NULL,
	"description_zh" text NOT NULL,
	"description_en" text NOT NULL,
	"fix_zh" text NOT NULL,
	"fix_en" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quality_rules_county_id_code_pk" PRIMARY KEY("county_id","code")
);
--> statement-breakpoint
ALTER TABLE "monitoring_proposals" ADD CONSTRAINT "monitoring_proposals_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_steps" ADD CONSTRAINT "proposal_steps_county_id_proposal_id_monitoring_proposals_county_id_id_fk" FOREIGN KEY ("county_id","proposal_id") REFERENCES "public"."monitoring_proposals"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_findings" ADD CONSTRAINT "quality_findings_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_rules" ADD CONSTRAINT "quality_rules_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_proposals_one_open" ON "monitoring_proposals" USING btree ("county_id","household_id","kind") WHERE "monitoring_proposals"."status" not in ('approved', 'rejected');--> statement-breakpoint
CREATE INDEX "monitoring_proposals_status_idx" ON "monitoring_proposals" USING btree ("county_id","status","kind");--> statement-breakpoint
CREATE INDEX "proposal_steps_proposal_idx" ON "proposal_steps" USING btree ("county_id","proposal_id","recorded_at");--> statement-breakpoint
CREATE INDEX "quality_findings_household_idx" ON "quality_findings" USING btree ("county_id","household_id");--> statement-breakpoint
CREATE INDEX "quality_findings_township_idx" ON "quality_findings" USING btree ("county_id","township_code","rule_code");