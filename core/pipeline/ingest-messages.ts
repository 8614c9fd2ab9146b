import { randomUUID } from "node:crypto";
import type { SqlClient } from "../db/database";
import type { IngestPolicy } from "../../connectors/connector";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { continuation, type Continuation } from "../cases/continuation";
import { findOrCreateSenders, senderIdentities } from "../cases/identities";
import {
  findActiveConversations,
  matchThread,
  placedConversationKey,
  placedKey,
  placedSubjectKey,
  type ActiveConversations,
  type PlacedInBatch,
  type ThreadMatch,
} from "../cases/thread-match";
import { normalizeSubject } from "../cases/subject";
import type { CasesConfig } from "../config/config.schema";
import { caseTable, eventTable, messageTable, outboxTable, type EventRow, type NewCaseRow } from "./case-rows";
import { inboundMessageKey, outboxKey } from "./idempotency-key";
import { TransientError } from "../errors";
import { insertRows } from "./insert-rows";
import { queueAcknowledgements } from "./acknowledgements";
import { isMachineMail, messageRow, type Placement } from "./placement";
import { markUndeliverable, recordOptOuts, type OptOut } from "./reachability";
import { applyMessageUpdates, type UpdateItem } from "./message-updates";

/** The canonical messages of one intake item. */
export interface IntakeMessages {
  intakeItemId: string;
  connectorId: string;
  messages: CanonicalMessage[];
  /** Which attempt this is (1 = first), when the queue runs it; absent when called directly. */
  attempt?: number;
}

export interface IngestSettings {
  defaultTeam: string;
  destinations: readonly { id: string }[];
  cases: CasesConfig;
  /** Per connector id, from its definition's `ingestPolicy`; connectors without one get none. */
  policies: ReadonlyMap<string, IngestPolicy>;
  /** `pipeline.maxAttempts`: a reply waits for its parent only while attempts remain. */
  maxAttempts?: number;
}

/**
 * Canonical messages into the case store, inside the caller's transaction: dedupe on the idempotency key,
 * identify the senders, find the case each thread points at or open one (reopening or following up closed
 * ones), append the events, route, record permanent bounces, queue acknowledgements and side effects in the
 * outbox and mark the intake items done. The number of round trips does not grow with the number of messages
 * (except the look-ups of messages that carry a case tag or reply to another message), which is what lets a worker keep up with
 * the HTTP edge.
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
  // Non-message updates (status, edit, delete, reaction) never open cases: they are applied to the messages they
  // name (applyMessageUpdates). Messages without any sender identity cannot be put on a customer's case.
  // Oldest first, so within a batch a parent is placed before its replies.
  const fresh = candidates
    .filter(
      ({ item, message, key }) =>
        !alreadyStored.has(key) && message.kind === "message" && senderIdentities(message, item.connectorId).length > 0,
    )
    .sort((a, b) => Date.parse(a.message.receivedAt) - Date.parse(b.message.receivedAt));

  const senders = fresh.length
    ? await findOrCreateSenders(
        tx,
        fresh.map(({ item, message }) => ({
          keys: senderIdentities(message, item.connectorId),
          displayName: message.from.name,
        })),
      )
    : [];
  const batch = new BatchState();
  batch.conversations = await findActiveConversations(
    tx,
    fresh.flatMap(({ message }, index) => {
      const conversationId = message.thread.conversationId;
      const customerId = senders[index]?.customerId;
      return conversationId && customerId ? [{ conversationId, customerId }] : [];
    }),
  );
  const placements: Placement[] = [];
  const newCases: NewCaseRow[] = [];
  for (const [index, { item, message, key }] of fresh.entries()) {
    const sender = senders[index] as (typeof senders)[number];
    const machineMail = isMachineMail(message);
    const match = wantsThreadMatch(message, settings.cases)
      ? await matchThread(tx, message, sender.customerId, batch, settings.cases.subjectMatch)
      : null;
    let via = continuation(batch.current(match), message.receivedAt, settings.cases, machineMail);
    if (via.action === "follow-up") via = await joinExistingFollowUp(tx, batch, via);
    const optOut = message.flags.optOut;
    if (optOut) batch.optOuts.push({ intakeItemId: item.intakeItemId, identityId: sender.identityId, optOut, message });
    if (via.action === "open" && (await parentStillArriving(tx, item, message, settings))) {
      throw new TransientError(`message ${message.externalId} waits for the message it replies to, still in intake`);
    }
    // Auto-replies, bounces and abuse reports join the case they answer, but never open one: a loop of
    // out-of-office mails must not become a loop of cases. Nor does a bare STOP / START keyword.
    if (via.action === "open" && (machineMail || optOut)) continue;

    let caseId: string;
    if (via.action === "join") {
      caseId = via.match.caseId;
      // Machine mail leaves the case as it was: no reopening, no new activity for the subject window.
      if (!machineMail) batch.joined(caseId, via.reopen);
    } else {
      caseId = randomUUID();
      const followUpOf = via.action === "follow-up" ? via.match.caseId : null;
      if (followUpOf) batch.followUps.set(followUpOf, caseId);
      newCases.push({
        id: caseId,
        customer_id: sender.customerId,
        channel: message.channel,
        subject: message.subject,
        status: "new",
        team: settings.defaultTeam,
        follow_up_of_id: followUpOf,
      });
    }
    const placedCase = {
      caseId,
      customerId: sender.customerId,
      status: via.action === "join" ? "open" : "new",
      conversationId: message.thread.conversationId,
    };
    batch.placed.set(placedKey(message.channel, message.externalId), placedCase);
    const topic = message.channel === "email" ? normalizeSubject(message.subject) : "";
    if (topic && !machineMail) batch.placed.set(placedSubjectKey(sender.customerId, topic), placedCase);
    const conversation = message.thread.conversationId;
    if (conversation) batch.placed.set(placedConversationKey(sender.customerId, conversation), placedCase);
    placements.push({
      id: randomUUID(),
      key,
      message,
      intakeItemId: item.intakeItemId,
      connectorId: item.connectorId,
      actor: `connector:${item.connectorId}`,
      identityId: sender.identityId,
      caseId,
      via,
    });
  }

  const updated = await applyMessageUpdates(tx, updatesOf(items));
  await recordOptOuts(tx, batch.optOuts);
  if (newCases.length > 0) await insertRows(tx, caseTable, newCases);
  await touchJoinedCases(tx, batch);
  if (placements.length > 0) {
    await insertRows(tx, messageTable, placements.map(messageRow));
    // Event ids follow the order of this list, so each case's trail reads created → routed → message_added.
    await insertRows(
      tx,
      eventTable,
      placements.flatMap((placement) => events(placement, settings.defaultTeam)),
    );
    await markUndeliverable(tx, placements, settings.policies);
    await queueAcknowledgements(tx, placements, settings.policies);
    await queueSideEffects(tx, settings.destinations, placements);
  }
  const placedItems = new Set([
    ...placements.map((placement) => placement.intakeItemId),
    ...updated,
    ...batch.optOuts.map((optOut) => optOut.intakeItemId),
  ]);
  await markItemsDone(tx, items, placedItems, alreadyStored);
}

/** Status callbacks, edits, deletes and reactions: they change stored messages and never open a case. */
function updatesOf(items: IntakeMessages[]): UpdateItem[] {
  return items.flatMap((item) =>
    item.messages.flatMap((message) =>
      message.kind !== "message" && message.update
        ? [
            {
              intakeItemId: item.intakeItemId,
              connectorId: item.connectorId,
              message: { ...message, update: message.update },
            },
          ]
        : [],
    ),
  );
}

/**
 * A reply whose parent was taken in but is not on a case yet, because another worker's transaction holds it:
 * without waiting, the reply would open a case of its own. The reply is retried (the queue's backoff) while
 * attempts remain; on the last one it opens its case rather than never arriving.
 */
async function parentStillArriving(
  tx: SqlClient,
  item: IntakeMessages,
  message: CanonicalMessage,
  settings: IngestSettings,
): Promise<boolean> {
  if (item.attempt === undefined || settings.maxAttempts === undefined || item.attempt >= settings.maxAttempts)
    return false;
  const parents = [message.thread.inReplyTo, ...message.thread.references].filter((id): id is string => Boolean(id));
  if (parents.length === 0) return false;
  // Mail's intake key is its Message-ID as written, with angle brackets; the message's thread ids are without.
  const keys = parents.flatMap((id) => [id, `<${id}>`]);
  const [pending] = await tx.sql<{ id: string }>(
    `SELECT id::text AS id FROM intake_items
     WHERE connector_id = $1 AND external_id = ANY($2::text[]) AND id <> $3::uuid
       AND status NOT IN ('processed', 'ignored', 'rejected', 'failed')
     LIMIT 1`,
    [item.connectorId, keys, item.intakeItemId],
  );
  return pending !== undefined;
}

/** What earlier messages of this batch did to cases, so later ones see it before it is written. */
class BatchState {
  readonly placed: PlacedInBatch = new Map();
  conversations: ActiveConversations = new Map();
  /** Closed case id → the follow-up case opened for it in this batch. */
  readonly followUps = new Map<string, string>();
  readonly touched = new Set<string>();
  readonly reopened = new Set<string>();
  readonly optOuts: OptOut[] = [];

  joined(caseId: string, reopen: boolean): void {
    this.touched.add(caseId);
    if (reopen) this.reopened.add(caseId);
  }

  /** A match as it stands after this batch: a case reopened by an earlier message is open now. */
  current(match: ThreadMatch | null): ThreadMatch | null {
    return match && this.reopened.has(match.caseId) ? { ...match, status: "open", closedAt: null } : match;
  }
}

/** Every later reply to a closed case joins the one follow-up case its first reply opened, while that is active. */
async function joinExistingFollowUp(
  tx: SqlClient,
  batch: BatchState,
  via: Extract<Continuation, { action: "follow-up" }>,
): Promise<Continuation> {
  const closedId = via.match.caseId;
  let followUpId = batch.followUps.get(closedId);
  if (!followUpId) {
    const [row] = await tx.sql<{ id: string }>(
      `SELECT id::text AS id FROM cases
       WHERE follow_up_of_id = $1::uuid AND status IN ('new', 'open', 'pending')
       ORDER BY created_at DESC LIMIT 1`,
      [closedId],
    );
    followUpId = row?.id;
  }
  if (!followUpId) return via;
  const evidence = `${via.match.evidence}, follow-up of the closed case`;
  return { action: "join", match: { ...via.match, caseId: followUpId, status: "open", evidence }, reopen: false };
}

/** Joined cases show new activity (the subject window counts from it); reopened ones go back to `open`. */
async function touchJoinedCases(tx: SqlClient, batch: BatchState): Promise<void> {
  if (batch.touched.size === 0) return;
  await tx.sql(
    `UPDATE cases SET
       updated_at = now(),
       status = CASE WHEN id = ANY($2::uuid[]) THEN 'open' ELSE status END,
       resolved_at = CASE WHEN id = ANY($2::uuid[]) THEN NULL ELSE resolved_at END,
       closed_at = CASE WHEN id = ANY($2::uuid[]) THEN NULL ELSE closed_at END
     WHERE id = ANY($1::uuid[])`,
    [[...batch.touched], [...batch.reopened]],
  );
}

function wantsThreadMatch(message: CanonicalMessage, cases: CasesConfig): boolean {
  const { thread } = message;
  if (thread.caseTag || thread.inReplyTo || thread.references.length || thread.conversationId) return true;
  return cases.subjectMatch.enabled && message.channel === "email" && Boolean(message.subject);
}

function events(placement: Placement, team: string): EventRow[] {
  const { caseId, actor, via } = placement;
  const messageAdded = {
    case_id: caseId,
    actor,
    type: "message_added",
    reason: via.action === "join" ? `thread: ${via.match.rule} ${via.match.evidence}` : "first message of the case",
    data: JSON.stringify({ messageId: placement.id, channel: placement.message.channel }),
  };
  if (via.action === "join") {
    if (!via.reopen) return [messageAdded];
    const reopened = {
      case_id: caseId,
      actor,
      type: "status_changed",
      reason: `the customer wrote again on a ${via.match.status} case`,
      data: JSON.stringify({ from: via.match.status, to: "open" }),
    };
    return [reopened, messageAdded];
  }
  const created = {
    case_id: caseId,
    actor,
    type: "created",
    reason:
      via.action === "follow-up"
        ? `follow-up to a closed case (${via.match.rule} ${via.match.evidence}; cases.replyToClosed)`
        : "no open case matched the message",
    data: JSON.stringify(via.action === "follow-up" ? { followUpOf: via.match.caseId } : {}),
  };
  const routed = {
    case_id: caseId,
    actor: "system",
    type: "routed",
    reason: "default team (routing.defaultTeam)",
    data: JSON.stringify({ team }),
  };
  return [created, routed, messageAdded];
}

async function queueSideEffects(
  tx: SqlClient,
  destinations: readonly { id: string }[],
  placements: Placement[],
): Promise<void> {
  if (destinations.length === 0) return;
  const rows = placements.flatMap((placement) => {
    const joined = placement.via.action === "join";
    const event = joined ? "message.added" : "case.created";
    const subject = joined ? placement.id : placement.caseId;
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

/** `processed` when the item put a message on a case or updated one (now or in an earlier run), `ignored` otherwise. */
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
