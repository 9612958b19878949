DROP INDEX "household_cards_token_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "household_cards_token_unique" ON "household_cards" USING btree ("token_hash","county_id");