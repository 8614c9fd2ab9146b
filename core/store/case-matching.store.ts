import type { SqlClient } from "../kernel/db/database";

// The matcher's look-ups: which existing case a new message might belong to, by the thread hints it carries, its
// chat, its subject, its text. They read cases and messages together, inside the worker's case-store transaction.

/** A case as the thread rules match it. */
export interface CaseRow {
  caseId: string;
  status: string;
  /** When the case was closed, as the driver returns it (a Date or a string); null when it is not closed. */
  closedAt: string | null;
}

/** How many of a case's latest inbound messages a new one is compared with. */
const COMPARED_MESSAGES = 5;

/** A case a batch's messages could join, with the texts of its latest inbound messages (newest first). */
export interface CandidateCaseRow extends CaseRow {
  customerId: string;
  channel: string;
  subject: string | null;
  /** The case's category, or the classifier's best guess while the case waits for triage. */
  category: string | null;
  texts: string[] | null;
}

/**
 * In one query: each customer's cases still being worked and active since `since`, and the cases of
 * `resolvedCaseIds` (the resolved cases the batch's chats last had), merged cases left out, most recently active
 * first.
 */
export function findCandidateCaseRows(
  db: SqlClient,
  customerIds: readonly string[],
  resolvedCaseIds: readonly string[],
  since: Date,
): Promise<CandidateCaseRow[]> {
  return db.sql<CandidateCaseRow>(
    `SELECT c.id::text AS "caseId", c.customer_id::text AS "customerId", c.status, c.closed_at AS "closedAt",
       c.channel, c.subject, coalesce(c.category, c.classification->>'category') AS category,
       (SELECT array_agg(latest.text) FROM (
          SELECT m.text FROM messages m
          WHERE m.case_id = c.id AND m.direction = 'in' AND m.deleted_at IS NULL
          ORDER BY m.sent_at DESC LIMIT ${COMPARED_MESSAGES}) latest) AS texts
     FROM cases c
     WHERE c.customer_id = ANY($1::uuid[]) AND c.merged_into_id IS NULL
       AND ((c.status IN ('new', 'open', 'pending') AND c.updated_at >= $2) OR c.id = ANY($3::uuid[]))
     ORDER BY c.updated_at DESC`,
    [[...new Set(customerIds)], since.toISOString(), [...new Set(resolvedCaseIds)]],
  );
}

/** A (customer, chat) pair, and its latest case still being worked or resolved. */
export interface ConversationCaseRow extends CaseRow {
  customerId: string;
  conversationId: string;
}

/** The latest case, being worked or resolved, of every (customer, chat) pair, in one query. */
export function findConversationCases(
  db: SqlClient,
  pairs: readonly { customerId: string; conversationId: string }[],
): Promise<ConversationCaseRow[]> {
  return db.sql<ConversationCaseRow>(
    `SELECT DISTINCT ON (m.conversation_id, c.customer_id)
       c.id::text AS "caseId", c.status, c.closed_at AS "closedAt",
       c.customer_id::text AS "customerId", m.conversation_id AS "conversationId"
     FROM unnest($1::text[], $2::uuid[]) AS wanted(conversation_id, customer_id)
     JOIN messages m ON m.conversation_id = wanted.conversation_id
     JOIN cases c ON c.id = m.case_id AND c.customer_id = wanted.customer_id
     WHERE c.status IN ('new', 'open', 'pending', 'resolved')
     ORDER BY m.conversation_id, c.customer_id, m.sent_at DESC`,
    [pairs.map((pair) => pair.conversationId), pairs.map((pair) => pair.customerId)],
  );
}

/** The customer's case with this number; null when the customer has none (a forged or mistyped tag). */
export async function findCustomerCaseByNumber(
  db: SqlClient,
  number: number,
  customerId: string,
): Promise<CaseRow | null> {
  const [found] = await db.sql<CaseRow>(
    `SELECT id::text AS "caseId", status, closed_at AS "closedAt" FROM cases WHERE number = $1 AND customer_id = $2::uuid`,
    [number, customerId],
  );
  return found ?? null;
}

/** Which messages a reply's parent may be: its channel's ids, and whose they may be. */
export interface ParentQuery {
  channel: string;
  /** In-Reply-To and References, as the channel's message ids. */
  externalIds: readonly string[];
  customerId: string;
  /** Any customer's message (a bounce answers our own Message-ID, which is unguessable). */
  anyCustomer: boolean;
  /** A message in the same chat counts whoever wrote it (colleagues answering in a shared channel). */
  conversationId: string | null;
}

/** The case of the latest message a reply answers, with that message's id; null when none is known. */
export async function findCaseOfParent(
  db: SqlClient,
  parent: ParentQuery,
): Promise<(CaseRow & { externalId: string }) | null> {
  const [found] = await db.sql<CaseRow & { externalId: string }>(
    `SELECT c.id::text AS "caseId", c.status, c.closed_at AS "closedAt", m.external_id AS "externalId"
     FROM messages m JOIN cases c ON c.id = m.case_id
     WHERE m.channel = $1 AND m.external_id = ANY($2::text[])
       AND ($4 OR c.customer_id = $3::uuid OR m.conversation_id = $5)
     ORDER BY m.sent_at DESC LIMIT 1`,
    [parent.channel, parent.externalIds, parent.customerId, parent.anyCustomer, parent.conversationId],
  );
  return found ?? null;
}

/** The customer's email cases not closed and active since `since`, most recent first (at most 50), with subjects. */
export function listRecentEmailCases(
  db: SqlClient,
  customerId: string,
  since: Date,
): Promise<(CaseRow & { subject: string | null })[]> {
  return db.sql<CaseRow & { subject: string | null }>(
    `SELECT id::text AS "caseId", status, closed_at AS "closedAt", subject
     FROM cases
     WHERE customer_id = $1::uuid AND channel = 'email' AND status <> 'closed' AND updated_at >= $2
     ORDER BY updated_at DESC LIMIT 50`,
    [customerId, since.toISOString()],
  );
}

/** The first inbound message with a (customer, fingerprint), with its case. Times as the driver returns them. */
export interface RepeatRow {
  messageId: string;
  caseId: string;
  status: string;
  closedAt: string | null;
  sentAt: string;
  subject: string | null;
  customerId: string;
  fingerprint: string;
}

/** The first inbound message since `since` of each (customer, fingerprint) among the given ones, in one query. */
export function findFirstRepeats(
  db: SqlClient,
  fingerprints: readonly string[],
  customerIds: readonly string[],
  since: Date,
): Promise<RepeatRow[]> {
  return db.sql<RepeatRow>(
    `SELECT DISTINCT ON (i.customer_id, m.text_hash)
       m.id::text AS "messageId", m.case_id::text AS "caseId", c.status, c.closed_at AS "closedAt",
       m.sent_at AS "sentAt", m.subject, i.customer_id::text AS "customerId", m.text_hash AS fingerprint
     FROM messages m
     JOIN identities i ON i.id = m.identity_id
     JOIN cases c ON c.id = m.case_id
     WHERE m.text_hash = ANY($1::text[]) AND m.sent_at >= $2 AND m.direction = 'in'
       AND i.customer_id = ANY($3::uuid[])
     ORDER BY i.customer_id, m.text_hash, m.sent_at`,
    [fingerprints, since.toISOString(), customerIds],
  );
}

/** The latest follow-up case of a closed case that is still being worked; null when it has none. */
export async function findActiveFollowUpCaseId(db: SqlClient, closedCaseId: string): Promise<string | null> {
  const [row] = await db.sql<{ id: string }>(
    `SELECT id::text AS id FROM cases
       WHERE follow_up_of_id = $1::uuid AND status IN ('new', 'open', 'pending')
       ORDER BY created_at DESC LIMIT 1`,
    [closedCaseId],
  );
  return row?.id ?? null;
}
