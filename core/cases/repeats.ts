import type { SqlClient } from "../kernel/db/database";
import { findFirstRepeats, type RepeatRow } from "../store/case-matching.store";

/** An earlier inbound message with the same fingerprint from the same customer. */
export type EarlierRepeat = Omit<RepeatRow, "customerId" | "fingerprint">;

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
  const rows = await findFirstRepeats(
    db,
    wanted.map((entry) => entry.fingerprint),
    [...new Set(wanted.map((e) => e.customerId))],
    since,
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
