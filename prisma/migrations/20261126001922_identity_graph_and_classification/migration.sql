-- AlterTable
ALTER TABLE "cases" ADD COLUMN     "category_source" TEXT,
ADD COLUMN     "classification" JSONB,
ADD COLUMN     "merged_into_id" UUID,
ADD COLUMN     "priority_breakdown" JSONB,
ADD COLUMN     "triage" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "attributes" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "merged_into_id" UUID;

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "classification" JSONB,
ADD COLUMN     "duplicate_of_id" UUID,
ADD COLUMN     "original" JSONB,
ADD COLUMN     "redactions" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "text_hash" TEXT;

-- CreateTable
CREATE TABLE "customer_merges" (
    "id" UUID NOT NULL,
    "survivor_id" UUID NOT NULL,
    "merged_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "moved" JSONB NOT NULL DEFAULT '{}',
    "actor" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),
    "split_at" TIMESTAMPTZ(3),

    CONSTRAINT "customer_merges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "classification_labels" (
    "id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "case_id" UUID,
    "actor" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "classification_labels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "classifier_models" (
    "id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "examples" INTEGER NOT NULL,
    "labels" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "trained_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "classifier_models_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "customer_merges_merged_id_idx" ON "customer_merges"("merged_id");

-- CreateIndex
CREATE INDEX "customer_merges_status_created_at_idx" ON "customer_merges"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "customer_merges_survivor_id_merged_id_status_key" ON "customer_merges"("survivor_id", "merged_id", "status");

-- CreateIndex
CREATE INDEX "classification_labels_created_at_idx" ON "classification_labels"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "classification_labels_case_id_source_key" ON "classification_labels"("case_id", "source");

-- CreateIndex
CREATE INDEX "classifier_models_trained_at_idx" ON "classifier_models"("trained_at");

-- CreateIndex
CREATE INDEX "cases_category_created_at_idx" ON "cases"("category", "created_at");

-- CreateIndex
CREATE INDEX "customers_merged_into_id_idx" ON "customers"("merged_into_id");

-- CreateIndex
CREATE INDEX "messages_text_hash_sent_at_idx" ON "messages"("text_hash", "sent_at");
