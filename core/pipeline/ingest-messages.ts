import { randomUUID } from "node:crypto";
import type { SqlClient } from "../db/database";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { activeCaseStatuses, type CaseStatus } from "../cases/case-status";
import { findOrCreateSenders, senderIdentities } from "../cases/identities";
import { matchThread, placedKey, type PlacedInBatch, type ThreadMatch } from "../cases/thread-match";
import { inboundMessageKey, outboxKey } from "./idempotency-key";
import { insertRows, type Table } from "./insert-rows";

interface NewCase {
  id: string;
  customer_id: string;
  channel: string;
  subject: string | null;
  status: string;
  team: string;
}

interface MessageRow {
  id: string;
  idempotency_key: string;
  direction: string;
  channel: string;
  external_id: string;
  case_id: string;
  identity_id: string;
  intake_item_id: string;
  subject: string | null;
  text: string;
  full_text: string;
  thread: string;
  attachments: string;
  flags: string;
  kind: string;
  sent_at: string;
}

interface EventRow {
  case_id: string;
  actor: string;
  type: string;
  reason: string;
  data: string;
}

interface OutboxRow {
  id: string;
  destination: string;
  case_id: string;
  payload: string;
  idempotency_key: string;
}

const caseTable: Table<NewCase> = {
  name: "cases",
  columns: { id: "uuid", customer_id: "uuid", channel: "text", subject: "text", status: "text", team: "text" },
  extra: { updated_at: "now()" },
};
const messageTable: Table<MessageRow> = {
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
    attachments: "jsonb",
    flags: "jsonb",
    kind: "text",
    sent_at: "timestamptz",
  },
};
const eventTable: Table<EventRow> = {
  name: "case_events",
  columns: { case_id: "uuid", actor: "text", type: "text", reason: "text", data: "jsonb" },
};
const outboxTable: Table<OutboxRow> = {
  name: "outbox",
  columns: { id: "uuid", destination: "text", case_id: "uuid", payload: "jsonb", idempotency_key: "text" },
};

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
export async function ingestMessages(tx: SqlClient, items: IntakeMessages[], settings: IngestSettings): Promise<void> {
  const candidates = items.flatMap((item) =>
    item.messages.map((message) => ({ item, message, key: inboundMessageKey(item.connectorId, message.externalId) })),
  );
  const stored = await tx.sql<{ idempotencyKey: string }>(
    `SELECT idempotency_key AS "idempotencyKey" FROM messages WHERE idempotency_key = ANY($1::text[])`,
    [candidates.map((candidate) => candidate.key)],
  );
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
        fresh.map(({ item, message }) => ({
          keys: senderIdentities(message, item.connectorId),
          displayName: message.from.name,
        })),
      )
    : [];
  const placements: Placement[] = [];
  const newCases: NewCase[] = [];
  const placed: PlacedInBatch = new Map();
  for (const [index, { item, message, key }] of fresh.entries()) {
    const sender = senders[index] as (typeof senders)[number];
    const match = hasThreadHints(message) ? await matchThread(tx, message, sender.customerId, placed) : null;
    const joined = match && activeCaseStatuses.includes(match.status as CaseStatus) ? match : null;
    // Auto-replies, bounces and abuse reports join the case they answer, but never open one: a loop of
    // out-of-office mails must not become a loop of cases.
    if (!joined && isMachineMail(message)) continue;
    let caseId = joined?.caseId;
    if (!caseId) {
      caseId = randomUUID();
      newCases.push({
        id: caseId,
        customer_id: sender.customerId,
        channel: message.channel,
        subject: message.subject,
        status: "new",
        team: settings.defaultTeam,
      });
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

  if (newCases.length > 0) await insertRows(tx, caseTable, newCases);
  if (placements.length > 0) {
    await insertRows(tx, messageTable, placements.map(messageRow));
    // Event ids follow the order of this list, so each case's trail reads created → routed → message_added.
    await insertRows(
      tx,
      eventTable,
      placements.flatMap((placement) => events(placement, settings.defaultTeam)),
    );
    await queueSideEffects(tx, settings.destinations, placements);
  }
  await markItemsDone(tx, items, new Set(placements.map((placement) => placement.intakeItemId)), alreadyStored);
}

function isMachineMail(message: CanonicalMessage): boolean {
  return message.flags.autoReply || message.flags.bounce || message.flags.abuseReport;
}

function hasThreadHints(message: CanonicalMessage): boolean {
  return Boolean(message.thread.caseTag || message.thread.inReplyTo || message.thread.references.length);
}

function messageRow(placement: Placement): MessageRow {
  const { message } = placement;
  return {
    id: placement.id,
    idempotency_key: placement.key,
    direction: "in",
    channel: message.channel,
    external_id: message.externalId,
    case_id: placement.caseId,
    identity_id: placement.identityId,
    intake_item_id: placement.intakeItemId,
    subject: message.subject,
    text: message.text,
    full_text: message.fullText,
    thread: JSON.stringify(message.thread),
    attachments: JSON.stringify(message.attachments),
    flags: JSON.stringify(message.flags),
    kind: message.kind,
    sent_at: message.receivedAt,
  };
}

function events(placement: Placement, team: string): EventRow[] {
  const { caseId, actor, joined, followUpOf } = placement;
  const messageAdded = {
    case_id: caseId,
    actor,
    type: "message_added",
    reason: joined ? `thread: ${joined.rule} ${joined.evidence}` : "first message of the case",
    data: JSON.stringify({ messageId: placement.id, channel: placement.message.channel }),
  };
  if (joined) return [messageAdded];
  return [
    {
      case_id: caseId,
      actor,
      type: "created",
      reason: followUpOf
        ? `follow-up to a ${followUpOf.status} case (${followUpOf.rule} ${followUpOf.evidence})`
        : "no open case matched the message",
      data: JSON.stringify(followUpOf ? { followUpOf: followUpOf.caseId } : {}),
    },
    {
      case_id: caseId,
      actor: "system",
      type: "routed",
      reason: "default team (routing.defaultTeam)",
      data: JSON.stringify({ team }),
    },
    messageAdded,
  ];
}

async function queueSideEffects(
  tx: SqlClient,
  destinations: readonly { id: string }[],
  placements: Placement[],
): Promise<void> {
  if (destinations.length === 0) return;
  const rows = placements.flatMap((placement) => {
    const event = placement.joined ? "message.added" : "case.created";
    const subject = placement.joined ? placement.id : placement.caseId;
    return destinations.map((destination) => ({
      id: randomUUID(),
      destination: destination.id,
      case_id: placement.caseId,
      payload: JSON.stringify({ event, caseId: placement.caseId, messageId: placement.id }),
      idempotency_key: outboxKey(destination.id, event, subject),
    }));
  });
  await insertRows(tx, outboxTable, rows, "ON CONFLICT (idempotency_key) DO NOTHING");
}

/** `processed` when the item put a message on a case (now or in an earlier run), `ignored` otherwise. */
async function markItemsDone(
  tx: SqlClient,
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
  const finish = `UPDATE intake_items SET status = $2, error = NULL, processed_at = now() WHERE id = ANY($1::uuid[])`;
  if (processed.length > 0) await tx.sql(finish, [processed, "processed"]);
  if (ignored.length > 0) await tx.sql(finish, [ignored, "ignored"]);
}
