import type { SqlClient } from "../kernel/db/database";
import { err, ok, type Result } from "../kernel/result";
import { findMergeOf, lockMergeToSplit, markMergeSplit, type MergeRow } from "../store/customer-merges.store";
import { lockCustomers, restoreCustomer } from "../store/customers.store";
import { recordOnCases, type MergeMoved, type MergeProblem } from "./merge";

/** What a split gave back to the merged customer. */
export interface SplitDone {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  /** The moved identities and cases that were still with the survivor, now back with the merged customer. */
  restored: MergeMoved;
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
  const merge = await lockMergeToSplit(tx, mergeId);
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
    const later = await findMergeOf(tx, survivor.id);
    return err({
      code: "survivor_merged_since",
      message: `customer ${survivor.id} was merged into ${survivor.mergedIntoId} since; split merge ${later ?? "?"} first`,
      mergeId: later ?? mergeId,
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
  const restored = await restoreCustomer(tx, merge.survivorId, merge.mergedId, merge.moved);
  await markMergeSplit(tx, merge.id, restored, actor);
  return restored;
}
