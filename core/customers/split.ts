import type { SqlClient } from "../kernel/db/database";
import { err, ok, type Result } from "../kernel/result";
import { lockCustomers, recordOnCases, type MergeMoved, type MergeProblem } from "./merge";

/** What a split gave back to the merged customer. */
export interface SplitDone {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  /** The moved identities and cases that were still with the survivor, now back with the merged customer. */
  restored: MergeMoved;
}

interface MergeRow {
  id: string;
  survivorId: string;
  mergedId: string;
  status: string;
  moved: Partial<MergeMoved>;
}

/**
 * Reverses a merge inside the caller's transaction, from what it recorded as moved: those identities and cases
 * go back to the merged customer if they are still with the survivor, `merged_into_id` is cleared, the merge row
 * becomes `split`, and every case of both customers gets a `customer_split` event.
 *
 * What happened after the merge stays with the survivor: cases opened and identities added since then belong to
 * the customer as it was at that time, and nothing says which of the two people they were. A merge whose survivor
 * has since been merged into a third customer is split only after that later merge (its identities are there).
 */
export async function splitMerge(
  tx: SqlClient,
  mergeId: string,
  actor: string,
): Promise<Result<SplitDone, MergeProblem>> {
  const [merge] = await tx.sql<MergeRow>(
    `SELECT id::text AS id, survivor_id::text AS "survivorId", merged_id::text AS "mergedId", status, moved
     FROM customer_merges WHERE id = $1::uuid FOR UPDATE`,
    [mergeId],
  );
  if (!merge) return err({ code: "not_found", message: `no customer merge ${mergeId}` });
  if (merge.status === "split")
    return err({ code: "already_split", message: `merge ${mergeId} was split already`, mergeId });
  if (merge.status !== "merged")
    return err({
      code: "not_merged",
      message: `merge ${mergeId} is ${merge.status}, not merged: nothing to split`,
      mergeId,
    });

  const locked = await lockCustomers(tx, [merge.survivorId, merge.mergedId]);
  const survivor = locked.find((row) => row.id === merge.survivorId);
  const merged = locked.find((row) => row.id === merge.mergedId);
  if (survivor?.mergedIntoId) {
    const [later] = await tx.sql<{ id: string }>(
      `SELECT id::text AS id FROM customer_merges WHERE merged_id = $1::uuid AND status = 'merged' LIMIT 1`,
      [survivor.id],
    );
    return err({
      code: "survivor_merged_since",
      message: `customer ${survivor.id} was merged into ${survivor.mergedIntoId} since; split merge ${later?.id ?? "?"} first`,
      mergeId: later?.id ?? mergeId,
    });
  }
  if (!survivor || merged?.mergedIntoId !== survivor.id)
    return err({
      code: "not_merged",
      message: `customer ${merge.mergedId} is not merged into ${merge.survivorId}`,
      mergeId,
    });
  const restored = await restore(tx, merge, actor);
  await recordOnCases(tx, [merge.survivorId, merge.mergedId], actor, "customer_split", {
    reason:
      `merge ${merge.id} split: customer ${merge.mergedId} is separate from ${merge.survivorId} again, ` +
      `${restored.identityIds.length} identities and ${restored.caseIds.length} cases returned; cases opened since the merge stay`,
    data: { mergeId: merge.id, survivorId: merge.survivorId, mergedId: merge.mergedId, restored },
    movedCaseIds: restored.caseIds,
  });
  return ok({ mergeId: merge.id, survivorId: merge.survivorId, mergedId: merge.mergedId, restored });
}

async function restore(tx: SqlClient, merge: MergeRow, actor: string): Promise<MergeMoved> {
  const [restored] = await tx.sql<MergeMoved>(
    `WITH back_identities AS (
       UPDATE identities SET customer_id = $2::uuid WHERE id = ANY($3::uuid[]) AND customer_id = $1::uuid RETURNING id
     ), back_cases AS (
       UPDATE cases SET customer_id = $2::uuid WHERE id = ANY($4::uuid[]) AND customer_id = $1::uuid RETURNING id
     ), separate AS (
       UPDATE customers SET merged_into_id = NULL, updated_at = now() WHERE id = $2::uuid RETURNING id
     )
     SELECT (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM back_identities) AS "identityIds",
            (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM back_cases) AS "caseIds",
            (SELECT count(*) FROM separate)::int AS separated`,
    [merge.survivorId, merge.mergedId, merge.moved.identityIds ?? [], merge.moved.caseIds ?? []],
  );
  const result = { identityIds: restored?.identityIds ?? [], caseIds: restored?.caseIds ?? [] };
  await tx.sql(
    `UPDATE customer_merges SET status = 'split', split_at = now(),
       moved = moved || jsonb_build_object('restored', $2::jsonb, 'splitBy', $3::text)
     WHERE id = $1::uuid`,
    [merge.id, JSON.stringify(result), actor],
  );
  return result;
}
