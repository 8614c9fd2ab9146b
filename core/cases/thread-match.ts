import type { SqlClient } from "../kernel/db/database";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import {
  findCaseOfParent,
  findConversationCases,
  findCustomerCaseByNumber,
  listRecentEmailCases,
  type CaseRow,
} from "../store/case-matching.store";
import { parseCaseNumber } from "./case-number";
import { normalizeSubject } from "./subject";

export interface ThreadMatch {
  caseId: string;
  status: string;
  /** When the matched case was closed (ISO), for the reopen window; null when it is not closed. */
  closedAt: string | null;
  /** Which rule matched, for the event trail. */
  rule: "case-tag" | "in-reply-to" | "conversation" | "subject" | "duplicate" | "similarity";
  evidence: string;
}

/** `cases.subjectMatch` as the matcher needs it. */
export interface SubjectMatching {
  enabled: boolean;
  windowHours: number;
}

/** A case placed earlier in the same batch, found by a reply's parent id or by the customer's subject. */
export interface PlacedCase {
  caseId: string;
  customerId: string;
  status: string;
  /** The chat the placed message is in. */
  conversationId?: string | undefined;
}

/** Messages and subjects placed earlier in the same batch, so a reply can find its parent there. */
export type PlacedInBatch = Map<string, PlacedCase>;

/**
 * The latest case of each of a batch's chats that is still being worked or was resolved, by
 * `placedConversationKey`, looked up before placing. Only a case being worked is joined by the chat alone; a resolved
 * one is reopened only when the new message is about the same thing (see `core/cases/similar-cases.ts`).
 */
export type ActiveConversations = Map<string, CaseRow>;

/** What the matcher knows about the batch beyond the database: its own placements and the chats' active cases. */
export interface BatchKnowledge {
  placed: PlacedInBatch;
  conversations: ActiveConversations;
}

export function placedKey(channel: string, externalId: string): string {
  return `${channel}\u0000${externalId}`;
}

export function placedConversationKey(customerId: string, conversationId: string): string {
  return `conversation\u0000${customerId}\u0000${conversationId}`;
}

export function placedSubjectKey(customerId: string, topic: string): string {
  return `subject\u0000${customerId}\u0000${topic}`;
}

/**
 * The case a message's own thread hints point at, trying the rules in order of strength: a case tag (in the
 * subject, or signed into our reply address or Message-ID), the message it replies to, and optionally the same
 * sender's case with the same subject within a window. Only the customer's own cases are candidates, so a
 * forged tag cannot attach a message to someone else's case. Cross-channel matching by similarity comes later
 * and runs after this.
 */
export async function matchThread(
  db: SqlClient,
  message: CanonicalMessage,
  customerId: string,
  known: BatchKnowledge,
  subjects: SubjectMatching,
): Promise<ThreadMatch | null> {
  return (
    (await matchCaseTag(db, message, customerId)) ??
    (await matchParent(db, message, customerId, known.placed)) ??
    matchConversation(message, customerId, known) ??
    (subjects.enabled ? await matchSubject(db, message, customerId, known.placed, subjects.windowHours) : null)
  );
}

/**
 * The active case of every (customer, chat) pair in one query, so a batch of chat messages costs one round trip
 * for this rule instead of one per message: most chat messages carry a conversation and nothing else to match by.
 */
export async function findActiveConversations(
  db: SqlClient,
  pairs: readonly { customerId: string; conversationId: string }[],
): Promise<ActiveConversations> {
  const found: ActiveConversations = new Map();
  if (pairs.length === 0) return found;
  const rows = await findConversationCases(db, pairs);
  for (const row of rows) found.set(placedConversationKey(row.customerId, row.conversationId), row);
  return found;
}

async function matchCaseTag(db: SqlClient, message: CanonicalMessage, customerId: string) {
  const tagged = message.thread.caseTag ? parseCaseNumber(message.thread.caseTag) : null;
  if (tagged === null) return null;
  const found = await findCustomerCaseByNumber(db, tagged, customerId);
  if (!found) return null;
  const source = message.thread.caseTagSource ?? "subject";
  return match(found, "case-tag", `${message.thread.caseTag ?? ""} (${source})`);
}

async function matchParent(db: SqlClient, message: CanonicalMessage, customerId: string, placed: PlacedInBatch) {
  const parents = [message.thread.inReplyTo, ...message.thread.references].filter((id): id is string => Boolean(id));
  if (parents.length === 0) return null;
  // A bounce comes from the mail server, not the customer: it is matched by the Message-ID it returns, which is
  // ours and unguessable, whoever the case belongs to.
  const anyCustomer = message.flags.bounce;
  // In a shared chat (a Slack Connect channel) colleagues of the customer answer in the same thread: a reply
  // whose parent is in the same conversation joins it, whoever wrote it.
  const conversationId = message.thread.conversationId ?? null;
  for (const parentId of parents) {
    const sibling = placed.get(placedKey(message.channel, parentId));
    const sameChat = conversationId !== null && sibling?.conversationId === conversationId;
    if (sibling && (anyCustomer || sameChat || sibling.customerId === customerId))
      return match({ ...sibling, closedAt: null }, "in-reply-to", parentId);
  }
  const parent = await findCaseOfParent(db, {
    channel: message.channel,
    externalIds: parents,
    customerId,
    anyCustomer,
    conversationId,
  });
  return parent ? match(parent, "in-reply-to", parent.externalId) : null;
}

/**
 * A chat (an SMS or WhatsApp number pair, a Slack channel) has no threads of its own: its next message belongs to
 * the customer's case that is still being worked in that conversation. A resolved case is not reopened this way:
 * in a long-lived chat, the next message after a resolution is often a new matter, so the similarity step decides.
 */
function matchConversation(message: CanonicalMessage, customerId: string, known: BatchKnowledge) {
  const conversationId = message.thread.conversationId;
  if (!conversationId) return null;
  const key = placedConversationKey(customerId, conversationId);
  const sibling = known.placed.get(key);
  if (sibling) return match({ ...sibling, closedAt: null }, "conversation", conversationId);
  const found = known.conversations.get(key);
  return found && found.status !== "resolved" ? match(found, "conversation", conversationId) : null;
}

/**
 * Mail only: chat messages have no subject, and a web form's fixed subject ("Contact form") says nothing about
 * the topic. Closed cases are never matched this way: a subject alone is too weak to revive one.
 */
async function matchSubject(
  db: SqlClient,
  message: CanonicalMessage,
  customerId: string,
  placed: PlacedInBatch,
  windowHours: number,
) {
  const topic = message.channel === "email" ? normalizeSubject(message.subject) : "";
  if (!topic) return null;
  const sibling = placed.get(placedSubjectKey(customerId, topic));
  if (sibling) return match({ ...sibling, closedAt: null }, "subject", topic);
  const since = new Date(Date.parse(message.receivedAt) - windowHours * 3_600_000);
  const recent = await listRecentEmailCases(db, customerId, since);
  const found = recent.find((row) => normalizeSubject(row.subject) === topic);
  return found ? match(found, "subject", topic) : null;
}

function match(row: CaseRow, rule: ThreadMatch["rule"], evidence: string): ThreadMatch {
  const closedAt = row.closedAt === null ? null : new Date(row.closedAt).toISOString();
  return { caseId: row.caseId, status: row.status, closedAt, rule, evidence };
}
