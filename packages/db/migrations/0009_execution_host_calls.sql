CREATE TABLE "execution_host_calls" (
	"execution_id" text NOT NULL,
	"api" text NOT NULL,
	"seq" integer NOT NULL,
	"status" text NOT NULL,
	"reference" text,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "execution_host_calls_execution_id_api_seq_pk" PRIMARY KEY("execution_id","api","seq"),
	CONSTRAINT "execution_host_calls_status_check" CHECK ("execution_host_calls"."status" in ('started','done'))
);
