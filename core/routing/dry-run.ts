import { MESSAGE_KINDS, SEVERITIES } from "../../normalizers/analysis/signals/signals.types";
import {
  ACTION_CHANGES,
  compileRules,
  evaluateRules,
  type BusinessCalendars,
  caseViewAtOpening,
  type CaseOpening,
  type CaseView,
  type CompiledRules,
  type FiredRule,
  type RuleTrigger,
  type RulesOutcome,
} from "./rules/index";
import { SENTIMENTS } from "./rules/rules.schema";
import type { ReplayCaseRow } from "../store/rule-replay.store";
import { customerFacts } from "../customers/customer-facts";

/**
 * The dry run behind `plaint rules test`: stored cases replayed, as they were created, under a set of rules, and
 * compared with what happened. Pure: the caller reads the rows (core/store/rule-replay.store.ts) and prints.
 */

/** A stored case as it was created: row, first inbound message, customer attributes (read by the store). */
export type StoredCaseRow = ReplayCaseRow;

/** The fields whose changes the dry run reports. */
export const REPLAYED_FIELDS = ["team", "assignee", "priority", "category"] as const;
export type ReplayedField = (typeof REPLAYED_FIELDS)[number];
export type ReplayedValues = Partial<Record<ReplayedField, string | number | null>>;

/** A case the rules would have treated differently: only the fields that differ, and the rules that set them. */
export interface CaseChange {
  /** `C-<number>`. */
  case: string;
  before: ReplayedValues;
  after: ReplayedValues;
  /** The rules whose actions set the changed fields, in firing order. */
  rules: string[];
}

export interface ReplaySummary {
  cases: number;
  changed: number;
  /** Per rule that fired, how many times (every rule that fired at least once, in file order). */
  fired: Record<string, number>;
  /** Replayed rules whose conditions never held. */
  neverFired: string[];
  /** Rules that never fired although their conditions held: an earlier `stop` rule always ended the evaluation. */
  preempted: { rule: string; by: string[] }[];
  /** Rules listening to neither `case.created` nor `case.changed`: the dry run cannot replay them yet. */
  notReplayed: string[];
}

/**
 * The case a `case.created` evaluation sees: the stored row as it stood at creation (status `new`, no team, no
 * assignee, no tags, every time the creation time but the agent's reply, which had not happened) with its first
 * inbound message. Priority and category are the stored ones (computed at intake, before routing).
 */
export function caseViewAtCreation(row: StoredCaseRow): CaseView {
  const classification = row.classification ?? {};
  const facts = customerFacts(row.attributes);
  const opening: CaseOpening = {
    id: row.id,
    channel: row.channel,
    connector: row.connector,
    subject: row.subject,
    text: row.text ?? "",
    category: row.category,
    kind: oneOf(MESSAGE_KINDS, classification["kind"]),
    severity: oneOf(SEVERITIES, row.severity),
    sentiment: oneOf(SENTIMENTS, classification["sentiment"]),
    language: typeof classification["language"] === "string" ? classification["language"] : null,
    priority: row.priority,
    customer: { tier: facts.tier ?? null, segment: facts.segment ?? null, dealSize: facts.dealSize ?? null },
  };
  return caseViewAtOpening(opening, row.createdAt);
}

function oneOf<T extends string>(values: readonly T[], value: unknown): T | null {
  return typeof value === "string" && (values as readonly string[]).includes(value) ? (value as T) : null;
}

/** A running dry run: feed it cases one at a time (page by page), then read the summary. */
export interface RuleReplay {
  /** Replays one case; returns its change, or null when the rules would have left it as it is. */
  add(row: StoredCaseRow): CaseChange | null;
  summary(): ReplaySummary;
}

/**
 * Starts a dry run of `rules`. Each case runs `case.created` at its creation time, then the `case.changed` triggers
 * that follow (with the loop guard), as the pipeline would; the calendars answer `businessHours:` tests.
 */
export function startRuleReplay(rules: CompiledRules, context: { calendars: BusinessCalendars }): RuleReplay {
  const fired = new Map<string, number>();
  const preemptedBy = new Map<string, Set<string>>();
  let shadow: CompiledRules | null = null;
  let cases = 0;
  let changed = 0;

  /** The same rules without `stop`: which stopped rules would have matched. Compiled on first need. */
  const stoppedButMatching = (trigger: RuleTrigger, view: CaseView, outcome: RulesOutcome, now: Date) => {
    const stopped = outcome.skipped.flatMap((skip) => (skip.reason === "stopped" ? [skip] : []));
    if (stopped.length === 0) return;
    shadow ??= compileRules(rules.all.map(({ rule }) => ({ ...rule, stop: false })));
    const matched = new Set(
      evaluateRules(shadow, trigger, view, { now, calendars: context.calendars }).fired.map((f) => f.ruleId),
    );
    for (const skip of stopped) {
      if (!matched.has(skip.ruleId)) continue;
      const by = preemptedBy.get(skip.ruleId) ?? new Set<string>();
      by.add(skip.by);
      preemptedBy.set(skip.ruleId, by);
    }
  };

  return {
    add(row) {
      cases++;
      const start = caseViewAtCreation(row);
      const ruleContext = { now: row.createdAt, calendars: context.calendars };
      const all: FiredRule[] = [];
      let view = start;
      let trigger: RuleTrigger | null = { type: "case.created" };
      // Each step guards one more rule, so the chain ends within a pass per rule; the bound is a safety net.
      for (let step = 0; trigger !== null && step <= rules.all.length; step++) {
        const outcome = evaluateRules(rules, trigger, view, ruleContext);
        stoppedButMatching(trigger, view, outcome, row.createdAt);
        for (const rule of outcome.fired) {
          all.push(rule);
          fired.set(rule.ruleId, (fired.get(rule.ruleId) ?? 0) + 1);
        }
        view = outcome.caseAfter;
        trigger = outcome.next;
      }
      const change = changeOf(row, view, all);
      if (change !== null) changed++;
      return change;
    },
    summary() {
      const replayed = rules.all.filter(
        ({ rule: { on } }) => on["case.created"] !== undefined || on["case.changed"] !== undefined,
      );
      const replayedIds = new Set(replayed.map(({ id }) => id));
      return {
        cases,
        changed,
        fired: Object.fromEntries(
          rules.all.flatMap(({ id }) => (fired.has(id) ? [[id, fired.get(id) as number]] : [])),
        ),
        neverFired: replayed.filter(({ id }) => !fired.has(id) && !preemptedBy.has(id)).map(({ id }) => id),
        preempted: replayed
          .filter(({ id }) => !fired.has(id) && preemptedBy.has(id))
          .map(({ id }) => ({ rule: id, by: [...(preemptedBy.get(id) as Set<string>)] })),
        notReplayed: rules.all.filter(({ id }) => !replayedIds.has(id)).map(({ id }) => id),
      };
    },
  };
}

/** Replays `rows` in one go: the changes in order and the summary (tests, small sets; the command streams). */
export function replayRules(
  rules: CompiledRules,
  rows: Iterable<StoredCaseRow>,
  context: { calendars: BusinessCalendars },
): { changes: CaseChange[]; summary: ReplaySummary } {
  const replay = startRuleReplay(rules, context);
  const changes: CaseChange[] = [];
  for (const row of rows) {
    const change = replay.add(row);
    if (change !== null) changes.push(change);
  }
  return { changes, summary: replay.summary() };
}

/**
 * The fields the fired rules set and that differ from the stored row. A field no rule set stays as stored (the
 * default team, an agent's later assignment): only the rules' own decisions are compared. An assignment by strategy
 * shows as `strategy:<name>`, since the agent would be picked when it is applied.
 */
function changeOf(row: StoredCaseRow, after: CaseView, fired: readonly FiredRule[]): CaseChange | null {
  const setBy = new Map<ReplayedField, string[]>();
  const strategy: { value: string | null } = { value: null };
  for (const rule of fired) {
    for (const action of rule.actions) {
      const field = ACTION_CHANGES[action.type];
      if (field === null || !(REPLAYED_FIELDS as readonly string[]).includes(field)) continue;
      const by = setBy.get(field as ReplayedField) ?? [];
      if (!by.includes(rule.ruleId)) by.push(rule.ruleId);
      setBy.set(field as ReplayedField, by);
      if (action.type === "assign") strategy.value = "strategy" in action ? `strategy:${action.strategy}` : null;
    }
  }
  const before: ReplayedValues = {};
  const next: ReplayedValues = {};
  const rules = new Set<string>();
  for (const field of REPLAYED_FIELDS) {
    if (!setBy.has(field)) continue;
    const value = field === "assignee" && strategy.value !== null ? strategy.value : after[field];
    if (value === row[field]) continue;
    before[field] = row[field];
    next[field] = value;
    for (const id of setBy.get(field) as string[]) rules.add(id);
  }
  if (rules.size === 0) return null;
  const order = fired
    .map(({ ruleId }) => ruleId)
    .filter((id, index, ids) => rules.has(id) && ids.indexOf(id) === index);
  return { case: `C-${row.number}`, before, after: next, rules: order };
}
