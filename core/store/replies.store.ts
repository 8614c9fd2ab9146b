import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import type { PrismaClient } from "../kernel/db/generated/client";

// Replies: outbound messages on the `messages` table. An agent's reply as the API writes it, and what the outbox
// reads and writes when it sends one (the customer's message it answers, the automatic messages already sent).

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

/** An outbound message to send, with its case's customer, number and subject; throws when there is none. */
export function findOutboundMessage(prisma: PrismaClient, messageId: string) {
  return prisma.message.findUniqueOrThrow({
    where: { id: messageId },
    include: { case: { select: { customerId: true, number: true, subject: true } } },
  });
}

/**
 * The latest message the customer wrote on a case on one of `channels`, with the identity it came from and the
 * connector it came through (its intake item's); null when there is none.
 */
export function findLatestCustomerMessage(
  prisma: PrismaClient,
  where: { caseId: string; customerId: string; channels: readonly string[] },
) {
  return prisma.message.findFirst({
    where: {
      caseId: where.caseId,
      direction: "in",
      channel: { in: [...where.channels] },
      identity: { customerId: where.customerId },
    },
    orderBy: { sentAt: "desc" },
    include: { identity: true, intakeItem: { select: { connectorId: true } } },
  });
}

/** What the vendor said of a reply it sent, as stored on the message. */
export interface SentReplyRecord {
  messageId: string;
  /** The vendor's id of the sent message. */
  externalId: string;
  /** The identity it went to. */
  identityId: string;
  automatic: boolean;
  sentAt: Date;
  /** The subject it went out with; undefined leaves the stored one. */
  subject?: string | undefined;
  /** `sent` for channels that report delivery (their callbacks move it on); null leaves the column as it is. */
  deliveryStatus: "sent" | null;
}

/** Marks an outbound message sent; throws when there is no such message (the caller's transaction rolls back). */
export async function markReplySent(db: SqlClient, sent: SentReplyRecord): Promise<void> {
  const updated = await db.sql<{ id: string }>(
    `UPDATE messages SET external_id = $2, identity_id = $3::uuid, automatic = $4, sent_at = $5::timestamptz,
       subject = CASE WHEN $6::boolean THEN $7::text ELSE subject END,
       delivery_status = coalesce($8::text, delivery_status)
     WHERE id = $1::uuid
     RETURNING id::text AS id`,
    [
      sent.messageId,
      sent.externalId,
      sent.identityId,
      sent.automatic,
      sent.sentAt.toISOString(),
      sent.subject !== undefined,
      sent.subject ?? null,
      sent.deliveryStatus,
    ],
  );
  if (updated.length === 0) throw new Error(`message ${sent.messageId} vanished before it was marked sent`);
}

/** An automatic message already sent to a case or a recipient. */
export interface AutomaticSend {
  /** Sent on the case asked about. */
  sameCase: boolean;
  /** Sent to the identity asked about. */
  sameRecipient: boolean;
  sentAt: Date;
}

/** The automatic messages sent (the vendor took them) to the case or the identity since `since`. */
export async function findAutomaticSentSince(
  db: SqlClient,
  where: { caseId: string; identityId: string; since: Date },
): Promise<AutomaticSend[]> {
  const rows = await db.sql<AutomaticSend>(
    `SELECT case_id = $1::uuid AS "sameCase", identity_id IS NOT DISTINCT FROM $2::uuid AS "sameRecipient",
            sent_at AS "sentAt"
     FROM messages
     WHERE direction = 'out' AND automatic AND external_id IS NOT NULL
       AND (case_id = $1::uuid OR identity_id = $2::uuid) AND sent_at >= $3`,
    [where.caseId, where.identityId, where.since.toISOString()],
  );
  return rows.map((row) => ({ ...row, sentAt: new Date(row.sentAt) }));
}
