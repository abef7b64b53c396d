CREATE TABLE "analytics_rollup_state" (
	"id" smallint PRIMARY KEY NOT NULL,
	"rolled_until" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "app_daily_end_users" (
	"app_id" uuid NOT NULL,
	"day" date NOT NULL,
	"user_key" varchar(255) NOT NULL,
	CONSTRAINT "app_daily_end_users_app_id_day_user_key_pk" PRIMARY KEY("app_id","day","user_key")
);
--> statement-breakpoint
CREATE TABLE "app_daily_stats" (
	"app_id" uuid NOT NULL,
	"day" date NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	"conversations" integer DEFAULT 0 NOT NULL,
	"answer_tokens" bigint DEFAULT 0 NOT NULL,
	"latency" double precision DEFAULT 0 NOT NULL,
	"cost" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "app_daily_stats_app_id_day_pk" PRIMARY KEY("app_id","day")
);
--> statement-breakpoint
ALTER TABLE "app_daily_end_users" ADD CONSTRAINT "app_daily_end_users_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_daily_stats" ADD CONSTRAINT "app_daily_stats_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;