import type { Prisma } from "../db/generated/client";
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
  tx: Prisma.TransactionClient,
  message: CanonicalMessage,
  customerId: string,
  placed: PlacedInBatch,
): Promise<ThreadMatch | null> {
  const tagged = message.thread.caseTag ? parseCaseNumber(message.thread.caseTag) : null;
  if (tagged !== null) {
    const found = await tx.case.findFirst({ where: { number: tagged, customerId }, select: { id: true, status: true } });
    if (found) return { caseId: found.id, status: found.status, rule: "case-tag", evidence: message.thread.caseTag ?? "" };
  }
  const parents = [message.thread.inReplyTo, ...message.thread.references].filter((id): id is string => Boolean(id));
  for (const parentId of parents) {
    const sibling = placed.get(placedKey(message.channel, parentId));
    if (sibling?.customerId === customerId) return { caseId: sibling.caseId, status: "new", rule: "in-reply-to", evidence: parentId };
  }
  if (parents.length > 0) {
    const parent = await tx.message.findFirst({
      where: { externalId: { in: parents }, channel: message.channel, case: { customerId } },
      orderBy: { sentAt: "desc" },
      select: { case: { select: { id: true, status: true } }, externalId: true },
    });
    if (parent) return { caseId: parent.case.id, status: parent.case.status, rule: "in-reply-to", evidence: parent.externalId ?? "" };
  }
  return null;
}
