import type { CaseStatus } from "../cases/case-status";
import type { RoutingConfig } from "../config/config.schema";
import {
  caseViewAtOpening,
  compileRules,
  evaluateRules,
  type CaseOpening,
  type CompiledRules,
  type FiredRule,
  type PlannedAction,
  type RuleContext,
} from "./rules";
import type { AssignStrategy } from "./rules/rules.schema";

export type { RoutingConfig } from "../config/config.schema";

/**
 * A case about to be opened, as routing sees it: what its first message and its customer say (the fields rules
 * test), which customer, which closed case it follows up, and when it opens. The pipeline fills it before the case
 * is written.
 */
export type RoutableCase = CaseOpening & {
  customerId: string;
  /** The closed case this one follows up, when a reply to it opened this one. */
  followUpOf: string | null;
  /** The first message's time: when the case opens. */
  openedAt: Date;
};

/** Where a case goes, and why: written on the case row and on its `routed` and `rule_fired` events. */
export interface RouteDecision {
  team: string;
  /** The agent a rule assigned the case to; null otherwise. */
  assignee: string | null;
  /** An assignment strategy a rule asked for, when no later rule named an agent: the assign stage picks the agent. */
  strategy: AssignStrategy | null;
  /** How the assign stage picked the agent (or why it could not), for the `routed` event. */
  assignmentNote?: string;
  /** For the case's trail: which rule (or default) chose the team. */
  reason: string;
  /** The rule that chose the team; null when no rule did and the default team took the case. */
  ruleId: string | null;
  /** What rules set on the case besides the team (null: left as the pipeline computed it). */
  priority: number | null;
  category: string | null;
  status: CaseStatus;
  tags: string[];
  /** The rules that fired on `case.created`, in file order, with what they saw and planned. */
  fired: FiredRule[];
}

/** Rules are compiled once per configuration: the config's rule list is the key. */
const compiled = new WeakMap<RoutingConfig["rules"], CompiledRules>();
export function compiledRules(routing: RoutingConfig): CompiledRules {
  let rules = compiled.get(routing.rules);
  if (!rules) {
    rules = compileRules(routing.rules);
    compiled.set(routing.rules, rules);
  }
  return rules;
}

/**
 * Decides a new case's team, assignee, priority, category, status and tags: the `case.created` rules in file order
 * (core/routing/README.md, "Rules"), then `routing.defaultTeam` for a case no rule gave a team. Pure: everything it
 * needs is in its arguments, so a dry run against past traffic can call it on stored cases.
 */
export function route(newCase: RoutableCase, routing: RoutingConfig, context: RuleContext): RouteDecision {
  const unchanged = { strategy: null, priority: null, category: null, status: "new" as const, tags: [], fired: [] };
  const defaultTeam = { team: routing.defaultTeam, reason: "default team (routing.defaultTeam)", ruleId: null };
  const rules = compiledRules(routing);
  if (rules.created.length === 0) return { ...defaultTeam, assignee: null, ...unchanged };
  const { customerId: _customer, followUpOf: _followUp, openedAt, ...opening } = newCase;
  const view = caseViewAtOpening(opening, openedAt);
  const outcome = evaluateRules(rules, { type: "case.created" }, view, context);
  const after = outcome.caseAfter;
  const teamBy = lastAction(outcome.actions, "setTeam");
  return {
    ...(teamBy && after.team
      ? { team: after.team, reason: `rule ${teamBy.ruleId}`, ruleId: teamBy.ruleId }
      : defaultTeam),
    assignee: after.assignee,
    strategy: requestedStrategy(outcome.actions),
    priority: after.priority !== view.priority ? after.priority : null,
    category: after.category !== view.category ? after.category : null,
    status: after.status,
    tags: [...after.tags],
    fired: outcome.fired,
  };
}

/** The strategy of the last `assign` action, when it asked for one rather than naming an agent. */
function requestedStrategy(actions: readonly PlannedAction[]): AssignStrategy | null {
  const last = lastAction(actions, "assign");
  return last?.type === "assign" && "strategy" in last ? last.strategy : null;
}

function lastAction(actions: readonly PlannedAction[], type: PlannedAction["type"]): PlannedAction | undefined {
  return actions.filter((action) => action.type === type).at(-1);
}
