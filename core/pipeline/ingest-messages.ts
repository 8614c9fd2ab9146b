import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import type { IngestPolicy } from "../connector-contract/connector";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { continuation } from "../cases/continuation";
import { senderIdentities, type ResolvedSender } from "../cases/identities";
import { consolidateMergedCustomers } from "../cases/consolidate";
import type { Priority } from "../cases/priority";
import type { IdentityConfig } from "../customers/identity.schema";
import { prioritizeNewCases } from "./case-priority";
import type { MessageAnalyzer } from "./message-analysis";
import {
  findActiveConversations,
  matchThread,
  placedConversationKey,
  placedKey,
  placedSubjectKey,
} from "../cases/thread-match";
import { normalizeSubject } from "../cases/subject";
import type { CasesConfig, PriorityConfig } from "../config/config.schema";
import { caseTable, eventTable, messageTable, outboxTable } from "./case-rows";
import { inboundMessageKey, outboxKey } from "./idempotency-key";
import { TransientError } from "../kernel/errors";
import { insertRows } from "./insert-rows";
import { queueAcknowledgements } from "./acknowledgements";
import { isMachineMail, messageRow, type Placement } from "./placement";
import { markUndeliverable, recordOptOuts } from "./reachability";
import { applyMessageUpdates, type UpdateItem } from "./message-updates";
import { analyze, contentMatcher, identifySenders, recordCustomerFacts } from "./batch-lookups";
import { BatchState, joinExistingFollowUp, touchJoinedCases } from "./batch-state";
import { caseRow, unprioritized, type NewCase } from "./new-cases";
import { events } from "./placement-events";
import { maskRawBodies, type RawBodyMasker } from "./intake-masking";

/** The canonical messages of one intake item. */
export interface IntakeMessages {
  intakeItemId: string;
  connectorId: string;
  messages: CanonicalMessage[];
  /** Which attempt this is (1 = first), when the queue runs it; absent when called directly. */
  attempt?: number;
  /** The intake log's raw body and its meta, masked after processing when redaction found personal data in the item. */
  rawBody?: string;
  meta?: Record<string, unknown>;
}

export interface IngestSettings {
  defaultTeam: string;
  destinations: readonly { id: string }[];
  cases: CasesConfig;
  /** Per connector id, from its definition's `ingestPolicy`; connectors without one get none. */
  policies: ReadonlyMap<string, IngestPolicy>;
  /** `pipeline.maxAttempts`: a reply waits for its parent only while attempts remain. */
  maxAttempts?: number;
  /** Redaction, classification and fingerprints; without it messages are stored as they came, unclassified. */
  analyzer?: MessageAnalyzer;
  /** `identity:`; without it only exact identity matches link customers. */
  identity?: IdentityConfig;
  /** Per connector id, how to mask its raw bodies where masking the raw text would miss things (mail, forms). */
  rawMaskers?: ReadonlyMap<string, RawBodyMasker>;
  /** `priority:`; without it new cases get no priority. */
  priority?: PriorityConfig;
}

/**
 * Canonical messages into the case store, inside the caller's transaction: dedupe on the idempotency key, mask
 * personal data and classify, identify the senders (merging customers on evidence), find the case each message
 * belongs to — its channel thread, else an exact repeat, else an open case about the same thing — or open one
 * (reopening or following up closed ones), append the events with their reasons, prioritise and route new cases,
 * record permanent bounces, queue acknowledgements and side effects in the outbox and mark the intake items done.
 * The number of round trips does not grow with the number of messages (except the look-ups of messages that carry
 * a case tag or reply to another message), which is what lets a worker keep up with the HTTP edge.
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
    .sort((a, b) => Date.parse(a.message.receivedAt) - Date.parse(b.message.receivedAt))
    .map((candidate) => ({ ...candidate, analyzed: analyze(settings.analyzer, candidate.message) }));

  const { senders, mergedCustomers } = await identifySenders(tx, fresh, settings.identity);
  await recordCustomerFacts(tx, fresh, senders);
  const batch = new BatchState();
  batch.conversations = await findActiveConversations(
    tx,
    fresh.flatMap(({ message }, index) => {
      const conversationId = message.thread.conversationId;
      const sender = senders[index];
      return conversationId && sender && !sender.isNew ? [{ conversationId, customerId: sender.customerId }] : [];
    }),
  );
  const content = await contentMatcher(tx, fresh, senders, batch, settings.cases.matching);
  const placements: Placement[] = [];
  const newCases: NewCase[] = [];
  for (const [index, { item, key, analyzed }] of fresh.entries()) {
    const message = analyzed.message;
    const sender = senders[index] as ResolvedSender;
    const machineMail = isMachineMail(message);
    const threadMatch = wantsThreadMatch(message, settings.cases)
      ? await matchThread(tx, message, sender.customerId, batch, settings.cases.subjectMatch)
      : null;
    const duplicate = content.duplicateOf(sender.customerId, analyzed);
    let match = threadMatch ?? duplicate?.match ?? null;
    let openNote: string | null = null;
    if (!match && !machineMail) {
      const similar = content.similarCase(
        sender.customerId,
        analyzed,
        batch.resolvedChatCase(sender.customerId, message),
      );
      match = similar.match;
      openNote = similar.note;
    }
    // A repeat changes nothing about its case (like machine mail): sending the same text twice is not news.
    const quiet = machineMail || (match !== null && match === duplicate?.match);
    let via = continuation(batch.current(match), message.receivedAt, settings.cases, quiet);
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
      // Machine mail and repeats leave the case as it was: no reopening, no new activity for the subject window.
      if (!quiet) batch.joined(caseId, via.reopen, analyzed.classification);
    } else {
      caseId = randomUUID();
      const followUpOf = via.action === "follow-up" ? via.match.caseId : null;
      if (followUpOf) batch.followUps.set(followUpOf, caseId);
      newCases.push({
        id: caseId,
        customerId: sender.customerId,
        customerIsNew: sender.isNew === true,
        message,
        analyzed,
        followUpOf,
        openNote,
      });
    }
    const messageId = randomUUID();
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
    if (!machineMail)
      content.remember(sender.customerId, analyzed, {
        caseId,
        messageId,
        status: placedCase.status,
        newCase: via.action !== "join",
        category: analyzed.classification?.category ?? null,
      });
    placements.push({
      id: messageId,
      key,
      message,
      analyzed,
      duplicateOf: duplicate && match === duplicate.match ? duplicate.messageId : null,
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
  const priorities = settings.priority
    ? await prioritizeNewCases(tx, newCases.map(unprioritized), settings.priority, new Date())
    : new Map<string, Priority>();
  if (newCases.length > 0)
    await insertRows(
      tx,
      caseTable,
      newCases.map((entry) => caseRow(entry, settings.defaultTeam, priorities.get(entry.id))),
    );
  await touchJoinedCases(tx, batch);
  if (placements.length > 0) {
    await insertRows(tx, messageTable, placements.map(messageRow));
    // Event ids follow the order of this list, so each case's trail reads created → classified → routed →
    // message_added.
    const opened = new Map(newCases.map((entry) => [entry.id, entry]));
    await insertRows(
      tx,
      eventTable,
      placements.flatMap((placement) =>
        events(placement, settings.defaultTeam, opened.get(placement.caseId), priorities.get(placement.caseId)),
      ),
    );
    await markUndeliverable(tx, placements, settings.policies);
    await queueAcknowledgements(tx, placements, settings.policies);
    await queueSideEffects(tx, settings.destinations, placements);
    await maskRawBodies(tx, items, placements, settings.analyzer, settings.rawMaskers);
  }
  await consolidateMergedCustomers(tx, mergedCustomers, settings.cases.matching, new Date());
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

function wantsThreadMatch(message: CanonicalMessage, cases: CasesConfig): boolean {
  const { thread } = message;
  if (thread.caseTag || thread.inReplyTo || thread.references.length || thread.conversationId) return true;
  return cases.subjectMatch.enabled && message.channel === "email" && Boolean(message.subject);
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
