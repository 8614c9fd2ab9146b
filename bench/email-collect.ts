/**
 * The email bench's exact figures, read from the database once a mode's run is over: the timeline, the rates, the
 * mails recorded and processed by second, and the integrity checks (every mail one message, on the right case).
 */
import { BenchFailure, log } from "./bench-run";
import { folderCounts } from "./email-dovecot";
import type { BenchMail } from "./email-mails";
import type { EmailModeResult, Timeline } from "./email-report";
import { round } from "./load";

/** The connector id of the bench's config (bench/bench-config.ts). */
export const CONNECTOR_ID = "bench-mail";

/** Parameterised SQL against PostgreSQL (a pg pool) or PGlite (opened after the embedded hub stopped). */
export type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Exact figures from the database, and the check that every mail became exactly one message on the right case. */
export async function collect(
  query: Query,
  mails: readonly BenchMail[],
  folder: string,
  { t0, readyMs }: { t0: number; readyMs: number },
): Promise<Pick<EmailModeResult, "timeline" | "rates" | "integrity" | "perSecond">> {
  const n = mails.length;
  const [items] = await query<{
    items: number;
    distinct_ids: number;
    first_received: number;
    last_received: number;
    last_processed: number;
  }>(
    `SELECT count(*)::int AS items, count(DISTINCT external_id)::int AS distinct_ids,
            (extract(epoch FROM min(received_at)) * 1000)::float8 AS first_received,
            (extract(epoch FROM max(received_at)) * 1000)::float8 AS last_received,
            (extract(epoch FROM max(processed_at)) * 1000)::float8 AS last_processed
       FROM intake_items WHERE connector_id = $1`,
    [CONNECTOR_ID],
  );
  const statuses = await query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM intake_items WHERE connector_id = $1 GROUP BY status`,
    [CONNECTOR_ID],
  );
  const [messages] = await query<{ n: number; distinct_ids: number; distinct_items: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct_ids,
            count(DISTINCT intake_item_id)::int AS distinct_items FROM messages`,
  );
  const [cases] = await query<{ n: number; first_ms: number }>(
    `SELECT count(*)::int AS n, (extract(epoch FROM min(created_at)) * 1000)::float8 AS first_ms FROM cases`,
  );
  const replies = mails.filter((mail) => mail.parent !== null);
  const rootOf = (mail: BenchMail) => mails[mail.root]?.messageId ?? "";
  const misplaced = await query<{ reply: string }>(
    `SELECT x.reply FROM unnest($1::text[], $2::text[]) AS x(reply, root)
       LEFT JOIN messages r ON r.channel = 'email' AND r.external_id = x.reply
       LEFT JOIN messages p ON p.channel = 'email' AND p.external_id = x.root
      WHERE r.case_id IS DISTINCT FROM p.case_id OR r.case_id IS NULL`,
    [replies.map((mail) => mail.messageId), replies.map(rootOf)],
  );
  // UIDs must follow the order of the set (replies after their parents), whichever way the folder was filled.
  const byUid = await query<{ id: string }>(
    `SELECT external_id AS id FROM intake_items WHERE connector_id = $1 ORDER BY (meta->>'uid')::int`,
    [CONNECTOR_ID],
  );
  const outOfOrder = byUid.filter((row, index) => row.id !== `<${mails[index]?.messageId ?? ""}>`).length;
  const perSecond = await query<{ second: number; intake: number; processed: number }>(
    `WITH t AS (SELECT floor((extract(epoch FROM received_at) * 1000 - $2) / 1000)::int AS r,
                       floor((extract(epoch FROM processed_at) * 1000 - $2) / 1000)::int AS p
                  FROM intake_items WHERE connector_id = $1)
     SELECT s AS second, (SELECT count(*) FROM t WHERE r = s)::int AS intake,
            (SELECT count(*) FROM t WHERE p = s)::int AS processed
       FROM generate_series(0, (SELECT max(greatest(r, p)) FROM t)) AS s`,
    [CONNECTOR_ID, t0],
  );
  const folderAfter = await folderCounts(folder);
  if (!items || !messages || !cases) throw new BenchFailure("the database answered no rows");

  const integrity = {
    mails: n,
    intakeItems: items.items,
    distinctIntakeIds: items.distinct_ids,
    byStatus: Object.fromEntries(statuses.map((row) => [row.status, row.n])),
    messages: messages.n,
    distinctMessageIds: messages.distinct_ids,
    messagesWithDistinctItems: messages.distinct_items,
    cases: cases.n,
    expectedCases: n - replies.length,
    replies: replies.length,
    repliesOnParentCase: replies.length - misplaced.length,
    misplacedReplies: misplaced.slice(0, 5).map((row) => row.reply),
    uidsOutOfOrder: outOfOrder,
    folderUnseenAfter: folderAfter.unseen,
    ok: false,
  };
  integrity.ok =
    integrity.intakeItems === n &&
    integrity.distinctIntakeIds === n &&
    integrity.byStatus["processed"] === n &&
    integrity.messages === n &&
    integrity.distinctMessageIds === n &&
    integrity.messagesWithDistinctItems === n &&
    integrity.repliesOnParentCase === replies.length &&
    integrity.cases === integrity.expectedCases &&
    integrity.uidsOutOfOrder === 0 &&
    integrity.folderUnseenAfter === 0;
  if (!integrity.ok) throw new BenchFailure(`integrity: ${JSON.stringify(integrity)}`);

  const timeline: Timeline = {
    hubReadyMs: readyMs,
    firstIntakeMs: Math.round(items.first_received - t0),
    firstCaseMs: Math.round(cases.first_ms - t0),
    lastIntakeMs: Math.round(items.last_received - t0),
    lastProcessedMs: Math.round(items.last_processed - t0),
  };
  const rates = {
    endToEnd: round(n / (timeline.lastProcessedMs / 1000), 1),
    imapToIntakeLog: round(n / ((timeline.lastIntakeMs - timeline.firstIntakeMs) / 1000), 1),
    firstIntakeToLastProcessed: round(n / ((timeline.lastProcessedMs - timeline.firstIntakeMs) / 1000), 1),
  };
  log(
    `end to end ${rates.endToEnd} msg/s (${n} in ${round(timeline.lastProcessedMs / 1000, 2)} s from hub start); ` +
      `first case after ${timeline.firstCaseMs} ms; IMAP → intake log ${rates.imapToIntakeLog}/s; ` +
      `integrity ok: ${n} items = messages, ${integrity.cases} cases, ${integrity.replies} replies on their parent's case`,
  );
  return { timeline, rates, integrity, perSecond };
}
