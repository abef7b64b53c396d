CREATE TABLE "dataset_permissions" (
	"dataset_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	CONSTRAINT "dataset_permissions_dataset_id_account_id_pk" PRIMARY KEY("dataset_id","account_id")
);
--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "permission" varchar(20) DEFAULT 'only_me' NOT NULL;--> statement-breakpoint
ALTER TABLE "dataset_permissions" ADD CONSTRAINT "dataset_permissions_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_permissions" ADD CONSTRAINT "dataset_permissions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;