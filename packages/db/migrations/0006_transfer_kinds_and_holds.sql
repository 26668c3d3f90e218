ALTER TABLE "transfers" ADD COLUMN "hold_transfer_id" text;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_hold_transfer_id_transfers_id_fk" FOREIGN KEY ("hold_transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "transfers_hold_idx" ON "transfers" USING btree ("hold_transfer_id");--> statement-breakpoint
-- Existing data: a settlement of an external-rail payment (clearing -> payable) was kind 'payment'; it is a capture.
UPDATE "transfers" t SET "kind" = 'payment_capture' WHERE t."kind" = 'payment' AND EXISTS (
  SELECT 1 FROM "postings" p JOIN "ledger_accounts" a ON a."id" = p."account_id"
  WHERE p."transfer_id" = t."id" AND p."amount" < 0 AND a."type" = 'rail_clearing');--> statement-breakpoint
-- Every capture and release names the hold of the same payment (both carry the payment id as reference).
UPDATE "transfers" t SET "hold_transfer_id" = h."id" FROM "transfers" h
  WHERE t."kind" IN ('payment_capture', 'payment_release') AND h."kind" = 'payment_hold' AND h."reference" = t."reference" AND h."org_id" = t."org_id";--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_kind_check" CHECK ("transfers"."kind" in ('top_up','payment','payment_hold','payment_capture','payment_release','refund'));--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_resolves_hold" CHECK (("transfers"."kind" in ('payment_capture','payment_release')) = ("transfers"."hold_transfer_id" is not null));