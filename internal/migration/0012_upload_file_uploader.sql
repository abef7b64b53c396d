ALTER TABLE "upload_files" ADD COLUMN "app_id" uuid;--> statement-breakpoint
ALTER TABLE "upload_files" ADD COLUMN "end_user" varchar(255) DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "upload_files" ADD CONSTRAINT "upload_files_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE set null ON UPDATE no action;