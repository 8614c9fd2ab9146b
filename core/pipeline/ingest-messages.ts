import { randomUUID } from "node:crypto";
import type { Prisma } from "../db/generated/client";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { activeCaseStatuses, type CaseStatus } from "../cases/case-status";
import { findOrCreateSenders, senderIdentities } from "../cases/identities";
import { matchThread, placedKey, type PlacedInBatch, type ThreadMatch } from "../cases/thread-match";
import { inboundMessageKey, outboxKey } from "./idempotency-key";

/** The canonical messages of one intake item. */
export interface IntakeMessages {
  intakeItemId: string;
  connectorId: string;
  messages: CanonicalMessage[];
}

export interface IngestSettings {
  defaultTeam: string;
  destinations: readonly { id: string }[];
}

/** A message that will be stored, and the case it goes to. */
interface Placement {
  id: string;
  key: string;
  message: CanonicalMessage;
  intakeItemId: string;
  actor: string;
  identityId: string;
  caseId: string;
  /** The thread rule that joined it to an active case, or null when it opened a case. */
  joined: ThreadMatch | null;
  /** An inactive (resolved, closed) case the thread pointed at; the new case is its follow-up. */
  followUpOf: ThreadMatch | null;
}

/**
 * Canonical messages into the case store, inside the caller's transaction: dedupe on the idempotency key,
 * identify the senders, find the case each thread points at or open one, append the events, route, queue the
 * side effects in the outbox and mark the intake items done. The number of round trips does not grow with the
 * number of messages (except one thread look-up per message that carries thread hints), which is what lets a
 * worker keep up with the HTTP edge.
 */
export async function ingestMessages(tx: Prisma.TransactionClient, items: IntakeMessages[], settings: IngestSettings): Promise<void> {
  const candidates = items.flatMap((item) =>
    item.messages.map((message) => ({ item, message, key: inboundMessageKey(item.connectorId, message.externalId) })),
  );
  const stored = await tx.message.findMany({
    where: { idempotencyKey: { in: candidates.map((candidate) => candidate.key) } },
    select: { idempotencyKey: true },
  });
  const alreadyStored = new Set(stored.map((row) => row.idempotencyKey));
  // Non-message updates (status, edit, delete, reaction) never open cases; their handling comes with the
  // channels that send them. Messages without any sender identity cannot be put on a customer's case.
  const fresh = candidates.filter(
    ({ item, message, key }) =>
      !alreadyStored.has(key) && message.kind === "message" && senderIdentities(message, item.connectorId).length > 0,
  );

  const senders = fresh.length
    ? await findOrCreateSenders(
        tx,
        fresh.map(({ item, message }) => ({ keys: senderIdentities(message, item.connectorId), displayName: message.from.name })),
      )
    : [];
  const placements: Placement[] = [];
  const newCases: Prisma.CaseCreateManyInput[] = [];
  const placed: PlacedInBatch = new Map();
  for (const [index, { item, message, key }] of fresh.entries()) {
    const sender = senders[index] as (typeof senders)[number];
    const match = hasThreadHints(message) ? await matchThread(tx, message, sender.customerId, placed) : null;
    const joined = match && activeCaseStatuses.includes(match.status as CaseStatus) ? match : null;
    let caseId = joined?.caseId;
    if (!caseId) {
      caseId = randomUUID();
      newCases.push({ id: caseId, customerId: sender.customerId, channel: message.channel, subject: message.subject, status: "new", team: settings.defaultTeam });
    }
    placed.set(placedKey(message.channel, message.externalId), { caseId, customerId: sender.customerId });
    placements.push({
      id: randomUUID(),
      key,
      message,
      intakeItemId: item.intakeItemId,
      actor: `connector:${item.connectorId}`,
      identityId: sender.identityId,
      caseId,
      joined,
      followUpOf: joined ? null : match,
    });
  }

  if (newCases.length > 0) await tx.case.createMany({ data: newCases });
  if (placements.length > 0) {
    await tx.message.createMany({ data: placements.map(messageRow) });
    // Event ids follow the order of this list, so each case's trail reads created → routed → message_added.
    await tx.caseEvent.createMany({ data: placements.flatMap((placement) => events(placement, settings.defaultTeam)) });
    await queueSideEffects(tx, settings.destinations, placements);
  }
  await markItemsDone(tx, items, new Set(placements.map((placement) => placement.intakeItemId)), alreadyStored);
}

function hasThreadHints(message: CanonicalMessage): boolean {
  return Boolean(message.thread.caseTag || message.thread.inReplyTo || message.thread.references.length);
}

function messageRow(placement: Placement): Prisma.MessageCreateManyInput {
  const { message } = placement;
  return {
    id: placement.id,
    idempotencyKey: placement.key,
    direction: "in",
    channel: message.channel,
    externalId: message.externalId,
    caseId: placement.caseId,
    identityId: placement.identityId,
    intakeItemId: placement.intakeItemId,
    subject: message.subject,
    text: message.text,
    fullText: message.fullText,
    thread: { ...message.thread },
    attachments: message.attachments.map((attachment) => ({ ...attachment })),
    flags: { ...message.flags },
    kind: message.kind,
    sentAt: new Date(message.receivedAt),
  };
}

function events(placement: Placement, team: string): Prisma.CaseEventCreateManyInput[] {
  const { caseId, actor, joined, followUpOf } = placement;
  const messageAdded = {
    caseId,
    actor,
    type: "message_added",
    reason: joined ? `thread: ${joined.rule} ${joined.evidence}` : "first message of the case",
    data: { messageId: placement.id, channel: placement.message.channel },
  };
  if (joined) return [messageAdded];
  return [
    {
      caseId,
      actor,
      type: "created",
      reason: followUpOf
        ? `follow-up to a ${followUpOf.status} case (${followUpOf.rule} ${followUpOf.evidence})`
        : "no open case matched the message",
      data: followUpOf ? { followUpOf: followUpOf.caseId } : {},
    },
    { caseId, actor: "system", type: "routed", reason: "default team (routing.defaultTeam)", data: { team } },
    messageAdded,
  ];
}

async function queueSideEffects(
  tx: Prisma.TransactionClient,
  destinations: readonly { id: string }[],
  placements: Placement[],
): Promise<void> {
  if (destinations.length === 0) return;
  const rows = placements.flatMap((placement) => {
    const event = placement.joined ? "message.added" : "case.created";
    const subject = placement.joined ? placement.id : placement.caseId;
    return destinations.map((destination) => ({
      destination: destination.id,
      caseId: placement.caseId,
      payload: { event, caseId: placement.caseId, messageId: placement.id },
      idempotencyKey: outboxKey(destination.id, event, subject),
    }));
  });
  await tx.outboxItem.createMany({ data: rows, skipDuplicates: true });
}

/** `processed` when the item put a message on a case (now or in an earlier run), `ignored` otherwise. */
async function markItemsDone(
  tx: Prisma.TransactionClient,
  items: IntakeMessages[],
  placedItems: Set<string>,
  alreadyStored: Set<string>,
): Promise<void> {
  const processed = items
    .filter(
      (item) =>
        placedItems.has(item.intakeItemId) ||
        item.messages.some((message) => alreadyStored.has(inboundMessageKey(item.connectorId, message.externalId))),
    )
    .map((item) => item.intakeItemId);
  const processedSet = new Set(processed);
  const ignored = items.map((item) => item.intakeItemId).filter((id) => !processedSet.has(id));
  const now = new Date();
  if (processed.length > 0) {
    await tx.intakeItem.updateMany({ where: { id: { in: processed } }, data: { status: "processed", error: null, processedAt: now } });
  }
  if (ignored.length > 0) {
    await tx.intakeItem.updateMany({ where: { id: { in: ignored } }, data: { status: "ignored", error: null, processedAt: now } });
  }
}
