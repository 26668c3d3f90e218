DROP INDEX "ledger_accounts_owner_key";--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD COLUMN "shard" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_accounts_owner_shard_key" ON "ledger_accounts" USING btree ("org_id","type","owner_ref","currency","shard");