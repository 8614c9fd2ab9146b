import { compileAction, type ChangeFlag, type CompiledAction, type PlannedAction, type WorkingCase } from "./actions";
import type { CaseView, RuleContext } from "./case-view";
import { compileCondition, type ConditionNode, type TestEnv } from "./conditions";
import { keywordScanner, scannedWords, type TextField } from "./keywords";
import { CASE_FIELDS, type CaseField, type Rule, type TimerAfter } from "./rules.schema";
import { Seen, type ConditionValue, type FailedCondition } from "./seen";

/**
 * What happened to a case. `causedBy` names the rules whose changes led to this trigger (the caller passes on
 * {@link RulesOutcome.next}); they are skipped with the reason `loop-guard`, so a rule's change never runs it again.
 */
export type RuleTrigger = { causedBy?: readonly string[] } & (
  | { type: "case.created" }
  | { type: "message.added"; from: "customer" | "agent" }
  | { type: "case.changed"; fields: readonly CaseField[] }
  /** A timer rule's own timer ran out; the scheduler that computed its due time names the rule. */
  | { type: "timer"; ruleId: string }
);

/** A rule, compiled once: its condition into closures, its regexes built, its actions ready to apply. */
export interface CompiledRule {
  id: string;
  /** Position in `routing.rules`, for paths in explanations. */
  index: number;
  rule: Rule;
  condition: ConditionNode;
  actions: readonly CompiledAction[];
  /** What the rule always plans, when none of its actions depends on the case (a relative priority); else null. */
  planned: readonly PlannedAction[] | null;
  /** The timer of a rule that listens to `timer`, for the scheduler; null otherwise. */
  timer: TimerAfter | null;
}

/** Rules compiled and sorted by trigger, each list in file order. */
export interface CompiledRules {
  all: readonly CompiledRule[];
  created: readonly CompiledRule[];
  fromCustomer: readonly CompiledRule[];
  fromAgent: readonly CompiledRule[];
  /** `fields` null: any field. */
  changed: readonly { rule: CompiledRule; fields: readonly CaseField[] | null }[];
  timers: ReadonlyMap<string, CompiledRule>;
  /** One scan per text for every word of the rules' `contains` lists on it (keywords.ts); null when none. */
  scanners: Readonly<Record<TextField, ((text: string) => string) | null>>;
}

/** A rule whose condition held: the values it saw (in written order) and the actions it planned. */
export interface FiredRule {
  ruleId: string;
  seen: ConditionValue[];
  /** Frozen when the rule's actions never depend on the case: shared between evaluations. */
  actions: readonly PlannedAction[];
}

/** A rule that listened to the trigger but did not fire, and why. Rules that listen to other triggers are not listed. */
export type SkippedRule =
  | { ruleId: string; reason: "condition"; failed: FailedCondition }
  | { ruleId: string; reason: "loop-guard" }
  /** An earlier rule with `stop: true` fired. */
  | { ruleId: string; reason: "stopped"; by: string };

export interface RulesOutcome {
  fired: FiredRule[];
  skipped: SkippedRule[];
  /** Every planned action, in the order the rules fired. */
  actions: PlannedAction[];
  /** The case after the actions (a requested assignment strategy leaves `assignee` as it was). */
  caseAfter: CaseView;
  /**
   * The `case.changed` trigger the caller evaluates once it has applied the actions, or null when no field
   * changed. `causedBy` adds the rules that changed something to the trigger's own, so a chain of changes ends:
   * each step guards at least one more rule.
   */
  next: { type: "case.changed"; fields: CaseField[]; causedBy: string[] } | null;
}

/**
 * Compiles validated rules (`routing.rules` as `ruleSchema` parsed them) once; evaluate as often as needed.
 *
 * @throws Error on a duplicate rule id (the config check reports those before start-up).
 */
export function compileRules(rules: readonly Rule[]): CompiledRules {
  const all = rules.map(compileRule);
  const timers = new Map<string, CompiledRule>();
  const ids = new Set<string>();
  for (const rule of all) {
    if (ids.has(rule.id)) throw new Error(`duplicate rule id "${rule.id}"`);
    ids.add(rule.id);
    if (rule.timer !== null) timers.set(rule.id, rule);
  }
  const from = (author: "customer" | "agent") =>
    all.filter(({ rule: { on } }) => {
      if (on["message.added"] === undefined) return false;
      const wanted = on["message.added"]?.from ?? "any";
      return wanted === "any" || wanted === author;
    });
  return {
    all,
    created: all.filter(({ rule }) => rule.on["case.created"] !== undefined),
    fromCustomer: from("customer"),
    fromAgent: from("agent"),
    changed: all.flatMap((rule) => {
      const changed = rule.rule.on["case.changed"];
      return changed === undefined ? [] : [{ rule, fields: changed?.fields ?? null }];
    }),
    timers,
    scanners: { text: scannerFor(rules, "text"), subject: scannerFor(rules, "subject") },
  };
}

function scannerFor(rules: readonly Rule[], field: TextField): ((text: string) => string) | null {
  const words = scannedWords(rules, field);
  return words.length === 0 ? null : keywordScanner(words);
}

function compileRule(rule: Rule, index: number): CompiledRule {
  const actions = rule.then.map((action) => compileAction(action, rule.id));
  const fixed = actions.flatMap(({ fixed }) => (fixed === null ? [] : [fixed]));
  return {
    id: rule.id,
    index,
    rule,
    condition: compileCondition(rule.if),
    actions,
    planned: fixed.length === actions.length ? Object.freeze(fixed) : null,
    timer: rule.on.timer?.after ?? null,
  };
}

/**
 * Runs the rules that listen to `trigger`, in file order, against a copy of the case: each rule that fires applies
 * its actions to the copy, so later rules see earlier changes (Zendesk's semantics, in written order). A fired rule
 * with `stop: true` ends the evaluation. Pure: no I/O, no clock (the time is `context.now`).
 */
export function evaluateRules(
  rules: CompiledRules,
  trigger: RuleTrigger,
  view: CaseView,
  context: RuleContext,
): RulesOutcome {
  const work: WorkingCase = { ...view, tags: [...view.tags] };
  const env: TestEnv = {
    now: context.now.getTime(),
    calendars: context.calendars,
    open: new Map(),
    keywords: keywordsOnce(rules),
  };
  const guarded = trigger.causedBy ?? [];
  const outcome: RulesOutcome = { fired: [], skipped: [], actions: [], caseAfter: work, next: null };
  const changers: string[] = [];
  const seen = new Seen();
  const flag: ChangeFlag = { changed: false, assignment: false };
  let stoppedBy: string | null = null;

  const listening = candidates(rules, trigger);
  for (let index = 0; index < listening.length; index++) {
    const rule = listening[index] as CompiledRule;
    if (stoppedBy !== null) {
      outcome.skipped.push({ ruleId: rule.id, reason: "stopped", by: stoppedBy });
      continue;
    }
    if (guarded.length > 0 && guarded.includes(rule.id)) {
      outcome.skipped.push({ ruleId: rule.id, reason: "loop-guard" });
      continue;
    }
    const failed = rule.condition.run(work, env, null);
    if (failed !== null) {
      outcome.skipped.push({ ruleId: rule.id, reason: "condition", failed });
      continue;
    }
    flag.changed = false;
    const fired = fire(rule, work, env, seen, flag);
    if (flag.changed) changers.push(rule.id);
    outcome.fired.push(fired);
    for (let action = 0; action < fired.actions.length; action++) {
      outcome.actions.push(fired.actions[action] as PlannedAction);
    }
    if (rule.rule.stop) stoppedBy = rule.id;
  }
  outcome.next = nextTrigger(view, work, flag.assignment, [...guarded, ...changers]);
  return outcome;
}

/**
 * A rule whose condition held: runs it again to record what its tests saw (cheaper than recording for every rule
 * that does not fire), then applies its actions to the working case.
 */
function fire(rule: CompiledRule, work: WorkingCase, env: TestEnv, seen: Seen, flag: ChangeFlag): FiredRule {
  rule.condition.run(work, env, seen);
  const values = seen.values();
  seen.reset();
  let planned = rule.planned;
  if (planned === null) planned = rule.actions.map(({ apply }) => apply(work, flag));
  else for (const { apply } of rule.actions) apply(work, flag);
  return { ruleId: rule.id, seen: values, actions: planned };
}

/**
 * The `case.changed` trigger that follows, or null when nothing changed. A rule fires at most once per evaluation
 * and never when guarded, so `causedBy` (the trigger's own and the rules that changed something) has no duplicates.
 */
function nextTrigger(view: CaseView, work: CaseView, assignment: boolean, causedBy: string[]): RulesOutcome["next"] {
  const fields = changedFields(fieldsOf(view), work);
  if (assignment && !fields.includes("assignee")) fields.push("assignee");
  if (fields.length === 0) return null;
  return { type: "case.changed", fields: CASE_FIELDS.filter((field) => fields.includes(field)), causedBy };
}

/** The scans' results for one evaluation: each text is scanned once, when a rule first asks. */
function keywordsOnce(rules: CompiledRules): TestEnv["keywords"] {
  let text: string | undefined;
  let subject: string | undefined;
  return (field, value) => {
    const scanner = rules.scanners[field];
    if (scanner === null) return value;
    if (field === "text") return (text ??= scanner(value));
    return (subject ??= scanner(value));
  };
}

function candidates(rules: CompiledRules, trigger: RuleTrigger): readonly CompiledRule[] {
  switch (trigger.type) {
    case "case.created":
      return rules.created;
    case "message.added":
      return trigger.from === "customer" ? rules.fromCustomer : rules.fromAgent;
    case "case.changed":
      return rules.changed.flatMap(({ rule, fields }) =>
        fields === null || fields.some((field) => trigger.fields.includes(field)) ? [rule] : [],
      );
    case "timer": {
      const rule = rules.timers.get(trigger.ruleId);
      return rule === undefined ? [] : [rule];
    }
  }
}

type Fields = Pick<CaseView, CaseField>;

function fieldsOf(view: CaseView): Fields {
  const { status, team, assignee, priority, category, tags } = view;
  return { status, team, assignee, priority, category, tags };
}

function changedFields(before: Fields, after: CaseView): CaseField[] {
  return CASE_FIELDS.filter((field) =>
    field === "tags" ? !sameTags(before.tags, after.tags) : before[field] !== after[field],
  );
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag) => b.includes(tag));
}
