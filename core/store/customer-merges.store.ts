import type { SqlClient } from "../kernel/db/database";
import type { PrismaClient } from "../kernel/db/generated/client";
import type { MovedRows } from "./customers.store";

// Decisions about pairs of customers (`customer_merges`): merges in force, open proposals, rejections and splits.

/** A recorded decision about a pair of customers that is not a merge in force. */
export interface PairRecord<Evidence = unknown> {
  id: string;
  survivorId: string;
  mergedId: string;
  status: "proposed" | "rejected" | "split";
  confidence: number;
  evidence: Evidence[];
}

/** A merge row as a split reads it. */
export interface MergeRow {
  id: string;
  survivorId: string;
  mergedId: string;
  status: string;
  moved: Partial<MovedRows>;
}

/** A merge performed, as its row records it. */
export interface MergeDecision {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  confidence: number;
  evidence: unknown;
  moved: MovedRows;
  actor: string;
}

const selectColumns = `m.id::text AS id, m.survivor_id::text AS "survivorId", m.merged_id::text AS "mergedId",
  m.status, m.confidence, m.evidence`;

/** Open proposals, rejections and splits of the given pairs (either direction), in one query. */
export async function pairRecords<Evidence>(
  db: SqlClient,
  pairs: readonly (readonly [string, string])[],
): Promise<PairRecord<Evidence>[]> {
  if (pairs.length === 0) return [];
  return db.sql<PairRecord<Evidence>>(
    `SELECT ${selectColumns}
     FROM customer_merges m
     JOIN unnest($1::uuid[], $2::uuid[]) AS p(a, b)
       ON (m.survivor_id = p.a AND m.merged_id = p.b) OR (m.survivor_id = p.b AND m.merged_id = p.a)
     WHERE m.status IN ('proposed', 'rejected', 'split')`,
    [pairs.map(([a]) => a), pairs.map(([, b]) => b)],
  );
}

/** A merge row locked for deciding it (accept, reject); null when there is none. */
export async function lockPairRecord<Evidence>(db: SqlClient, mergeId: string): Promise<PairRecord<Evidence> | null> {
  const [row] = await db.sql<PairRecord<Evidence>>(
    `SELECT ${selectColumns} FROM customer_merges m WHERE m.id = $1::uuid FOR UPDATE`,
    [mergeId],
  );
  return row ?? null;
}

/** A merge row locked for splitting it; null when there is none. */
export async function lockMergeToSplit(db: SqlClient, mergeId: string): Promise<MergeRow | null> {
  const [merge] = await db.sql<MergeRow>(
    `SELECT id::text AS id, survivor_id::text AS "survivorId", merged_id::text AS "mergedId", status, moved
     FROM customer_merges WHERE id = $1::uuid FOR UPDATE`,
    [mergeId],
  );
  return merge ?? null;
}

/** The merge in force that merged this customer into another; null when there is none. */
export async function findMergeOf(db: SqlClient, mergedId: string): Promise<string | null> {
  const [later] = await db.sql<{ id: string }>(
    `SELECT id::text AS id FROM customer_merges WHERE merged_id = $1::uuid AND status = 'merged' LIMIT 1`,
    [mergedId],
  );
  return later?.id ?? null;
}

/** Records a merge performed: a new row, or (`decidesProposal`) the open proposal it decides becomes it. */
export async function saveMerge(db: SqlClient, merge: MergeDecision, decidesProposal: boolean): Promise<void> {
  const values = [
    merge.mergeId,
    merge.survivorId,
    merge.mergedId,
    merge.confidence,
    JSON.stringify(merge.evidence),
    JSON.stringify(merge.moved),
    merge.actor,
  ];
  if (decidesProposal) {
    await db.sql(
      `UPDATE customer_merges SET survivor_id = $2::uuid, merged_id = $3::uuid, status = 'merged', confidence = $4,
         evidence = $5::jsonb, moved = $6::jsonb, actor = $7, decided_at = now()
       WHERE id = $1::uuid`,
      values,
    );
  } else {
    await db.sql(
      `INSERT INTO customer_merges (id, survivor_id, merged_id, status, confidence, evidence, moved, actor, decided_at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, 'merged', $4, $5::jsonb, $6::jsonb, $7, now())`,
      values,
    );
  }
}

/**
 * A `proposed` row for the pair, the older customer as survivor; returns its id, null when a customer is missing.
 * Two transactions proposing the same pair at once meet on the unique index: the second adds its evidence (and its
 * confidence, as independent evidence) to the first's row.
 */
export async function insertProposal(
  db: SqlClient,
  proposal: {
    id: string;
    customerIds: readonly [string, string];
    confidence: number;
    evidence: unknown;
    actor: string;
  },
): Promise<string | null> {
  const [a, b] = proposal.customerIds;
  const [row] = await db.sql<{ id: string }>(
    `INSERT INTO customer_merges (id, survivor_id, merged_id, status, confidence, evidence, actor)
     SELECT $1::uuid, s.id, m.id, 'proposed', $4, $5::jsonb, $6
     FROM customers s, customers m
     WHERE s.id IN ($2::uuid, $3::uuid) AND m.id IN ($2::uuid, $3::uuid) AND s.id <> m.id
       AND (s.created_at, s.id) < (m.created_at, m.id)
     ON CONFLICT (survivor_id, merged_id, status) WHERE status IN ('proposed', 'merged') DO UPDATE SET
       evidence = customer_merges.evidence || EXCLUDED.evidence,
       confidence = 1 - (1 - customer_merges.confidence) * (1 - EXCLUDED.confidence)
     RETURNING id::text AS id`,
    [proposal.id, a, b, proposal.confidence, JSON.stringify(proposal.evidence), proposal.actor],
  );
  return row?.id ?? null;
}

/** Replaces an open proposal's confidence and evidence. */
export async function updateProposal(db: SqlClient, id: string, confidence: number, evidence: unknown): Promise<void> {
  await db.sql(`UPDATE customer_merges SET confidence = $2, evidence = $3::jsonb WHERE id = $1::uuid`, [
    id,
    confidence,
    JSON.stringify(evidence),
  ]);
}

/** An agent rejected the proposal. */
export async function markProposalRejected(db: SqlClient, id: string, actor: string): Promise<void> {
  await db.sql(`UPDATE customer_merges SET status = 'rejected', actor = $2, decided_at = now() WHERE id = $1::uuid`, [
    id,
    actor,
  ]);
}

/** The merge was split: what went back, and who split it, join what it had moved. */
export async function markMergeSplit(db: SqlClient, id: string, restored: MovedRows, actor: string): Promise<void> {
  await db.sql(
    `UPDATE customer_merges SET status = 'split', split_at = now(),
       moved = moved || jsonb_build_object('restored', $2::jsonb, 'splitBy', $3::text)
     WHERE id = $1::uuid`,
    [id, JSON.stringify(restored), actor],
  );
}

/** Every merge row a customer is part of, either side, oldest first, for `GET /v1/customers/:id`. */
export function listMergesOf(prisma: PrismaClient, customerId: string) {
  return prisma.customerMerge.findMany({
    where: { OR: [{ survivorId: customerId }, { mergedId: customerId }] },
    orderBy: { createdAt: "asc" },
  });
}
