CREATE TABLE "agent_versions" (
	"agent_id" text NOT NULL,
	"version" text NOT NULL,
	"major" integer NOT NULL,
	"minor" integer NOT NULL,
	"patch" integer NOT NULL,
	"manifest" jsonb NOT NULL,
	"code_sha256" text NOT NULL,
	"code_size" integer NOT NULL,
	"checks" jsonb NOT NULL,
	"status" text NOT NULL,
	"review_reason" text,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_versions_agent_id_version_pk" PRIMARY KEY("agent_id","version"),
	CONSTRAINT "agent_versions_status_check" CHECK ("agent_versions"."status" in ('pending_review','approved','rejected'))
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" text PRIMARY KEY NOT NULL,
	"developer_id" text NOT NULL,
	"org_id" text NOT NULL,
	"latest_approved_version" text,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"category" text NOT NULL,
	"tags" jsonb NOT NULL,
	"pricing_model" text NOT NULL,
	"suspended_at" timestamp with time zone,
	"suspended_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "deployment_files" (
	"deployment_id" text NOT NULL,
	"key" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deployment_files_deployment_id_key_pk" PRIMARY KEY("deployment_id","key")
);
--> statement-breakpoint
CREATE TABLE "deployment_kv" (
	"deployment_id" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"size" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deployment_kv_deployment_id_key_pk" PRIMARY KEY("deployment_id","key")
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"version" text NOT NULL,
	"agent_account_id" text NOT NULL,
	"policy_id" text NOT NULL,
	"status" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secrets_sealed" text,
	"secret_names" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"allowed_hosts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"max_concurrency" integer NOT NULL,
	"paid_until" timestamp with time zone,
	"pending_mandate_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "deployments_status_check" CHECK ("deployments"."status" in ('active','paused','past_due','deleted')),
	CONSTRAINT "deployments_max_concurrency_check" CHECK ("deployments"."max_concurrency" between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "developers" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "execution_charges" (
	"execution_id" text NOT NULL,
	"seq" integer NOT NULL,
	"units" integer NOT NULL,
	"event" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "execution_charges_execution_id_seq_pk" PRIMARY KEY("execution_id","seq"),
	CONSTRAINT "execution_charges_units_positive" CHECK ("execution_charges"."units" > 0)
);
--> statement-breakpoint
CREATE TABLE "execution_logs" (
	"execution_id" text NOT NULL,
	"seq" integer NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "execution_logs_execution_id_seq_pk" PRIMARY KEY("execution_id","seq")
);
--> statement-breakpoint
CREATE TABLE "executions" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"deployment_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"version" text NOT NULL,
	"agent_account_id" text NOT NULL,
	"status" text NOT NULL,
	"inputs" jsonb NOT NULL,
	"outputs" jsonb,
	"error_code" text,
	"error_message" text,
	"pricing_model" text NOT NULL,
	"cost_amount" bigint DEFAULT 0 NOT NULL,
	"currency" text NOT NULL,
	"held_amount" bigint DEFAULT 0 NOT NULL,
	"mandate_id" text,
	"payment_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"caller_ip" text NOT NULL,
	"duration_ms" integer,
	"log_count" integer DEFAULT 0 NOT NULL,
	"log_bytes" integer DEFAULT 0 NOT NULL,
	"logs_truncated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	CONSTRAINT "executions_status_check" CHECK ("executions"."status" in ('queued','awaiting_approval','running','succeeded','failed','timed_out','aborted','rejected')),
	CONSTRAINT "executions_cost_exact" CHECK ("executions"."cost_amount" between -9007199254740991 and 9007199254740991),
	CONSTRAINT "executions_held_exact" CHECK ("executions"."held_amount" between -9007199254740991 and 9007199254740991)
);
--> statement-breakpoint
ALTER TABLE "agent_versions" ADD CONSTRAINT "agent_versions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_developer_id_developers_id_fk" FOREIGN KEY ("developer_id") REFERENCES "public"."developers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_files" ADD CONSTRAINT "deployment_files_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_kv" ADD CONSTRAINT "deployment_kv_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_agent_account_id_agent_accounts_id_fk" FOREIGN KEY ("agent_account_id") REFERENCES "public"."agent_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_pending_mandate_id_mandates_id_fk" FOREIGN KEY ("pending_mandate_id") REFERENCES "public"."mandates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "developers" ADD CONSTRAINT "developers_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_charges" ADD CONSTRAINT "execution_charges_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_logs" ADD CONSTRAINT "execution_logs_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_agent_account_id_agent_accounts_id_fk" FOREIGN KEY ("agent_account_id") REFERENCES "public"."agent_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_mandate_id_mandates_id_fk" FOREIGN KEY ("mandate_id") REFERENCES "public"."mandates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_versions_status_idx" ON "agent_versions" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "agents_developer_idx" ON "agents" USING btree ("developer_id");--> statement-breakpoint
CREATE INDEX "agents_listed_idx" ON "agents" USING btree ("approved_at") WHERE "agents"."latest_approved_version" is not null and "agents"."suspended_at" is null;--> statement-breakpoint
CREATE INDEX "deployments_org_idx" ON "deployments" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "deployments_agent_idx" ON "deployments" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "deployments_renewal_idx" ON "deployments" USING btree ("paid_until") WHERE "deployments"."paid_until" is not null and "deployments"."status" in ('active','past_due');--> statement-breakpoint
CREATE UNIQUE INDEX "developers_org_key" ON "developers" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "executions_org_idx" ON "executions" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "executions_deployment_idx" ON "executions" USING btree ("deployment_id","status");--> statement-breakpoint
CREATE INDEX "executions_agent_idx" ON "executions" USING btree ("agent_id","status");--> statement-breakpoint
CREATE INDEX "executions_due_idx" ON "executions" USING btree ("created_at") WHERE "executions"."status" in ('queued','running');--> statement-breakpoint
CREATE INDEX "executions_mandate_idx" ON "executions" USING btree ("mandate_id");--> statement-breakpoint
-- The platform organization owns the platform_revenue ledger accounts (marketplace fees); no one signs in to it.
INSERT INTO "organizations" ("id", "name") VALUES ('org_platform', 'FrameOS platform') ON CONFLICT ("id") DO NOTHING;
