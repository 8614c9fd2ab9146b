import { randomUUID } from "node:crypto";
import type { SqlClient } from "../db/database";
import type { IngestPolicy } from "../../connectors/connector";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { continuation, type Continuation } from "../cases/continuation";
import { findOrCreateSenders, senderIdentities, type ResolvedSender } from "../cases/identities";
import { findEarlierRepeats } from "../cases/repeats";
import { findCandidateCases } from "../cases/similar-cases";
import { consolidateMergedCustomers } from "../cases/consolidate";
import type { Priority } from "../cases/priority";
import { linkIdentities } from "../customers/link-identities";
import type { IdentityConfig } from "../customers/identity.schema";
import { textProfile } from "../../normalizers/similarity/similarity";
import { ContentMatcher } from "./content-match";
import { prioritizeNewCases, type UnprioritizedCase } from "./case-priority";
import type { AnalyzedMessage, MessageAnalyzer, MessageClassification } from "./message-analysis";
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
import type { CasesConfig, MatchingConfig, PriorityConfig } from "../config/config.schema";
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
  /** The intake log's raw body, masked after processing when redaction found personal data in the item. */
  rawBody?: string;
}

/** A case the batch opens, with what its first message said. */
interface NewCase {
  id: string;
  customerId: string;
  /** Created in this batch: its attributes are only what its message said. */
  customerIsNew: boolean;
  message: CanonicalMessage;
  analyzed: AnalyzedMessage;
  followUpOf: string | null;
  /** Why no existing case was joined, when the content rules had one to consider. */
  openNote: string | null;
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
    await maskRawBodies(tx, items, placements, settings.analyzer);
  }
  await consolidateMergedCustomers(tx, mergedCustomers, settings.cases.matching, new Date());
  const placedItems = new Set([
    ...placements.map((placement) => placement.intakeItemId),
    ...updated,
    ...batch.optOuts.map((optOut) => optOut.intakeItemId),
  ]);
  await markItemsDone(tx, items, placedItems, alreadyStored);
}

/** A message as it is stored when no analyzer is configured: unmasked, unclassified, no fingerprint. */
function analyze(analyzer: MessageAnalyzer | undefined, message: CanonicalMessage): AnalyzedMessage {
  if (analyzer) return analyzer.analyze(message);
  return { message, classification: null, fingerprint: null, profile: textProfile(""), redactions: [], original: null };
}

/** Finds or creates each sender's customer, then lets the identity graph merge customers on evidence. */
async function identifySenders(
  tx: SqlClient,
  fresh: readonly { item: IntakeMessages; analyzed: AnalyzedMessage }[],
  identity: IdentityConfig | undefined,
): Promise<{ senders: ResolvedSender[]; mergedCustomers: string[] }> {
  if (fresh.length === 0) return { senders: [], mergedCustomers: [] };
  const senders = await findOrCreateSenders(
    tx,
    fresh.map(({ item, analyzed }) => ({
      keys: senderIdentities(analyzed.message, item.connectorId),
      displayName: analyzed.message.from.name,
    })),
  );
  if (!identity) return { senders, mergedCustomers: [] };
  const links = await linkIdentities(
    tx,
    fresh.map(({ item, analyzed }, index) => ({
      message: analyzed.message,
      connectorId: item.connectorId,
      ...(senders[index] as ResolvedSender),
    })),
    identity,
  );
  const mergedCustomers = links.flatMap((link) =>
    link.settlements.some((settlement) => settlement.action === "merged") ? [link.customerId] : [],
  );
  return {
    // A customer merged into an older one is not new any more: the survivor has a history.
    senders: links.map((link, index) => ({
      customerId: link.customerId,
      identityId: link.identityId,
      isNew: senders[index]?.isNew === true && link.customerId === senders[index]?.customerId,
    })),
    mergedCustomers: [...new Set(mergedCustomers)],
  };
}

/** What a webhook said about its customers (tier, segment, deal size) is kept on them, newest facts winning. */
async function recordCustomerFacts(
  tx: SqlClient,
  fresh: readonly { message: CanonicalMessage }[],
  senders: readonly ResolvedSender[],
): Promise<void> {
  const facts = fresh.flatMap(({ message }, index) => {
    const customerId = senders[index]?.customerId;
    return message.customer && customerId ? [{ customerId, facts: JSON.stringify(message.customer) }] : [];
  });
  if (facts.length === 0) return;
  await tx.sql(
    `UPDATE customers c SET attributes = c.attributes || t.facts, updated_at = now()
     FROM unnest($1::uuid[], $2::jsonb[]) AS t(id, facts) WHERE c.id = t.id`,
    [facts.map((entry) => entry.customerId), facts.map((entry) => entry.facts)],
  );
}

/** The repeats and open cases the batch's messages could join, looked up once for the whole batch. */
async function contentMatcher(
  tx: SqlClient,
  fresh: readonly { message: CanonicalMessage; analyzed: AnalyzedMessage }[],
  senders: readonly ResolvedSender[],
  batch: BatchState,
  matching: MatchingConfig,
): Promise<ContentMatcher> {
  const earliest = fresh.reduce((min, { message }) => Math.min(min, Date.parse(message.receivedAt)), Date.now());
  // A customer created in this batch has no earlier messages or cases to look up.
  const known = (index: number) => (senders[index]?.isNew ? undefined : senders[index]?.customerId);
  const fingerprints = fresh.flatMap(({ analyzed }, index) => {
    const customerId = known(index);
    return analyzed.fingerprint && customerId ? [{ customerId, fingerprint: analyzed.fingerprint }] : [];
  });
  const repeats = await findEarlierRepeats(
    tx,
    fingerprints,
    new Date(earliest - matching.duplicateWindowMinutes * 60_000),
  );
  // Machine mail is never placed by content, so its senders need no candidates.
  const customers = fresh.flatMap(({ message }, index) => (!isMachineMail(message) ? [known(index) ?? ""] : []));
  const candidates =
    matching.enabled && (customers.some(Boolean) || batch.resolvedChatCaseIds().length > 0)
      ? await findCandidateCases(
          tx,
          customers.filter(Boolean),
          batch.resolvedChatCaseIds(),
          new Date(earliest - matching.windowHours * 3_600_000),
        )
      : [];
  return new ContentMatcher(repeats, candidates, matching);
}

/** A classification good enough to put on a case: confident, not for triage. */
function confidentCategory(classification: MessageClassification | null): string | null {
  return classification && !classification.triage ? classification.category : null;
}

function unprioritized(entry: NewCase): UnprioritizedCase {
  const classification = entry.analyzed.classification;
  return {
    id: entry.id,
    customerId: entry.customerId,
    category: confidentCategory(classification),
    severity: classification?.severity ?? null,
    text: [entry.message.subject, entry.message.text].filter(Boolean).join("\n"),
    ...(entry.customerIsNew && { attributes: entry.message.customer ?? {} }),
  };
}

function caseRow(entry: NewCase, team: string, priority: Priority | undefined): NewCaseRow {
  const classification = entry.analyzed.classification;
  return {
    id: entry.id,
    customer_id: entry.customerId,
    channel: entry.message.channel,
    subject: entry.message.subject,
    status: "new",
    team,
    follow_up_of_id: entry.followUpOf,
    category: confidentCategory(classification),
    severity: classification?.severity ?? null,
    classification: classification ? JSON.stringify(classification) : null,
    category_source: confidentCategory(classification) ? "model" : null,
    triage: classification?.triage ?? false,
    priority: priority?.score ?? null,
    priority_breakdown: priority ? JSON.stringify(priority) : null,
  };
}

/**
 * Unless `redaction.keepOriginal` says otherwise, the intake log's raw body is masked once its messages are stored,
 * so the personal data redaction found is nowhere in the database. Only items where something was found are
 * rewritten. A replay then works on the masked body, which is what it would store anyway.
 */
async function maskRawBodies(
  tx: SqlClient,
  items: IntakeMessages[],
  placements: Placement[],
  analyzer: MessageAnalyzer | undefined,
): Promise<void> {
  if (!analyzer || analyzer.keepsOriginal) return;
  const found = new Set(
    placements.filter((placement) => placement.analyzed.redactions.length > 0).map((p) => p.intakeItemId),
  );
  const masked = items.flatMap((item) =>
    found.has(item.intakeItemId) && item.rawBody !== undefined
      ? [{ id: item.intakeItemId, rawBody: analyzer.redactText(item.rawBody).text }]
      : [],
  );
  if (masked.length === 0) return;
  await tx.sql(
    `UPDATE intake_items i SET raw_body = t.raw_body
     FROM unnest($1::uuid[], $2::text[]) AS t(id, raw_body) WHERE i.id = t.id`,
    [masked.map((entry) => entry.id), masked.map((entry) => entry.rawBody)],
  );
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
  /** Joined case → the classification of a message that joined it, for cases still without a category. */
  readonly classifiedBy = new Map<string, MessageClassification>();

  joined(caseId: string, reopen: boolean, classification: MessageClassification | null): void {
    this.touched.add(caseId);
    if (reopen) this.reopened.add(caseId);
    if (classification && !classification.triage && !this.classifiedBy.has(caseId))
      this.classifiedBy.set(caseId, classification);
  }

  /** The resolved case a chat message's conversation last had, which the similarity step may reopen. */
  resolvedChatCase(customerId: string, message: CanonicalMessage): string | null {
    const conversationId = message.thread.conversationId;
    if (!conversationId) return null;
    const found = this.conversations.get(placedConversationKey(customerId, conversationId));
    return found?.status === "resolved" ? found.caseId : null;
  }

  resolvedChatCaseIds(): string[] {
    return [...this.conversations.values()].filter((row) => row.status === "resolved").map((row) => row.caseId);
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

/**
 * Joined cases show new activity (the subject window counts from it); reopened ones go back to `open`. A case that
 * has no category yet (its first message was "hi" on a chat) takes the first confident one of a message joining it;
 * a category an agent set is never overwritten.
 */
async function touchJoinedCases(tx: SqlClient, batch: BatchState): Promise<void> {
  if (batch.touched.size === 0) return;
  if (batch.classifiedBy.size > 0) {
    const classified = [...batch.classifiedBy];
    await tx.sql(
      `UPDATE cases c SET category = t.category, severity = t.severity, classification = t.classification,
         category_source = 'model', triage = false
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) AS t(id, category, severity, classification)
       WHERE c.id = t.id AND c.category IS NULL AND c.category_source IS DISTINCT FROM 'agent'`,
      [
        classified.map(([caseId]) => caseId),
        classified.map(([, classification]) => classification.category),
        classified.map(([, classification]) => classification.severity),
        classified.map(([, classification]) => JSON.stringify(classification)),
      ],
    );
  }
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

function events(placement: Placement, team: string, opened: NewCase | undefined, priority?: Priority): EventRow[] {
  const { caseId, actor, via } = placement;
  const messageAdded = {
    case_id: caseId,
    actor,
    type: "message_added",
    reason: via.action === "join" ? joinReason(via.match) : "first message of the case",
    data: JSON.stringify({
      messageId: placement.id,
      channel: placement.message.channel,
      ...(via.action === "join" && { rule: via.match.rule }),
      ...(placement.duplicateOf && { duplicateOf: placement.duplicateOf }),
    }),
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
        : (opened?.openNote ?? "no open case matched the message"),
    data: JSON.stringify(via.action === "follow-up" ? { followUpOf: via.match.caseId } : {}),
  };
  const routed = {
    case_id: caseId,
    actor: "system",
    type: "routed",
    reason: "default team (routing.defaultTeam)",
    data: JSON.stringify({ team }),
  };
  return [created, ...classificationEvents(caseId, placement.analyzed.classification, priority), routed, messageAdded];
}

function joinReason(match: ThreadMatch): string {
  if (match.rule === "duplicate") return `duplicate: ${match.evidence}`;
  if (match.rule === "similarity") return `same complaint: ${match.evidence}`;
  return `thread: ${match.rule} ${match.evidence}`;
}

/** Why the new case has its category (or needs triage) and its priority. */
function classificationEvents(
  caseId: string,
  classification: MessageClassification | null,
  priority: Priority | undefined,
): EventRow[] {
  const rows: EventRow[] = [];
  if (classification) {
    const { category, confidence, evidence, kind, severity, language } = classification;
    rows.push({
      case_id: caseId,
      actor: "system",
      type: classification.triage ? "needs_triage" : "classified",
      reason: classification.triage
        ? `best guess ${category} at ${confidence.toFixed(2)} is below classification.triageBelow (${evidence})`
        : `${category} at ${confidence.toFixed(2)} (${evidence}); ${kind}, ${severity}`,
      data: JSON.stringify({ category, confidence, kind, severity, language, reasons: classification.reasons }),
    });
  }
  if (priority) {
    const parts = Object.entries(priority.factors).map(([name, factor]) => `${name} ${factor.points}`);
    rows.push({
      case_id: caseId,
      actor: "system",
      type: "prioritized",
      reason: `priority ${priority.score}: ${parts.join(", ")}`,
      data: JSON.stringify(priority),
    });
  }
  return rows;
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
