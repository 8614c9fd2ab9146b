import type { SqlClient } from "../db/database";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { parseCaseNumber } from "./case-number";

export interface ThreadMatch {
  caseId: string;
  status: string;
  /** Which rule matched, for the event trail. */
  rule: "case-tag" | "in-reply-to";
  evidence: string;
}

/** Messages placed earlier in the same batch, by `channel + externalId`, so a reply can find its parent there. */
export type PlacedInBatch = Map<string, { caseId: string; customerId: string }>;

export function placedKey(channel: string, externalId: string): string {
  return `${channel}\u0000${externalId}`;
}

/**
 * The case a message's own thread hints point at: a case tag, then the message it replies to.
 * Only the customer's own cases are candidates, so a forged tag cannot attach a message to someone else's case.
 * Cross-channel matching by similarity comes later and runs after this.
 */
export async function matchThread(
  db: SqlClient,
  message: CanonicalMessage,
  customerId: string,
  placed: PlacedInBatch,
): Promise<ThreadMatch | null> {
  const tagged = message.thread.caseTag ? parseCaseNumber(message.thread.caseTag) : null;
  if (tagged !== null) {
    const [found] = await db.sql<{ id: string; status: string }>(
      `SELECT id::text AS id, status FROM cases WHERE number = $1 AND customer_id = $2::uuid`,
      [tagged, customerId],
    );
    if (found)
      return {
        caseId: found.id,
        status: found.status,
        rule: "case-tag",
        evidence: `${message.thread.caseTag ?? ""} (${message.thread.caseTagSource ?? "subject"})`,
      };
  }
  const parents = [message.thread.inReplyTo, ...message.thread.references].filter((id): id is string => Boolean(id));
  // A bounce comes from the mail server, not the customer: it is matched by the Message-ID it returns, which is
  // ours and unguessable, whoever the case belongs to.
  const anyCustomer = message.flags.bounce;
  for (const parentId of parents) {
    const sibling = placed.get(placedKey(message.channel, parentId));
    if (sibling && (anyCustomer || sibling.customerId === customerId))
      return { caseId: sibling.caseId, status: "new", rule: "in-reply-to", evidence: parentId };
  }
  if (parents.length === 0) return null;
  const [parent] = await db.sql<{ caseId: string; status: string; externalId: string }>(
    `SELECT c.id::text AS "caseId", c.status, m.external_id AS "externalId"
     FROM messages m JOIN cases c ON c.id = m.case_id
     WHERE m.channel = $1 AND m.external_id = ANY($2::text[]) AND ($4 OR c.customer_id = $3::uuid)
     ORDER BY m.sent_at DESC LIMIT 1`,
    [message.channel, parents, customerId, anyCustomer],
  );
  return parent
    ? { caseId: parent.caseId, status: parent.status, rule: "in-reply-to", evidence: parent.externalId }
    : null;
}
