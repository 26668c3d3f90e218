CREATE TABLE "integrity_checks" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "integrity_checks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"checked_at" timestamp with time zone NOT NULL,
	"chains" integer NOT NULL,
	"broken_chains" integer NOT NULL,
	"broken" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "integrity_checks_checked_at_idx" ON "integrity_checks" USING btree ("checked_at");