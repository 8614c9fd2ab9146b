/**
 * The rule engine: `routing.rules` compiled once, evaluated purely against a case view. See core/routing/README.md
 * ("Rules") for the language, the evaluation order and what is not wired yet.
 */
export { ACTION_CHANGES, type PlannedAction } from "./actions";
export {
  caseViewAtOpening,
  timerStart,
  type BusinessCalendars,
  type CaseOpening,
  type CaseView,
  type CustomerView,
  type RuleContext,
} from "./case-view";
export type { ConditionValue, FailedCondition } from "./seen";
export {
  compileRules,
  evaluateRules,
  type CompiledRule,
  type CompiledRules,
  type FiredRule,
  type RuleTrigger,
  type RulesOutcome,
  type SkippedRule,
} from "./evaluate";
export { checkRules } from "./rules.checks";
export { ruleSchema, rulesSchema, type Rule } from "./rules.schema";
