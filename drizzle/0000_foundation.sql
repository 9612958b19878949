CREATE TABLE "counties" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" varchar(6) NOT NULL,
	"name" text NOT NULL,
	"province_name" text NOT NULL,
	"city_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "counties_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "divisions" (
	"code" varchar(12) PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"parent_code" varchar(12),
	"county_code" varchar(6) NOT NULL,
	"name" text NOT NULL,
	"official_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "divisions_code_length" CHECK (("divisions"."level" = 'county' and length("divisions"."code") = 6) or ("divisions"."level" = 'township' and length("divisions"."code") = 9) or ("divisions"."level" = 'village' and length("divisions"."code") = 12))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" uuid,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	CONSTRAINT "audit_log_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "households" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_number" text NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"address" text,
	"phone" varchar(20),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "households_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "households_number_unique" UNIQUE("county_id","household_number")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"name" text NOT NULL,
	"id_number" varchar(18) NOT NULL,
	"sex" text NOT NULL,
	"birth_date" date NOT NULL,
	"relation" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "members_id_number_unique" UNIQUE("county_id","id_number")
);
--> statement-breakpoint
CREATE TABLE "auth_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"user_id" uuid,
	"county_id" uuid,
	"identifier" varchar(64),
	"ip" varchar(64),
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "household_cards" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"token_hash" varchar(64) NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "household_cards_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" varchar(64) PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"method" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_agent" text,
	"ip" varchar(64)
);
--> statement-breakpoint
CREATE TABLE "user_townships" (
	"user_id" uuid NOT NULL,
	"township_code" varchar(12) NOT NULL,
	CONSTRAINT "user_townships_user_id_township_code_pk" PRIMARY KEY("user_id","township_code")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"role" text NOT NULL,
	"display_name" text NOT NULL,
	"username" varchar(40),
	"phone" varchar(20),
	"password_hash" text,
	"pin_hash" text,
	"household_id" uuid,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_village_code_divisions_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."divisions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auth_events" ADD CONSTRAINT "auth_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auth_events" ADD CONSTRAINT "auth_events_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_cards" ADD CONSTRAINT "household_cards_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_cards" ADD CONSTRAINT "household_cards_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_townships" ADD CONSTRAINT "user_townships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_townships" ADD CONSTRAINT "user_townships_township_code_divisions_code_fk" FOREIGN KEY ("township_code") REFERENCES "public"."divisions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_county_id_household_id_households_county_id_id_fk" FOREIGN KEY ("county_id","household_id") REFERENCES "public"."households"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "divisions_county_level_idx" ON "divisions" USING btree ("county_code","level");--> statement-breakpoint
CREATE INDEX "divisions_parent_idx" ON "divisions" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "audit_log_county_at_idx" ON "audit_log" USING btree ("county_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("county_id","entity","entity_id");--> statement-breakpoint
CREATE INDEX "households_village_idx" ON "households" USING btree ("county_id","village_code");--> statement-breakpoint
CREATE INDEX "members_household_idx" ON "members" USING btree ("county_id","household_id");--> statement-breakpoint
CREATE INDEX "auth_events_identifier_idx" ON "auth_events" USING btree ("identifier","at");--> statement-breakpoint
CREATE INDEX "auth_events_ip_idx" ON "auth_events" USING btree ("ip","at");--> statement-breakpoint
CREATE INDEX "auth_events_user_idx" ON "auth_events" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "auth_events_county_idx" ON "auth_events" USING btree ("county_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "household_cards_token_unique" ON "household_cards" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "household_cards_household_idx" ON "household_cards" USING btree ("county_id","household_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_unique" ON "users" USING btree ("username");--> statement-breakpoint
CREATE UNIQUE INDEX "users_staff_phone_unique" ON "users" USING btree ("phone") WHERE "users"."role" <> 'household';--> statement-breakpoint
CREATE UNIQUE INDEX "users_household_phone_unique" ON "users" USING btree ("phone") WHERE "users"."role" = 'household';--> statement-breakpoint
CREATE UNIQUE INDEX "users_household_unique" ON "users" USING btree ("county_id","household_id") WHERE "users"."household_id" is not null;--> statement-breakpoint
CREATE INDEX "users_county_idx" ON "users" USING btree ("county_id","role");