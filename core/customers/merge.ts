import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import { err, ok, type Result } from "../kernel/result";
import { saveMerge } from "../store/customer-merges.store";
import {
  liveCustomers,
  lockCustomers,
  moveCustomerInto,
  type LockedCustomer,
  type MovedRows,
} from "../store/customers.store";
import { appendEventOnCustomersCases } from "../store/events.store";
import { describeEvidence, type Evidence } from "./evidence";

/** What a merge moved from the merged customer to the survivor: exactly what a split gives back. */
export type MergeMoved = MovedRows;

/** A merge performed. */
export interface MergeDone {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  confidence: number;
  evidence: Evidence[];
  moved: MergeMoved;
}

/** Why a merge, split, accept or reject did not happen; `code` decides the HTTP status. */
export interface MergeProblem {
  code:
    | "not_found"
    | "invalid_identity"
    | "customer_merged"
    | "already_merged"
    | "not_proposed"
    | "not_merged"
    | "already_split"
    | "survivor_merged_since"
    | "kept_apart";
  message: string;
  /** Where a merged customer lives on now. */
  mergedInto?: string;
  /** The merge row the problem is about. */
  mergeId?: string;
}

export interface MergeRequest {
  /** One customer of the pair; whichever is older survives (see {@link mergeCustomers}). */
  survivorId: string;
  /** The other customer of the pair. */
  mergedId: string;
  confidence: number;
  evidence: Evidence[];
  /** "system", "apikey:<name>", "agent:<id>". */
  actor: string;
  /** The open proposal (`customer_merges` row, status `proposed`) this merge decides, when there is one. */
  proposalId?: string;
}

/** Rounds of "somebody merged one of them while we waited for the lock" before giving up (a bug, really). */
const LOCK_ROUNDS = 4;

/**
 * Merges two customers inside the caller's transaction: the merged customer's identities and cases move to the
 * survivor, `merged_into_id` points at it, a `customer_merges` row (status `merged`) records what moved and why,
 * and every case of both gets a `customer_merged` event with the evidence.
 *
 * The older customer survives whatever order the pair is given in, so the id a customer was first known by stays
 * its id. Merged customers are followed to the customer they live on in, so merging a merged customer merges its
 * survivor. Safe under concurrency: both rows are locked in id order (`FOR UPDATE`), and checked again once locked,
 * so two transactions merging the same pair leave one merge and the second answers `already_merged`.
 */
export async function mergeCustomers(tx: SqlClient, request: MergeRequest): Promise<Result<MergeDone, MergeProblem>> {
  for (let round = 0; round < LOCK_ROUNDS; round++) {
    const live = await liveCustomers(tx, [request.survivorId, request.mergedId]);
    const a = live.get(request.survivorId);
    const b = live.get(request.mergedId);
    if (!a || !b) {
      const missing = a ? request.mergedId : request.survivorId;
      return err({ code: "not_found", message: `no customer ${missing}` });
    }
    if (a === b)
      return err({
        code: "already_merged",
        message: `customers ${request.survivorId} and ${request.mergedId} are already one (${a})`,
        mergedInto: a,
      });
    const locked = await lockCustomers(tx, [a, b]);
    if (locked.length < 2) return err({ code: "not_found", message: `no customer ${a} or ${b}` });
    // Somebody merged one of them between our look-up and our lock: start again from the customers they live on in.
    if (locked.some((row) => row.mergedIntoId !== null)) continue;
    const [survivor, merged] = olderFirst(locked);
    return ok(await moveEverything(tx, survivor.id, merged.id, request));
  }
  throw new Error(`customers ${request.survivorId} and ${request.mergedId} kept being merged while locking them`);
}

async function moveEverything(
  tx: SqlClient,
  survivorId: string,
  mergedId: string,
  request: MergeRequest,
): Promise<MergeDone> {
  const moved = await moveCustomerInto(tx, survivorId, mergedId);
  const done: MergeDone = {
    mergeId: request.proposalId ?? randomUUID(),
    survivorId,
    mergedId,
    confidence: request.confidence,
    evidence: request.evidence,
    moved,
  };
  await saveMerge(tx, { ...done, actor: request.actor }, Boolean(request.proposalId));
  await recordOnCases(tx, [survivorId], request.actor, "customer_merged", {
    reason: `customer ${mergedId} merged into ${survivorId}, ${describeEvidence(done.confidence, done.evidence)}`,
    data: { mergeId: done.mergeId, survivorId, mergedId, confidence: done.confidence, evidence: done.evidence },
    movedCaseIds: done.moved.caseIds,
  });
  return done;
}

/** One event on every case of the given customers; `caseMoved` says whether the merge or split moved that case. */
export async function recordOnCases(
  tx: SqlClient,
  customerIds: string[],
  actor: string,
  type: "customer_merged" | "customer_split",
  event: { reason: string; data: Record<string, unknown>; movedCaseIds: string[] },
): Promise<void> {
  await appendEventOnCustomersCases(tx, customerIds, { actor, type, ...event });
}

/** The older customer first (ties by id, so the order is the same in every transaction). */
function olderFirst(rows: LockedCustomer[]): [LockedCustomer, LockedCustomer] {
  const [x, y] = rows as [LockedCustomer, LockedCustomer];
  const xFirst =
    x.createdAt.getTime() < y.createdAt.getTime() || (x.createdAt.getTime() === y.createdAt.getTime() && x.id < y.id);
  return xFirst ? [x, y] : [y, x];
}
