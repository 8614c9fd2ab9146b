import type { SqlClient } from "../kernel/db/database";

/** An earlier inbound message with the same fingerprint from the same customer. */
export interface EarlierRepeat {
  messageId: string;
  caseId: string;
  status: string;
  closedAt: string | null;
  sentAt: string;
  subject: string | null;
}

export function repeatKey(customerId: string, fingerprint: string): string {
  return `${customerId}\u0000${fingerprint}`;
}

/**
 * The first message with each (customer, fingerprint) of a batch sent since `since`, in one query: a customer who
 * sends the same complaint by email, SMS and the web form within minutes has sent it once.
 */
export async function findEarlierRepeats(
  db: SqlClient,
  wanted: readonly { customerId: string; fingerprint: string }[],
  since: Date,
): Promise<Map<string, EarlierRepeat>> {
  const found = new Map<string, EarlierRepeat>();
  if (wanted.length === 0) return found;
  const rows = await db.sql<EarlierRepeat & { customerId: string; fingerprint: string }>(
    `SELECT DISTINCT ON (i.customer_id, m.text_hash)
       m.id::text AS "messageId", m.case_id::text AS "caseId", c.status, c.closed_at AS "closedAt",
       m.sent_at AS "sentAt", m.subject, i.customer_id::text AS "customerId", m.text_hash AS fingerprint
     FROM messages m
     JOIN identities i ON i.id = m.identity_id
     JOIN cases c ON c.id = m.case_id
     WHERE m.text_hash = ANY($1::text[]) AND m.sent_at >= $2 AND m.direction = 'in'
       AND i.customer_id = ANY($3::uuid[])
     ORDER BY i.customer_id, m.text_hash, m.sent_at`,
    [wanted.map((entry) => entry.fingerprint), since.toISOString(), [...new Set(wanted.map((e) => e.customerId))]],
  );
  for (const row of rows) {
    found.set(repeatKey(row.customerId, row.fingerprint), {
      messageId: row.messageId,
      caseId: row.caseId,
      status: row.status,
      closedAt: row.closedAt === null ? null : new Date(row.closedAt).toISOString(),
      sentAt: new Date(row.sentAt).toISOString(),
      subject: row.subject,
    });
  }
  return found;
}
