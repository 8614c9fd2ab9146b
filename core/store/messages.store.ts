import type { SqlClient } from "../kernel/db/database";
import { insertRows, type BulkTable } from "./bulk-insert";

// Messages: the worker's bulk write and its dedupe, the updates channels report (delivery status, edits, deletions,
// reactions) and agents' splits. Outbound messages (replies) are in replies.store.ts.

/** A message as an agent's split needs it: its case, its direction, and what its case would be made of. */
export interface MessageToSplit {
  caseId: string;
  direction: string;
  channel: string;
  subject: string | null;
  classification: { category?: string; severity?: string; triage?: boolean } | null;
}

/** A message by id, for splitting it off its case; null when there is none. */
export async function findMessageToSplit(db: SqlClient, messageId: string): Promise<MessageToSplit | null> {
  const [message] = await db.sql<MessageToSplit>(
    `SELECT case_id::text AS "caseId", direction, channel, subject, classification FROM messages WHERE id = $1::uuid`,
    [messageId],
  );
  return message ?? null;
}

/** How many customer messages a case has. */
export async function countInboundMessages(db: SqlClient, caseId: string): Promise<number> {
  const [count] = await db.sql<{ inbound: number }>(
    `SELECT count(*)::int AS inbound FROM messages WHERE case_id = $1::uuid AND direction = 'in'`,
    [caseId],
  );
  return count?.inbound ?? 0;
}

/**
 * The subjects and texts of a case's first three customer messages, in order, one text: what the case is about,
 * for a classification label. Null when the case has no customer message.
 */
export async function findOpeningText(db: SqlClient, caseId: string): Promise<string | null> {
  const [text] = await db.sql<{ text: string | null }>(
    `SELECT string_agg(concat_ws(E'\\n', subject, text), E'\\n' ORDER BY sent_at) AS text
     FROM (SELECT subject, text, sent_at FROM messages
           WHERE case_id = $1::uuid AND direction = 'in' ORDER BY sent_at LIMIT 3) first`,
    [caseId],
  );
  return text?.text ?? null;
}

/** Puts one message on another case. */
export async function moveMessage(db: SqlClient, messageId: string, toCaseId: string): Promise<void> {
  await db.sql(`UPDATE messages SET case_id = $2::uuid WHERE id = $1::uuid`, [messageId, toCaseId]);
}

/** Puts every message of a case on another; returns the ids of those moved. */
export async function moveCaseMessages(db: SqlClient, fromCaseId: string, toCaseId: string): Promise<string[]> {
  const moved = await db.sql<{ id: string }>(
    `UPDATE messages SET case_id = $2::uuid WHERE case_id = $1::uuid RETURNING id::text AS id`,
    [fromCaseId, toCaseId],
  );
  return moved.map((row) => row.id);
}

/** A message the worker stores, one field per column as the bulk insert sends them (jsonb columns as JSON text). */
export interface MessageRow {
  id: string;
  idempotency_key: string;
  direction: "in" | "out";
  channel: string;
  external_id: string | null;
  case_id: string;
  identity_id: string;
  intake_item_id: string | null;
  subject: string | null;
  text: string;
  full_text: string;
  thread: string;
  conversation_id: string | null;
  attachments: string;
  flags: string;
  kind: string;
  classification: string | null;
  text_hash: string | null;
  duplicate_of_id: string | null;
  redactions: string;
  original: string | null;
  automatic: boolean;
  /** ISO time. */
  sent_at: string;
}

const messageTable: BulkTable<MessageRow> = {
  name: "messages",
  columns: {
    id: "uuid",
    idempotency_key: "text",
    direction: "text",
    channel: "text",
    external_id: "text",
    case_id: "uuid",
    identity_id: "uuid",
    intake_item_id: "uuid",
    subject: "text",
    text: "text",
    full_text: "text",
    thread: "jsonb",
    conversation_id: "text",
    attachments: "jsonb",
    flags: "jsonb",
    kind: "text",
    classification: "jsonb",
    text_hash: "text",
    duplicate_of_id: "uuid",
    redactions: "jsonb",
    original: "jsonb",
    automatic: "boolean",
    sent_at: "timestamptz",
  },
};

/**
 * Stores messages in one statement (none when `rows` is empty). `skipExistingKeys`: a message whose idempotency key
 * is stored already is left as it is (an acknowledgement queued once per case); otherwise such a key fails the
 * statement on the unique index (a concurrent transaction stored the message: the caller retries and finds it).
 */
export function insertMessageRows(
  db: SqlClient,
  rows: readonly MessageRow[],
  { skipExistingKeys }: { skipExistingKeys: boolean },
): Promise<void> {
  return insertRows(db, messageTable, rows, skipExistingKeys ? "ON CONFLICT (idempotency_key) DO NOTHING" : "");
}

/** Which of `keys` (idempotency keys) are stored already, in one query. */
export async function findStoredIdempotencyKeys(db: SqlClient, keys: readonly string[]): Promise<Set<string>> {
  const stored = await db.sql<{ idempotencyKey: string }>(
    `SELECT idempotency_key AS "idempotencyKey" FROM messages WHERE idempotency_key = ANY($1::text[])`,
    [keys],
  );
  return new Set(stored.map((row) => row.idempotencyKey));
}

/** A message a channel's update named, and whether the update changed it. */
export interface UpdatedMessage {
  id: string;
  caseId: string;
  /** Whether the update changed anything (a stale status does not). */
  changed: boolean;
}

/** A message by the channel's id of it: its channel and external id. */
export interface ExternalMessageKey {
  channel: string;
  externalId: string;
}

/**
 * Delivery states in the order a message goes through them. A callback that arrives late (`sent` after
 * `delivered`, which vendors do) never moves a message back; `failed` and `undelivered` are final.
 */
const deliveryRank = `CASE $STATUS WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2
  WHEN 'read' THEN 3 WHEN 'failed' THEN 4 WHEN 'undelivered' THEN 4 ELSE -1 END`;
const rankOf = (column: string) => deliveryRank.replace("$STATUS", column);

const returningUpdated = `RETURNING id::text AS id, case_id::text AS "caseId"`;

/**
 * Records a delivery status on the outbound message with this external id, unless it would move the message back
 * (see the ranks above). The message is returned even when the status is stale (`changed` false), so a late
 * callback is recognised rather than retried; none when no such message is stored.
 */
export function applyDeliveryStatus(
  db: SqlClient,
  key: ExternalMessageKey,
  delivery: { status: string | null; error: string | null },
): Promise<UpdatedMessage[]> {
  return db.sql(
    `WITH target AS (
           SELECT id, case_id, delivery_status FROM messages
           WHERE channel = $1 AND external_id = $2 AND direction = 'out' LIMIT 1
         ), updated AS (
           UPDATE messages m SET delivery_status = $3, delivery_error = $4
           FROM target WHERE m.id = target.id AND ${rankOf("target.delivery_status")} < ${rankOf("$3")}
           RETURNING m.id
         )
         SELECT target.id::text AS id, target.case_id::text AS "caseId", EXISTS (SELECT 1 FROM updated) AS changed
         FROM target`,
    [key.channel, key.externalId, delivery.status, delivery.error],
  );
}

/** The customer's edit: the messages with this external id take the new text (and full text) and `editedAt`. */
export function applyMessageEdit(
  db: SqlClient,
  key: ExternalMessageKey,
  edit: { text: string; editedAt: string },
): Promise<UpdatedMessage[]> {
  return db.sql(
    `UPDATE messages SET text = $3, full_text = $3, edited_at = $4
         WHERE channel = $1 AND external_id = $2 ${returningUpdated}, true AS changed`,
    [key.channel, key.externalId, edit.text, edit.editedAt],
  );
}

/** The customer deleted the messages with this external id: they keep their row, marked deleted at `deletedAt`. */
export function markMessageDeleted(
  db: SqlClient,
  key: ExternalMessageKey,
  deletedAt: string,
): Promise<UpdatedMessage[]> {
  return db.sql(
    `UPDATE messages SET deleted_at = $3 WHERE channel = $1 AND external_id = $2 ${returningUpdated}, true AS changed`,
    [key.channel, key.externalId, deletedAt],
  );
}

/** The message with this external id, for an update kept only on the trail (a reaction): `changed` always true. */
export function findMessageByExternalId(db: SqlClient, key: ExternalMessageKey): Promise<UpdatedMessage[]> {
  return db.sql(
    `SELECT id::text AS id, case_id::text AS "caseId", true AS changed
         FROM messages WHERE channel = $1 AND external_id = $2 LIMIT 1`,
    [key.channel, key.externalId],
  );
}
