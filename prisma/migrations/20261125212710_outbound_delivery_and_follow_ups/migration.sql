-- AlterTable
ALTER TABLE "cases" ADD COLUMN     "follow_up_of_id" UUID;

-- AlterTable
ALTER TABLE "identities" ADD COLUMN     "opted_out_at" TIMESTAMPTZ(3),
ADD COLUMN     "undeliverable_reason" TEXT,
ADD COLUMN     "undeliverable_until" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "automatic" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "deleted_at" TIMESTAMPTZ(3),
ADD COLUMN     "delivery_error" TEXT,
ADD COLUMN     "delivery_status" TEXT,
ADD COLUMN     "edited_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "cases_follow_up_of_id_idx" ON "cases"("follow_up_of_id");

-- CreateIndex
CREATE INDEX "messages_identity_id_automatic_sent_at_idx" ON "messages"("identity_id", "automatic", "sent_at");

-- AddForeignKey
ALTER TABLE "cases" ADD CONSTRAINT "cases_follow_up_of_id_fkey" FOREIGN KEY ("follow_up_of_id") REFERENCES "cases"("id") ON DELETE SET NULL ON UPDATE CASCADE;
