ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_balance_exact" CHECK ("ledger_accounts"."balance" between -9007199254740991 and 9007199254740991);--> statement-breakpoint
ALTER TABLE "mandates" ADD CONSTRAINT "mandates_amount_exact" CHECK ("mandates"."amount" between -9007199254740991 and 9007199254740991);--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_amount_exact" CHECK ("payments"."amount" between -9007199254740991 and 9007199254740991);--> statement-breakpoint
ALTER TABLE "postings" ADD CONSTRAINT "postings_amount_exact" CHECK ("postings"."amount" between -9007199254740991 and 9007199254740991);--> statement-breakpoint
ALTER TABLE "purchase_intents" ADD CONSTRAINT "purchase_intents_amount_exact" CHECK ("purchase_intents"."amount" between -9007199254740991 and 9007199254740991);--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_exact" CHECK ("refunds"."amount" between -9007199254740991 and 9007199254740991);