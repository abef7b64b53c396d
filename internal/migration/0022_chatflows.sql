ALTER TABLE "conversations" ADD COLUMN "variables" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "workflow_run_id" uuid;