CREATE TABLE "maintenance_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"tables" jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"error" text
);
--> statement-breakpoint
DROP INDEX "households_phone_idx";--> statement-breakpoint
DROP INDEX "members_name_idx";--> statement-breakpoint
DROP INDEX "members_id_last4_idx";--> statement-breakpoint
CREATE INDEX "households_number_prefix_idx" ON "households" USING btree ("county_id","household_number" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "households_phone_idx" ON "households" USING btree ("county_id","phone" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "members_name_idx" ON "members" USING btree ("county_id","name" text_pattern_ops,"household_id");--> statement-breakpoint
CREATE INDEX "members_id_last4_idx" ON "members" USING btree ("county_id","id_last4","household_id");