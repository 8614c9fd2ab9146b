import type { Prisma } from "../db/generated/client";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { activeCaseStatuses, type CaseStatus } from "../cases/case-status";
import { findOrCreateSender, senderIdentities } from "../cases/identities";
import { matchThread, type ThreadMatch } from "../cases/thread-match";
import { inboundMessageKey, outboxKey } from "./idempotency-key";

export interface IngestContext {
  connectorId: string;
  intakeItemId: string;
  defaultTeam: string;
  destinations: readonly { id: string }[];
}

export type IngestOutcome =
  | { result: "duplicate"; messageId: string }
  | { result: "ignored"; reason: string }
  | { result: "added"; messageId: string; caseId: string; caseOpened: boolean };

/**
 * One canonical message into the case store, inside the caller's transaction: dedupe, identify the sender,
 * find or open the case, record the events, route, and queue side effects in the outbox.
 */
export async function ingestMessage(
  tx: Prisma.TransactionClient,
  message: CanonicalMessage,
  context: IngestContext,
): Promise<IngestOutcome> {
  const idempotencyKey = inboundMessageKey(context.connectorId, message.externalId);
  const existing = await tx.message.findUnique({ where: { idempotencyKey }, select: { id: true } });
  if (existing) return { result: "duplicate", messageId: existing.id };
  if (message.kind !== "message") return { result: "ignored", reason: `${message.kind} updates do not open cases` };

  const identities = senderIdentities(message, context.connectorId);
  if (identities.length === 0) return { result: "ignored", reason: "no sender identity" };
  const sender = await findOrCreateSender(tx, identities, message.from.name);
  const actor = `connector:${context.connectorId}`;

  const match = await matchThread(tx, message, sender.customerId);
  const target = match && activeCaseStatuses.includes(match.status as CaseStatus) ? match : null;
  const caseId = target?.caseId ?? (await openCase(tx, message, sender.customerId, context.defaultTeam));

  const created = await tx.message.create({
    data: {
      idempotencyKey,
      direction: "in",
      channel: message.channel,
      externalId: message.externalId,
      caseId,
      identityId: sender.identityId,
      intakeItemId: context.intakeItemId,
      subject: message.subject,
      text: message.text,
      fullText: message.fullText,
      thread: { ...message.thread },
      attachments: message.attachments.map((attachment) => ({ ...attachment })),
      flags: { ...message.flags },
      kind: message.kind,
      sentAt: new Date(message.receivedAt),
    },
    select: { id: true },
  });
  const messageAdded = {
    caseId,
    actor,
    type: "message_added",
    reason: target ? `thread: ${target.rule} ${target.evidence}` : "first message of the case",
    data: { messageId: created.id, channel: message.channel },
  };
  // One round trip for all of a new case's events; their ids keep the order they are listed in.
  await tx.caseEvent.createMany({
    data: target ? [messageAdded] : [...openingEvents(caseId, actor, match, context.defaultTeam), messageAdded],
  });
  await queueSideEffects(tx, context.destinations, target ? "message.added" : "case.created", caseId, created.id);
  return { result: "added", messageId: created.id, caseId, caseOpened: !target };
}

async function openCase(
  tx: Prisma.TransactionClient,
  message: CanonicalMessage,
  customerId: string,
  team: string,
): Promise<string> {
  const opened = await tx.case.create({
    data: { customerId, channel: message.channel, subject: message.subject, status: "new", team },
    select: { id: true },
  });
  return opened.id;
}

/** Why the case was opened, and where it was routed. */
function openingEvents(caseId: string, actor: string, inactiveMatch: ThreadMatch | null, team: string) {
  return [
    {
      caseId,
      actor,
      type: "created",
      reason: inactiveMatch
        ? `follow-up to a ${inactiveMatch.status} case (${inactiveMatch.rule} ${inactiveMatch.evidence})`
        : "no open case matched the message",
      data: inactiveMatch ? { followUpOf: inactiveMatch.caseId } : {},
    },
    { caseId, actor: "system", type: "routed", reason: "default team (routing.defaultTeam)", data: { team } },
  ];
}

async function queueSideEffects(
  tx: Prisma.TransactionClient,
  destinations: readonly { id: string }[],
  event: "case.created" | "message.added",
  caseId: string,
  messageId: string,
): Promise<void> {
  if (destinations.length === 0) return;
  const subject = event === "case.created" ? caseId : messageId;
  await tx.outboxItem.createMany({
    data: destinations.map((destination) => ({
      destination: destination.id,
      caseId,
      payload: { event, caseId, messageId },
      idempotencyKey: outboxKey(destination.id, event, subject),
    })),
    skipDuplicates: true,
  });
}
