import { closestMatch } from "../../kernel/config/did-you-mean";
import { formatPath, type PathProblem } from "../../kernel/config/problems";
import { childOf, valueAt } from "../../kernel/config/schema-walk";
import { DEFAULT_TAXONOMY } from "../../../normalizers/analysis/classify/default-taxonomy";
import { ACTION_CHANGES } from "./actions";
import { CASE_FIELDS, type ActionType, type CaseField } from "./rules.schema";

type Path = readonly PropertyKey[];

/** The things rules name, where their ids are listed in the config, and what a missing one is called. */
const KINDS = {
  team: { list: ["teams"], label: "team" },
  agent: { list: ["agents"], label: "agent" },
  category: { list: ["taxonomy", "categories"], label: "category" },
  calendar: { list: ["calendars"], label: "calendar" },
  connector: { list: ["connectors"], label: "connector" },
  destination: { list: ["destinations"], label: "destination" },
} as const;
type Kind = keyof typeof KINDS;

interface Reference {
  kind: Kind;
  path: Path;
  value: unknown;
}

/**
 * The checks zod cannot make on `routing.rules`: ids that name nothing in the config (with a did-you-mean), duplicate
 * rule ids, timer rules that would fire forever, and rules no trigger can reach. Like the other semantic checks it
 * reads the raw merged input, so it reports even when zod found problems; malformed parts are skipped.
 */
export function checkRules(data: unknown): PathProblem[] {
  const rules = valueAt(data, ["routing", "rules"]);
  if (!Array.isArray(rules)) return [];
  const at = (index: number): Path => ["routing", "rules", index];
  return [
    ...duplicateIds(rules),
    ...rules.flatMap((rule: unknown, index) => references(rule, at(index)).flatMap((ref) => unknownId(ref, data))),
    ...rules.flatMap((rule: unknown, index) => endlessTimer(rule, at(index))),
    ...unreachable(rules),
  ];
}

function duplicateIds(rules: readonly unknown[]): PathProblem[] {
  const firstAt = new Map<string, number>();
  return rules.flatMap((rule, index) => {
    const id = childOf(rule, "id");
    if (typeof id !== "string") return [];
    const first = firstAt.get(id);
    if (first === undefined) {
      firstAt.set(id, index);
      return [];
    }
    const message = `duplicate rule id "${id}" (also used by ${formatPath(["routing", "rules", first])})`;
    return [{ path: ["routing", "rules", index, "id"], message, hint: "give each rule its own id" }];
  });
}

/** Every id a rule names: in its timer, its conditions and its actions. */
function references(rule: unknown, path: Path): Reference[] {
  const refs: Reference[] = [];
  const add = (kind: Kind, value: unknown, at: Path) => value !== undefined && refs.push({ kind, path: at, value });
  const calendar = ["on", "timer", "after", "businessHours"];
  add("calendar", valueAt(rule, calendar), [...path, ...calendar]);
  for (const leaf of leaves(childOf(rule, "if"), [...path, "if"])) {
    if (leaf.key === "team" || leaf.key === "category" || leaf.key === "connector") {
      refs.push(...enumValues(leaf.key, leaf.value, leaf.path));
    } else if (leaf.key === "assignee") refs.push(...enumValues("agent", leaf.value, leaf.path));
    else if (leaf.key === "businessHours") add("calendar", childOf(leaf.value, "calendar"), [...leaf.path, "calendar"]);
  }
  const actions = childOf(rule, "then");
  (Array.isArray(actions) ? actions : []).forEach((action: unknown, index) => {
    const named = (kind: Kind, ...keys: string[]) =>
      add(kind, valueAt(action, keys), [...path, "then", index, ...keys]);
    named("team", "setTeam");
    named("category", "setCategory");
    named("agent", "assign", "agent");
    named("agent", "notify", "user");
    named("destination", "push");
  });
  return refs;
}

/** The values of `{ is: x }`, `{ not: x }` and `{ in: [x, y] }`. */
function enumValues(kind: Kind, test: unknown, path: Path): Reference[] {
  const refs: Reference[] = [];
  for (const key of ["is", "not"]) {
    const value = childOf(test, key);
    if (value !== undefined) refs.push({ kind, path: [...path, key], value });
  }
  const list = childOf(test, "in");
  if (Array.isArray(list))
    list.forEach((value: unknown, index) => refs.push({ kind, path: [...path, "in", index], value }));
  return refs;
}

/** The tests of a condition tree (keys other than all / any / not), with their paths. */
function* leaves(condition: unknown, path: Path): Generator<{ key: string; value: unknown; path: Path }> {
  if (typeof condition !== "object" || condition === null || Array.isArray(condition)) return;
  for (const [key, value] of Object.entries(condition)) {
    if ((key === "all" || key === "any") && Array.isArray(value)) {
      for (const [index, inner] of value.entries()) yield* leaves(inner, [...path, key, index]);
    } else if (key === "not") yield* leaves(value, [...path, key]);
    else yield { key, value, path: [...path, key] };
  }
}

function knownIds(data: unknown, kind: Kind): string[] {
  const entries = valueAt(data, KINDS[kind].list);
  const ids = (Array.isArray(entries) ? entries : []).flatMap((entry: unknown) => {
    const id = childOf(entry, "id");
    return typeof id === "string" ? [id] : [];
  });
  // No categories configured means the shipped default taxonomy.
  if (kind === "category" && ids.length === 0) return DEFAULT_TAXONOMY.categories.map((category) => category.id);
  return ids;
}

function unknownId(ref: Reference, data: unknown): PathProblem[] {
  if (typeof ref.value !== "string") return [];
  const known = knownIds(data, ref.kind);
  if (known.includes(ref.value)) return [];
  const { label, list } = KINDS[ref.kind];
  const close = closestMatch(ref.value, known);
  const hint =
    close !== undefined
      ? `did you mean "${close}"? ${label} ids: ${known.join(", ")}`
      : known.length > 0
        ? `use one of the ${label} ids: ${known.join(", ")}`
        : `add ${/^[aeiou]/.test(label) ? "an" : "a"} ${label} with id "${ref.value}" under ${list.join(".")}:`;
  return [{ path: ref.path, message: `${label} "${ref.value}" does not exist`, hint }];
}

/** The case fields the rule's actions change. */
function changedFields(rule: unknown): Set<CaseField> {
  const actions = childOf(rule, "then");
  const fields = new Set<CaseField>();
  for (const action of Array.isArray(actions) ? (actions as unknown[]) : []) {
    for (const key of typeof action === "object" && action !== null ? Object.keys(action) : []) {
      const field = Object.hasOwn(ACTION_CHANGES, key) ? ACTION_CHANGES[key as ActionType] : null;
      if (field !== null) fields.add(field);
    }
  }
  return fields;
}

/**
 * A timer rule must make its own condition false, or it fires again each time its timer is due (Zendesk requires
 * the same of automations). Only the simple case is caught: no action changes any field the condition tests.
 */
function endlessTimer(rule: unknown, path: Path): PathProblem[] {
  if (valueAt(rule, ["on", "timer"]) === undefined) return [];
  const tested = new Set<string>();
  for (const leaf of leaves(childOf(rule, "if"), [])) if (isCaseField(leaf.key)) tested.add(leaf.key);
  const changed = changedFields(rule);
  if ([...tested].some((field) => changed.has(field as CaseField))) return [];
  const id = childOf(rule, "id");
  const name = typeof id === "string" ? `timer rule "${id}"` : "this timer rule";
  const example =
    "e.g. status: { is: pending } with setStatus: resolved, or not: { tags: { includes: escalated } } with " +
    "addTags: [escalated]";
  const hint =
    tested.size === 0
      ? `test a case field in if: that its actions change, ${example}`
      : `make an action change what if: tests (${[...tested].join(", ")}), ${example}`;
  return [
    {
      path: [...path, "on", "timer"],
      message: `${name} would fire again and again: its actions change nothing its conditions test`,
      hint,
    },
  ];
}

function isCaseField(key: string): key is CaseField {
  return (CASE_FIELDS as readonly string[]).includes(key);
}

/** One trigger a rule listens to, as written; timers are per rule and never pre-empted. */
interface Listen {
  type: "case.created" | "message.added" | "case.changed";
  options: unknown;
}

function listens(rule: unknown): { triggers: Listen[]; timer: boolean } {
  const on = childOf(rule, "on");
  const triggers: Listen[] = [];
  for (const type of ["case.created", "message.added", "case.changed"] as const) {
    const options = childOf(on, type);
    if (options !== undefined) triggers.push({ type, options });
  }
  return { triggers, timer: childOf(on, "timer") !== undefined };
}

/** Whether an unconditional stop rule's trigger `stop` ends every evaluation that `later` would take part in. */
function covers(stop: Listen, later: Listen, stopChangesFields: boolean): boolean {
  if (stop.type !== later.type) return false;
  if (stop.type === "message.added") {
    const from = (options: unknown) => childOf(options, "from") ?? "any";
    return from(stop.options) === "any" || from(stop.options) === from(later.options);
  }
  if (stop.type === "case.changed") {
    // A stop rule that changes fields is loop-guarded on the change it caused, and later rules run then.
    if (stopChangesFields) return false;
    const fields = (options: unknown): readonly unknown[] => {
      const list = childOf(options, "fields");
      return Array.isArray(list) ? list : CASE_FIELDS;
    };
    return fields(later.options).every((field) => fields(stop.options).includes(field));
  }
  return true;
}

/** Rules after an unconditional `stop: true` rule that listens to all of their triggers never run. */
function unreachable(rules: readonly unknown[]): PathProblem[] {
  const stoppers: Stopper[] = [];
  const problems: PathProblem[] = [];
  rules.forEach((rule, index) => {
    const { triggers, timer } = listens(rule);
    const coveredBy = triggers.map((trigger) =>
      stoppers.find((stop) => stop.triggers.some((their) => covers(their, trigger, stop.changes))),
    );
    const by = [...new Set(coveredBy)];
    if (!timer && triggers.length > 0 && by.every((stop) => stop !== undefined)) {
      problems.push(neverRuns(childOf(rule, "id"), index, by, triggers));
    }
    const id = childOf(rule, "id");
    if (childOf(rule, "stop") === true && childOf(rule, "if") === undefined && typeof id === "string") {
      stoppers.push({ index, id, triggers, changes: changedFields(rule).size > 0 });
    }
  });
  return problems;
}

/** An earlier rule with `stop: true` and no `if:`. */
interface Stopper {
  index: number;
  id: string;
  triggers: Listen[];
  /** Whether its actions change case fields (then it is loop-guarded on the `case.changed` it causes). */
  changes: boolean;
}

function neverRuns(id: unknown, index: number, by: readonly Stopper[], triggers: readonly Listen[]): PathProblem {
  const name = typeof id === "string" ? `rule "${id}"` : "this rule";
  const stoppers = by.map((stop) => `"${stop.id}" (${formatPath(["routing", "rules", stop.index])})`).join(" and ");
  const which =
    by.length === 1 ? `rule ${stoppers} has no condition and stops` : `rules ${stoppers} have no condition and stop`;
  const on = triggers.map((trigger) => trigger.type).join(", ");
  const names = by.map((stop) => `"${stop.id}"`).join(" and ");
  return {
    path: ["routing", "rules", index],
    message: `${name} never runs: ${which} every ${on} evaluation before it`,
    hint: `move it above ${names}, give ${names} an if:, or remove stop: true there`,
  };
}
