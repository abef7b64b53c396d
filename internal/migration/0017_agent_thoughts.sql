CREATE TABLE "message_agent_thoughts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"thought" text DEFAULT '' NOT NULL,
	"tool" text DEFAULT '' NOT NULL,
	"tool_labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tool_input" text DEFAULT '' NOT NULL,
	"observation" text DEFAULT '' NOT NULL,
	"tokens" integer DEFAULT 0 NOT NULL,
	"latency" double precision DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "message_agent_thoughts" ADD CONSTRAINT "message_agent_thoughts_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "message_agent_thoughts_message_idx" ON "message_agent_thoughts" USING btree ("message_id","position");