-- DropIndex
DROP INDEX "customer_merges_survivor_id_merged_id_status_key";

-- CreateIndex
CREATE UNIQUE INDEX "customer_merges_survivor_id_merged_id_status_key" ON "customer_merges"("survivor_id", "merged_id", "status") WHERE (status = ANY (ARRAY['proposed'::text, 'merged'::text]));
