import type { SqlClient } from "../kernel/db/database";
import { insertRows, type BulkTable } from "./bulk-insert";

/** One entry of a case's trail (`case_events`). */
export interface NewCaseEvent {
  caseId: string;
  /** "system", "apikey:<name>", "connector:<id>". */
  actor: string;
  type: string;
  reason: string;
  data: Record<string, unknown>;
}

/** Appends one event to a case's trail. */
export async function appendEvent(db: SqlClient, event: NewCaseEvent): Promise<void> {
  await db.sql(
    `INSERT INTO case_events (case_id, actor, type, reason, data) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)`,
    [event.caseId, event.actor, event.type, event.reason, JSON.stringify(event.data)],
  );
}

/** An event the worker appends in bulk, one field per column as the bulk insert sends them (`data` as JSON text). */
export interface EventRow {
  case_id: string;
  actor: string;
  type: string;
  reason: string;
  data: string;
}

const eventTable: BulkTable<EventRow> = {
  name: "case_events",
  columns: { case_id: "uuid", actor: "text", type: "text", reason: "text", data: "jsonb" },
};

/** Appends events to cases' trails in one statement (none when `rows` is empty); ids follow the order of `rows`. */
export function appendEventRows(db: SqlClient, rows: readonly EventRow[]): Promise<void> {
  return insertRows(db, eventTable, rows);
}

/**
 * One event on every case of the given customers, in one statement, oldest case first. `data` gains `caseMoved`:
 * whether the case is one of `movedCaseIds` (the cases a merge or split moved).
 */
export async function appendEventOnCustomersCases(
  db: SqlClient,
  customerIds: readonly string[],
  event: Omit<NewCaseEvent, "caseId"> & { movedCaseIds: readonly string[] },
): Promise<void> {
  await db.sql(
    `INSERT INTO case_events (case_id, actor, type, reason, data)
     SELECT id, $2, $3, $4, $5::jsonb || jsonb_build_object('caseMoved', id = ANY($6::uuid[]))
     FROM cases WHERE customer_id = ANY($1::uuid[])
     ORDER BY created_at, id`,
    [customerIds, event.actor, event.type, event.reason, JSON.stringify(event.data), event.movedCaseIds],
  );
}

/** Why a message was put on its case: the latest `message_added` event naming it, with the rule that joined it. */
export async function findJoinEvent(
  db: SqlClient,
  messageId: string,
): Promise<{ reason: string | null; rule: string | null } | null> {
  const [joined] = await db.sql<{ reason: string | null; rule: string | null }>(
    `SELECT reason, data->>'rule' AS rule FROM case_events
     WHERE type = 'message_added' AND data->>'messageId' = $1
     ORDER BY id DESC LIMIT 1`,
    [messageId],
  );
  return joined ?? null;
}

/** A count per matching rule. */
export interface RuleCount {
  rule: string;
  count: number;
}

/** Messages each rule put on an existing case since `since` (`message_added` events naming a rule). */
export function countJoinsByRule(db: SqlClient, since: Date): Promise<RuleCount[]> {
  return db.sql<RuleCount>(
    `SELECT data->>'rule' AS rule, count(*)::int AS count FROM case_events
     WHERE type = 'message_added' AND data ? 'rule' AND created_at >= $1 GROUP BY 1`,
    [since.toISOString()],
  );
}

/** Messages agents split off since `since`, per rule that had joined them ("unknown" when none was recorded). */
export function countSplitsByRule(db: SqlClient, since: Date): Promise<RuleCount[]> {
  return db.sql<RuleCount>(
    `SELECT coalesce(data->>'joinedBy', 'unknown') AS rule, count(*)::int AS count FROM case_events
     WHERE type = 'message_split' AND created_at >= $1 GROUP BY 1`,
    [since.toISOString()],
  );
}

/**
 * Cases agents (API keys) merged into another since `since`, counted once each: on the target's trail, where
 * `data.into` is the case itself.
 */
export async function countAgentCaseMerges(db: SqlClient, since: Date): Promise<number> {
  const [merges] = await db.sql<{ count: number }>(
    `SELECT count(*)::int AS count FROM case_events
     WHERE type = 'case_merged' AND actor LIKE 'apikey:%' AND data->>'into' = case_id::text AND created_at >= $1`,
    [since.toISOString()],
  );
  return merges?.count ?? 0;
}

/** An event of a case's trail as the API shows it. */
export interface TrailEvent {
  id: string;
  actor: string;
  type: string;
  reason: string | null;
  data: unknown;
  createdAt: Date;
}

/** The case's events of the given types, oldest first. */
export async function findCaseEventsOfTypes(
  db: SqlClient,
  caseId: string,
  types: readonly string[],
): Promise<TrailEvent[]> {
  const rows = await db.sql<Omit<TrailEvent, "createdAt"> & { createdAt: Date | string }>(
    `SELECT id::text AS id, actor, type, reason, data, created_at AS "createdAt"
     FROM case_events WHERE case_id = $1::uuid AND type = ANY($2::text[]) ORDER BY id`,
    [caseId, types],
  );
  return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
}
