CREATE TABLE "workspaces" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(100) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_members" (
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"role" varchar(20) NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_members_workspace_id_account_id_pk" PRIMARY KEY("workspace_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"email" varchar(255) NOT NULL,
	"role" varchar(20) NOT NULL,
	"token_hash" char(64) NOT NULL,
	"invited_by" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invitations_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "workspace_members" ADD CONSTRAINT "workspace_members_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "workspace_members" ADD CONSTRAINT "workspace_members_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_accounts_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "workspace_members_account_idx" ON "workspace_members" USING btree ("account_id");
--> statement-breakpoint
CREATE INDEX "invitations_workspace_email_idx" ON "invitations" USING btree ("workspace_id","email");
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "current_workspace_id" uuid;
--> statement-breakpoint
INSERT INTO "workspaces" ("id", "name", "created_at", "updated_at") SELECT "id", left("name" || '''s Workspace', 100), "created_at", now() FROM "accounts";
--> statement-breakpoint
INSERT INTO "workspace_members" ("workspace_id", "account_id", "role", "created_at", "updated_at") SELECT "id", "id", 'owner', "created_at", now() FROM "accounts";
--> statement-breakpoint
UPDATE "accounts" SET "current_workspace_id" = "id";
--> statement-breakpoint
ALTER TABLE "apps" DROP CONSTRAINT "apps_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "apps" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER TABLE "apps" ADD CONSTRAINT "apps_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "app_api_keys" DROP CONSTRAINT "app_api_keys_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "app_api_keys" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER TABLE "app_api_keys" ADD CONSTRAINT "app_api_keys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "provider_credentials" DROP CONSTRAINT "provider_credentials_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "provider_credentials" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER TABLE "provider_credentials" ADD CONSTRAINT "provider_credentials_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "conversations" DROP CONSTRAINT "conversations_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "conversations" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "messages" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "upload_files" DROP CONSTRAINT "upload_files_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "upload_files" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER TABLE "upload_files" ADD CONSTRAINT "upload_files_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "datasets" DROP CONSTRAINT "datasets_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "datasets" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "documents" DROP CONSTRAINT "documents_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "documents" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "segments" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER TABLE "dataset_queries" RENAME COLUMN "account_id" TO "workspace_id";
--> statement-breakpoint
ALTER INDEX "apps_account_id_created_at_idx" RENAME TO "apps_workspace_id_created_at_idx";
--> statement-breakpoint
ALTER INDEX "datasets_account_created_idx" RENAME TO "datasets_workspace_created_idx";
--> statement-breakpoint
ALTER INDEX "upload_files_account_created_idx" RENAME TO "upload_files_workspace_created_idx";
--> statement-breakpoint
ALTER TABLE "provider_credentials" RENAME CONSTRAINT "provider_credentials_account_provider_unique" TO "provider_credentials_workspace_provider_unique";
--> statement-breakpoint
ALTER TABLE "apps" ADD COLUMN "created_by" uuid;
--> statement-breakpoint
UPDATE "apps" SET "created_by" = "workspace_id";
--> statement-breakpoint
ALTER TABLE "apps" ADD CONSTRAINT "apps_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "created_by" uuid;
--> statement-breakpoint
UPDATE "datasets" SET "created_by" = "workspace_id";
--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "from_account_id" uuid;
--> statement-breakpoint
UPDATE "conversations" SET "from_account_id" = "workspace_id" WHERE "invoke_from" = 'debugger';
--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_from_account_id_accounts_id_fk" FOREIGN KEY ("from_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
DROP INDEX "conversations_app_account_idx";
--> statement-breakpoint
CREATE INDEX "conversations_app_from_account_idx" ON "conversations" USING btree ("app_id","from_account_id","invoke_from","created_at");