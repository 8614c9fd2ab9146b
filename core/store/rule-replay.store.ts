import type { SqlClient } from "../kernel/db/database";

// What the rules' dry run (`plaint rules test`) reads: stored cases with their first inbound message and their
// customer's attributes, page by page. Reads `cases` mainly (with `messages`, `intake_items` and `customers`); a
// module of its own because it is one wide read for one command, not a question about a case.

/** A stored case as it was created: the row, its first inbound message and its customer's attributes. */
export interface ReplayCaseRow {
  id: string;
  number: number;
  channel: string;
  subject: string | null;
  category: string | null;
  severity: string | null;
  priority: number | null;
  team: string | null;
  assignee: string | null;
  status: string;
  createdAt: Date;
  /** The first inbound message's text; null when the case has none (a case an agent split off an outbound one). */
  text: string | null;
  /** The first inbound message's classification (kind, sentiment, language…), as stored. */
  classification: Record<string, unknown> | null;
  /** The connector the first inbound message came through (its intake item's); null without one. */
  connector: string | null;
  /** The customer's `attributes` (tier, segment, dealSize, …). */
  attributes: Record<string, unknown>;
}

type StoredRow = Omit<ReplayCaseRow, "createdAt"> & { createdAt: Date | string };

/** A case with its first inbound message and its customer's attributes; callers add the WHERE. */
const selectReplayCases = `
  SELECT c.id::text AS id, c.number, c.channel, c.subject, c.category, c.severity, c.priority, c.team,
    c.assignee, c.status, c.created_at AS "createdAt", m.text, m.classification, m.connector,
    COALESCE(cu.attributes, '{}'::jsonb) AS attributes
  FROM cases c
  JOIN customers cu ON cu.id = c.customer_id
  LEFT JOIN LATERAL (
    SELECT mm.text, mm.classification, i.connector_id AS connector
    FROM messages mm LEFT JOIN intake_items i ON i.id = mm.intake_item_id
    WHERE mm.case_id = c.id AND mm.direction = 'in'
    ORDER BY mm.sent_at, mm.created_at, mm.id
    LIMIT 1
  ) m ON true`;

/** One case as {@link findReplayCasesPage} reads it (for `GET /v1/cases/:id/explain`); null when there is none. */
export async function findReplayCase(db: SqlClient, caseId: string): Promise<ReplayCaseRow | null> {
  const [row] = await db.sql<StoredRow>(`${selectReplayCases} WHERE c.id = $1::uuid`, [caseId]);
  return row ? { ...row, createdAt: new Date(row.createdAt) } : null;
}

/** Where the previous page ended: its last case's creation time and id. */
export interface ReplayCursor {
  createdAt: Date;
  id: string;
}

/** Cases per page of {@link findReplayCasesPage}. */
export const REPLAY_PAGE_SIZE = 1000;

/**
 * One page of the cases created at or after `since`, ordered by (created_at, id), after `cursor` when given (keyset
 * paging: a page costs the same wherever it is). One statement per page.
 */
export async function findReplayCasesPage(
  db: SqlClient,
  since: Date,
  cursor: ReplayCursor | null,
  limit = REPLAY_PAGE_SIZE,
): Promise<ReplayCaseRow[]> {
  const rows = await db.sql<StoredRow>(
    `${selectReplayCases}
     WHERE c.created_at >= $1::timestamptz
       AND ($2::timestamptz IS NULL OR (c.created_at, c.id) > ($2::timestamptz, $3::uuid))
     ORDER BY c.created_at, c.id
     LIMIT $4::int`,
    [since.toISOString(), cursor?.createdAt.toISOString() ?? null, cursor?.id ?? null, limit],
  );
  return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
}
