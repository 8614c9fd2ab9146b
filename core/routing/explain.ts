import { caseViewAtCreation, type StoredCaseRow } from "./dry-run";
import { evaluateRules, type BusinessCalendars, type CompiledRules, type FiredRule, type SkippedRule } from "./rules";

/** Which rules the configuration's `case.created` rules would fire on a stored case, and why the others would not. */
export interface CreationExplanation {
  trigger: "case.created";
  /** The case is evaluated as stored, at its opening time. */
  at: string;
  fired: FiredRule[];
  /** Each rule listening to `case.created` that would not fire: the first condition that failed, or the `stop`. */
  notFired: SkippedRule[];
}

/**
 * The rules of the running configuration evaluated on a stored case as it opened (`GET /v1/cases/:id/explain`).
 * Pure; the case's trail holds what the rules did when it opened (its `rule_fired` events), this says what the
 * rules as configured now make of it.
 */
export function explainCreation(
  rules: CompiledRules,
  row: StoredCaseRow,
  calendars: BusinessCalendars,
): CreationExplanation {
  const outcome = evaluateRules(rules, { type: "case.created" }, caseViewAtCreation(row), {
    now: row.createdAt,
    calendars,
  });
  return { trigger: "case.created", at: row.createdAt.toISOString(), fired: outcome.fired, notFired: outcome.skipped };
}
