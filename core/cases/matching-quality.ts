import type { SqlClient } from "../kernel/db/database";
import { countAgentCaseMerges, countJoinsByRule, countSplitsByRule } from "../store/events.store";

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
  const joins = await countJoinsByRule(db, since);
  const splits = await countSplitsByRule(db, since);
  const agentMerges = await countAgentCaseMerges(db, since);
  const splitBy = new Map(splits.map((row) => [row.rule, row.count]));
  const rules = [...new Set([...joins.map((row) => row.rule), ...splitBy.keys()])].sort().map((rule) => {
    const joined = joins.find((row) => row.rule === rule)?.count ?? 0;
    const splitOff = splitBy.get(rule) ?? 0;
    return { rule, joins: joined, splitOff, observedPrecision: joined > 0 ? 1 - splitOff / joined : null };
  });
  return { since: since.toISOString(), rules, agentMerges };
}
