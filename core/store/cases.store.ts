import type { SqlClient } from "../kernel/db/database";
import type { PrismaClient } from "../kernel/db/generated/client";
import { insertRows, type BulkTable } from "./bulk-insert";

// Case rows: found by the references people use, changed by agents' actions, read by the API. The matcher's
// look-ups (which case a new message belongs to) are in case-matching.store.ts.

/** A case as the agent actions need it. */
export interface CaseHead {
  id: string;
  number: number;
  customerId: string;
  status: string;
  category: string | null;
  team: string | null;
  mergedIntoId: string | null;
}

/** A case by its number (shown as `C-<number>`) or its uuid: what `parseCaseReference` makes of a reference. */
export type CaseKey = { number: number } | { id: string };

/** A case by number or id; null when there is none. `lock` takes the row for the rest of the transaction. */
export async function findCaseHead(db: SqlClient, key: CaseKey, lock = false): Promise<CaseHead | null> {
  const [row] = await db.sql<CaseHead>(
    `SELECT id::text AS id, number, customer_id::text AS "customerId", status, category, team,
       merged_into_id::text AS "mergedIntoId"
     FROM cases WHERE ${"number" in key ? "number = $1::int" : "id = $1::uuid"} ${lock ? "FOR UPDATE" : ""}`,
    ["number" in key ? key.number : key.id],
  );
  return row ?? null;
}

/** What the classifier said about a case (its category and confidence), when it said anything. */
export interface StoredClassification {
  category?: string;
  confidence?: number;
}

/** The classifier's verdict stored on a case; null when it gave none (or there is no such case). */
export async function findCaseClassification(db: SqlClient, caseId: string): Promise<StoredClassification | null> {
  const [model] = await db.sql<{ classification: StoredClassification | null }>(
    `SELECT classification FROM cases WHERE id = $1::uuid`,
    [caseId],
  );
  return model?.classification ?? null;
}

/** An agent's category: it stands (source `agent`), and the case leaves triage. */
export async function setAgentCategory(db: SqlClient, caseId: string, category: string): Promise<void> {
  await db.sql(
    `UPDATE cases SET category = $2, category_source = 'agent', triage = false, updated_at = now() WHERE id = $1::uuid`,
    [caseId, category],
  );
}

/** A case made for a message an agent split off, with what its classification said. */
export interface NewSplitCase {
  id: string;
  customerId: string;
  subject: string | null;
  channel: string;
  category: string | null;
  severity: string | null;
  /** The message's classification, kept on the case. */
  classification: Record<string, unknown> | null;
  /** `model` when the category came from the classification. */
  categorySource: string | null;
  team: string | null;
}

/** Creates the `new` case a split-off message goes to; returns its id and number. */
export async function insertSplitCase(db: SqlClient, kase: NewSplitCase): Promise<{ id: string; number: number }> {
  const [created] = await db.sql<{ id: string; number: number }>(
    `INSERT INTO cases (id, customer_id, status, subject, channel, category, severity, classification, category_source,
       team, updated_at)
     VALUES ($1::uuid, $2::uuid, 'new', $3, $4, $5, $6, $7::jsonb, $8, $9, now())
     RETURNING id::text AS id, number`,
    [
      kase.id,
      kase.customerId,
      kase.subject,
      kase.channel,
      kase.category,
      kase.severity,
      kase.classification ? JSON.stringify(kase.classification) : null,
      kase.categorySource,
      kase.team,
    ],
  );
  if (!created) throw new Error("the split case was not created");
  return created;
}

/** Something happened on the case: `updated_at` is its last activity. */
export async function touchCase(db: SqlClient, caseId: string): Promise<void> {
  await db.sql(`UPDATE cases SET updated_at = now() WHERE id = $1::uuid`, [caseId]);
}

/** The case was merged into another: closed, pointing at it. */
export async function closeAsMergedInto(db: SqlClient, caseId: string, intoCaseId: string): Promise<void> {
  await db.sql(
    `UPDATE cases SET merged_into_id = $2::uuid, status = 'closed', closed_at = now(), updated_at = now()
     WHERE id = $1::uuid`,
    [caseId, intoCaseId],
  );
}

/** The numbers of the given cases, by id (numbers follow creation). */
export async function findCaseNumbers(db: SqlClient, caseIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.sql<{ id: string; number: number }>(
    `SELECT id::text AS id, number FROM cases WHERE id = ANY($1::uuid[])`,
    [caseIds],
  );
  return new Map(rows.map((row) => [row.id, row.number]));
}

/** A case the worker opens, one field per column as the bulk insert sends them (jsonb columns as JSON text). */
export interface NewCaseRow {
  id: string;
  customer_id: string;
  channel: string;
  subject: string | null;
  status: string;
  team: string;
  assignee: string | null;
  /** The case's tags as a JSON array's text (`[]` without any). */
  tags: string;
  follow_up_of_id: string | null;
  category: string | null;
  severity: string | null;
  classification: string | null;
  category_source: string | null;
  triage: boolean;
  priority: number | null;
  priority_breakdown: string | null;
  /** Set when a rule resolves or closes the case as it opens (ISO time); null otherwise. */
  resolved_at: string | null;
  closed_at: string | null;
}

const caseTable: BulkTable<NewCaseRow> = {
  name: "cases",
  columns: {
    id: "uuid",
    customer_id: "uuid",
    channel: "text",
    subject: "text",
    status: "text",
    team: "text",
    assignee: "text",
    tags: "text[]",
    follow_up_of_id: "uuid",
    category: "text",
    severity: "text",
    classification: "jsonb",
    category_source: "text",
    triage: "boolean",
    priority: "int4",
    priority_breakdown: "jsonb",
    resolved_at: "timestamptz",
    closed_at: "timestamptz",
  },
  extra: { updated_at: "now()" },
};

/** Creates a batch's new cases in one statement (none when `rows` is empty); `updated_at` is now. */
export function insertCaseRows(db: SqlClient, rows: readonly NewCaseRow[]): Promise<void> {
  return insertRows(db, caseTable, rows);
}

/** A message's confident classification, offered to the case it joined. */
export interface JoiningClassification {
  category: string;
  severity: string;
}

/**
 * Gives each case of `classified` (case id → classification) the category, severity and classification of a message
 * that joined it, in one statement, but only where the case has no category yet and no agent chose one: source
 * `model`, out of triage. The whole classification object is stored as the case's `classification`.
 */
export async function setModelCategoryWhereUnset(
  db: SqlClient,
  classified: ReadonlyMap<string, JoiningClassification>,
): Promise<void> {
  const entries = [...classified];
  await db.sql(
    `UPDATE cases c SET category = t.category, severity = t.severity, classification = t.classification,
         category_source = 'model', triage = false
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) AS t(id, category, severity, classification)
       WHERE c.id = t.id AND c.category IS NULL AND c.category_source IS DISTINCT FROM 'agent'`,
    [
      entries.map(([caseId]) => caseId),
      entries.map(([, classification]) => classification.category),
      entries.map(([, classification]) => classification.severity),
      entries.map(([, classification]) => JSON.stringify(classification)),
    ],
  );
}

/**
 * New activity on cases, in one statement: `updated_at` becomes now on every case of `touched`, and those of
 * `reopened` (a subset) go back to `open`, their resolved and closed times cleared.
 */
export async function touchAndReopenCases(
  db: SqlClient,
  touched: readonly string[],
  reopened: readonly string[],
): Promise<void> {
  await db.sql(
    `UPDATE cases SET
       updated_at = now(),
       status = CASE WHEN id = ANY($2::uuid[]) THEN 'open' ELSE status END,
       resolved_at = CASE WHEN id = ANY($2::uuid[]) THEN NULL ELSE resolved_at END,
       closed_at = CASE WHEN id = ANY($2::uuid[]) THEN NULL ELSE closed_at END
     WHERE id = ANY($1::uuid[])`,
    [touched, reopened],
  );
}

/** How many cases of a category were created recently, and how many are still being worked. */
export interface CategoryCount {
  category: string;
  recent: number;
  open: number;
}

/** Per category among `categories` (merged cases left out): cases created since `since`, and cases not resolved. */
export function countCasesByCategory(
  db: SqlClient,
  categories: readonly string[],
  since: Date,
): Promise<CategoryCount[]> {
  return db.sql<CategoryCount>(
    `SELECT category,
           count(*) FILTER (WHERE created_at >= $2)::int AS recent,
           count(*) FILTER (WHERE status IN ('new', 'open', 'pending'))::int AS open
         FROM cases WHERE category = ANY($1::text[]) AND merged_into_id IS NULL GROUP BY category`,
    [categories, since.toISOString()],
  );
}

/** The filters and page of `GET /v1/cases`. */
export interface CaseListQuery {
  status?: string | undefined;
  category?: string | undefined;
  team?: string | undefined;
  assignee?: string | undefined;
  customerId?: string | undefined;
  /** Only cases numbered below this one: the cursor, the last number of the previous page. */
  beforeNumber?: number | undefined;
  take: number;
}

/** Cases newest first (by number, which is stable under concurrent inserts), filtered. */
export function listCases(prisma: PrismaClient, query: CaseListQuery) {
  return prisma.case.findMany({
    where: {
      ...(query.status && { status: query.status }),
      ...(query.category && { category: query.category }),
      ...(query.team && { team: query.team }),
      ...(query.assignee && { assignee: query.assignee }),
      ...(query.customerId && { customerId: query.customerId }),
      ...(query.beforeNumber !== undefined && { number: { lt: query.beforeNumber } }),
    },
    orderBy: { number: "desc" },
    take: query.take,
  });
}

/**
 * A case with its messages (oldest first, each with its sender's identity) and its event trail, for
 * `GET /v1/cases/:id`; null when there is none.
 */
export function findCaseWithTrail(prisma: PrismaClient, key: CaseKey) {
  return prisma.case.findUnique({
    where: key,
    include: {
      messages: { orderBy: { sentAt: "asc" }, include: { identity: { select: { kind: true, value: true } } } },
      events: { orderBy: { id: "asc" } },
    },
  });
}

/** A case's id and channel, for answering it; null when there is none. */
export function findCaseChannel(prisma: PrismaClient, key: CaseKey): Promise<{ id: string; channel: string } | null> {
  return prisma.case.findFirst({ where: key, select: { id: true, channel: true } });
}
