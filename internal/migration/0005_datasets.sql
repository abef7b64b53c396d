CREATE TABLE "dataset_queries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dataset_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"query" text NOT NULL,
	"source" varchar(20) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"name" varchar(255) NOT NULL,
	"icon" varchar(255) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"indexing_technique" varchar(20) NOT NULL,
	"embedding_provider" varchar(64) DEFAULT '' NOT NULL,
	"embedding_model" varchar(200) DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dataset_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"upload_file_id" uuid NOT NULL,
	"batch" varchar(32) NOT NULL,
	"position" integer NOT NULL,
	"name" varchar(255) NOT NULL,
	"process_rule" jsonb NOT NULL,
	"status" varchar(20) NOT NULL,
	"error" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"character_count" integer DEFAULT 0 NOT NULL,
	"token_count" integer DEFAULT 0 NOT NULL,
	"segment_count" integer DEFAULT 0 NOT NULL,
	"indexed_segment_count" integer DEFAULT 0 NOT NULL,
	"indexing_run" uuid,
	"parsing_started_at" timestamp with time zone,
	"splitting_started_at" timestamp with time zone,
	"indexing_started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dataset_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"content" text NOT NULL,
	"keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"character_count" integer NOT NULL,
	"token_count" integer NOT NULL,
	"hit_count" integer DEFAULT 0 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"tsv" "tsvector" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dataset_queries" ADD CONSTRAINT "dataset_queries_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_upload_file_id_upload_files_id_fk" FOREIGN KEY ("upload_file_id") REFERENCES "public"."upload_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_queries_dataset_created_idx" ON "dataset_queries" USING btree ("dataset_id","created_at");--> statement-breakpoint
CREATE INDEX "datasets_account_created_idx" ON "datasets" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "documents_dataset_position_idx" ON "documents" USING btree ("dataset_id","position");--> statement-breakpoint
CREATE INDEX "documents_batch_idx" ON "documents" USING btree ("batch");--> statement-breakpoint
CREATE INDEX "segments_document_position_idx" ON "segments" USING btree ("document_id","position");--> statement-breakpoint
CREATE INDEX "segments_tsv_idx" ON "segments" USING gin ("tsv");