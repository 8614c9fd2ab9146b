import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import type { PrismaClient } from "../kernel/db/generated/client";

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

/** The id of the message written under an idempotency key; null when there is none yet. */
export async function findMessageIdByIdempotencyKey(
  prisma: PrismaClient,
  idempotencyKey: string,
): Promise<string | null> {
  const existing = await prisma.message.findUnique({ where: { idempotencyKey }, select: { id: true } });
  return existing?.id ?? null;
}

/** An outbound message written by the API (an agent's reply), to be sent by the outbox. */
export interface NewReply {
  idempotencyKey: string;
  caseId: string;
  channel: string;
  /** The text as stored and sent: what the agent wrote, personal data masked. */
  text: string;
  /** What the masking found, stored beside the text. */
  redactions: readonly Record<string, unknown>[];
  /** An automatic message (acknowledgement), never sent to no-reply addresses. */
  automatic: boolean;
  sentAt: Date;
}

/**
 * Writes an outbound message (direction `out`, its full text the text itself, `flags.automatic` as given; other
 * columns by their defaults); returns its id.
 */
export async function insertReply(db: SqlClient, reply: NewReply): Promise<string> {
  const id = randomUUID();
  await db.sql(
    `INSERT INTO messages (id, idempotency_key, direction, channel, case_id, text, full_text, redactions, flags,
       automatic, sent_at)
     VALUES ($1::uuid, $2, 'out', $3, $4::uuid, $5, $5, $6::jsonb, $7::jsonb, $8, $9::timestamptz)`,
    [
      id,
      reply.idempotencyKey,
      reply.channel,
      reply.caseId,
      reply.text,
      JSON.stringify(reply.redactions),
      JSON.stringify({ automatic: reply.automatic }),
      reply.automatic,
      reply.sentAt.toISOString(),
    ],
  );
  return id;
}
