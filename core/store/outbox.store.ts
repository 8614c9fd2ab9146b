import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import { insertRows, type BulkTable } from "./bulk-insert";

/** An outbox row as the dispatcher claims it. */
export interface OutboxRow {
  id: string;
  destination: string;
  caseId: string | null;
  payload: Record<string, unknown>;
  attempts: number;
}

/** A side effect to perform once the transaction writing it commits. */
export interface NewOutboxItem {
  /** `reply:<channel>` or a destination id. */
  destination: string;
  caseId: string;
  payload: Record<string, unknown>;
  /** One per destination, event and subject (`outboxKey`): the unique index refuses a second one. */
  idempotencyKey: string;
}

/** Writes one outbox row, due at once (`pending`, `next_attempt_at` now, by the columns' defaults). */
export async function insertOutboxItem(db: SqlClient, item: NewOutboxItem): Promise<void> {
  await db.sql(
    `INSERT INTO outbox (id, destination, case_id, payload, idempotency_key)
     VALUES ($1::uuid, $2, $3::uuid, $4::jsonb, $5)`,
    [randomUUID(), item.destination, item.caseId, JSON.stringify(item.payload), item.idempotencyKey],
  );
}

/** An outbox row the worker writes in bulk, one field per column as the bulk insert sends them (payload: JSON text). */
export interface NewOutboxRow {
  id: string;
  destination: string;
  case_id: string;
  payload: string;
  idempotency_key: string;
}

const outboxTable: BulkTable<NewOutboxRow> = {
  name: "outbox",
  columns: { id: "uuid", destination: "text", case_id: "uuid", payload: "jsonb", idempotency_key: "text" },
};

/**
 * Writes outbox rows in one statement (none when `rows` is empty), due at once. A row whose idempotency key the
 * outbox already has is left out: the unique index keeps one per destination, event and subject.
 */
export function insertOutboxRows(db: SqlClient, rows: readonly NewOutboxRow[]): Promise<void> {
  return insertRows(db, outboxTable, rows, "ON CONFLICT (idempotency_key) DO NOTHING");
}

/**
 * Claims up to `limit` due rows of the given destinations, in one statement: each becomes `sending`, its attempt
 * counted, and leased for `leaseMs` (due again then, should its process die mid-send). `FOR UPDATE SKIP LOCKED`
 * lets any number of processes claim at once without taking the same row.
 */
export function claimDueOutbox(
  db: SqlClient,
  claim: { destinations: readonly string[]; limit: number; leaseMs: number },
): Promise<OutboxRow[]> {
  return db.sql<OutboxRow>(
    `UPDATE outbox SET status = 'sending', attempts = attempts + 1,
            next_attempt_at = now() + ($3::int * interval '1 millisecond')
     WHERE id IN (
       SELECT id FROM outbox
       WHERE status IN ('pending', 'sending') AND next_attempt_at <= now() AND destination = ANY($1::text[])
       ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id::text AS id, destination, case_id::text AS "caseId", payload, attempts`,
    [claim.destinations, claim.limit, claim.leaseMs],
  );
}

/** The row's side effect happened. */
export async function markOutboxDone(db: SqlClient, id: string): Promise<void> {
  await db.sql(`UPDATE outbox SET status = 'done', done_at = now(), last_error = NULL WHERE id = $1::uuid`, [id]);
}

/** The row's side effect failed: `pending` is retried after `delayMs`, `failed` never again. */
export async function recordOutboxFailure(
  db: SqlClient,
  failure: { id: string; status: "pending" | "failed"; error: string; delayMs: number },
): Promise<void> {
  await db.sql(
    `UPDATE outbox SET status = $2, last_error = $3, next_attempt_at = now() + ($4::int * interval '1 millisecond') WHERE id = $1::uuid`,
    [failure.id, failure.status, failure.error, failure.delayMs],
  );
}
