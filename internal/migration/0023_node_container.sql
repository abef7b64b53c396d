ALTER TABLE "workflow_node_executions" ADD COLUMN "iteration_id" varchar(255);--> statement-breakpoint
ALTER TABLE "workflow_node_executions" ADD COLUMN "loop_id" varchar(255);--> statement-breakpoint
ALTER TABLE "workflow_node_executions" ADD COLUMN "container_round" integer;