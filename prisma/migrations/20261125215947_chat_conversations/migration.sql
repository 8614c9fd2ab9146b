-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "conversation_id" TEXT;

-- CreateIndex
CREATE INDEX "messages_conversation_id_sent_at_idx" ON "messages"("conversation_id", "sent_at");
