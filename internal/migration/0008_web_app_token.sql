ALTER TABLE "apps" ADD COLUMN "web_app_token" varchar(64);--> statement-breakpoint
ALTER TABLE "apps" ADD CONSTRAINT "apps_web_app_token_unique" UNIQUE("web_app_token");