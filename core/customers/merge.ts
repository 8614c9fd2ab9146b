import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import { err, ok, type Result } from "../kernel/result";
import { describeEvidence, type Evidence } from "./evidence";

/** What a merge moved from the merged customer to the survivor: exactly what a split gives back. */
export interface MergeMoved {
  identityIds: string[];
  caseIds: string[];
}

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
  const [moved] = await tx.sql<MergeMoved>(
    `WITH moved_identities AS (
       UPDATE identities SET customer_id = $1::uuid WHERE customer_id = $2::uuid RETURNING id
     ), moved_cases AS (
       -- updated_at stays: it is the case's last activity (the subject-match window), and a merge is none.
       UPDATE cases SET customer_id = $1::uuid WHERE customer_id = $2::uuid RETURNING id
     ), gone AS (
       UPDATE customers SET merged_into_id = $1::uuid, updated_at = now() WHERE id = $2::uuid RETURNING id
     )
     SELECT (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM moved_identities) AS "identityIds",
            (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM moved_cases) AS "caseIds",
            (SELECT count(*) FROM gone)::int AS gone`,
    [survivorId, mergedId],
  );
  const done: MergeDone = {
    mergeId: request.proposalId ?? randomUUID(),
    survivorId,
    mergedId,
    confidence: request.confidence,
    evidence: request.evidence,
    moved: { identityIds: moved?.identityIds ?? [], caseIds: moved?.caseIds ?? [] },
  };
  const values = [
    done.mergeId,
    survivorId,
    mergedId,
    done.confidence,
    JSON.stringify(done.evidence),
    JSON.stringify(done.moved),
    request.actor,
  ];
  if (request.proposalId) {
    await tx.sql(
      `UPDATE customer_merges SET survivor_id = $2::uuid, merged_id = $3::uuid, status = 'merged', confidence = $4,
         evidence = $5::jsonb, moved = $6::jsonb, actor = $7, decided_at = now()
       WHERE id = $1::uuid`,
      values,
    );
  } else {
    await tx.sql(
      `INSERT INTO customer_merges (id, survivor_id, merged_id, status, confidence, evidence, moved, actor, decided_at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, 'merged', $4, $5::jsonb, $6::jsonb, $7, now())`,
      values,
    );
  }
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
  await tx.sql(
    `INSERT INTO case_events (case_id, actor, type, reason, data)
     SELECT id, $2, $3, $4, $5::jsonb || jsonb_build_object('caseMoved', id = ANY($6::uuid[]))
     FROM cases WHERE customer_id = ANY($1::uuid[])
     ORDER BY created_at, id`,
    [customerIds, actor, type, event.reason, JSON.stringify(event.data), event.movedCaseIds],
  );
}

interface LockedCustomer {
  id: string;
  mergedIntoId: string | null;
  createdAt: Date;
}

/** Locks customer rows in id order, the one order every merge and split uses, so two of them cannot deadlock. */
export async function lockCustomers(tx: SqlClient, ids: string[]): Promise<LockedCustomer[]> {
  const rows = await tx.sql<LockedCustomer>(
    `SELECT id::text AS id, merged_into_id::text AS "mergedIntoId", created_at AS "createdAt"
     FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
}

/** The older customer first (ties by id, so the order is the same in every transaction). */
function olderFirst(rows: LockedCustomer[]): [LockedCustomer, LockedCustomer] {
  const [x, y] = rows as [LockedCustomer, LockedCustomer];
  const xFirst =
    x.createdAt.getTime() < y.createdAt.getTime() || (x.createdAt.getTime() === y.createdAt.getTime() && x.id < y.id);
  return xFirst ? [x, y] : [y, x];
}

/**
 * The customer each id lives on in: itself, or the end of its `merged_into_id` chain. Ids of customers that do
 * not exist are missing from the map.
 */
export async function liveCustomers(db: SqlClient, ids: string[]): Promise<Map<string, string>> {
  const rows = await db.sql<{ start: string; live: string }>(
    `WITH RECURSIVE chain(start, id, merged_into_id, depth) AS (
       SELECT c.id, c.id, c.merged_into_id, 0 FROM customers c WHERE c.id = ANY($1::uuid[])
       UNION ALL
       SELECT chain.start, c.id, c.merged_into_id, chain.depth + 1
       FROM chain JOIN customers c ON c.id = chain.merged_into_id
       WHERE chain.depth < 64
     )
     SELECT start::text AS start, id::text AS live FROM chain WHERE merged_into_id IS NULL`,
    [ids],
  );
  return new Map(rows.map((row) => [row.start, row.live]));
}
