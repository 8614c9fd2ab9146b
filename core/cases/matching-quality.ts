import type { SqlClient } from "../kernel/db/database";

/** How one rule that puts messages on existing cases fared with the agents. */
export interface RuleQuality {
  rule: string;
  /** Messages the rule put on an existing case. */
  joins: number;
  /** Of those, messages an agent split off again: joins that were wrong. */
  splitOff: number;
  /** 1 − splitOff / joins, the precision agents observed; null without joins. */
  observedPrecision: number | null;
}

export interface MatchingQuality {
  since: string;
  rules: RuleQuality[];
  /** Cases an agent merged into another: complaints the rules failed to put together. */
  agentMerges: number;
}

/**
 * The matching as agents judged it in production: every join is an event naming its rule, every split an agent
 * makes names the rule it undid, and every merge an agent makes is a join the rules missed. The evaluation on the
 * corpora says how the rules should do; this says how they do on the hub's own traffic.
 */
export async function matchingQuality(db: SqlClient, since: Date): Promise<MatchingQuality> {
  const joins = await db.sql<{ rule: string; count: number }>(
    `SELECT data->>'rule' AS rule, count(*)::int AS count FROM case_events
     WHERE type = 'message_added' AND data ? 'rule' AND created_at >= $1 GROUP BY 1`,
    [since.toISOString()],
  );
  const splits = await db.sql<{ rule: string; count: number }>(
    `SELECT coalesce(data->>'joinedBy', 'unknown') AS rule, count(*)::int AS count FROM case_events
     WHERE type = 'message_split' AND created_at >= $1 GROUP BY 1`,
    [since.toISOString()],
  );
  const [merges] = await db.sql<{ count: number }>(
    `SELECT count(*)::int AS count FROM case_events
     WHERE type = 'case_merged' AND actor LIKE 'apikey:%' AND data->>'into' = case_id::text AND created_at >= $1`,
    [since.toISOString()],
  );
  const splitBy = new Map(splits.map((row) => [row.rule, row.count]));
  const rules = [...new Set([...joins.map((row) => row.rule), ...splitBy.keys()])].sort().map((rule) => {
    const joined = joins.find((row) => row.rule === rule)?.count ?? 0;
    const splitOff = splitBy.get(rule) ?? 0;
    return { rule, joins: joined, splitOff, observedPrecision: joined > 0 ? 1 - splitOff / joined : null };
  });
  return { since: since.toISOString(), rules, agentMerges: merges?.count ?? 0 };
}
