import { formatPath } from "../../kernel/config/problems";
import type { BusinessCalendars, CaseView } from "./case-view";
import { containsRegex, scannedSource, type TextField } from "./keywords";
import { Seen, type FailedCondition, type LeafInfo } from "./seen";
import type { Condition, EnumTest, NumberTest, TextTest } from "./rules.schema";

/** What one evaluation shares between its tests: the time, the calendars, and each calendar's answer once asked. */
export interface TestEnv {
  /** Epoch milliseconds. */
  now: number;
  calendars: BusinessCalendars;
  open: Map<string, boolean>;
  /**
   * The keywords of a field's text, found by one scan for the whole rule set (keywords.ts); absent when conditions
   * are evaluated on their own, and then each `contains` test reads the whole text.
   */
  keywords?: (field: TextField, text: string) => string;
}

/**
 * A compiled condition: null when it holds, else the first failing test in written order (the only allocation a
 * rule that does not fire makes). With `seen`, it also records what each test it ran saw; the evaluator asks for
 * that only from a rule that fired (running it twice is cheaper than recording for every rule that does not).
 */
export interface ConditionNode {
  run(view: CaseView, env: TestEnv, seen: Seen | null): FailedCondition | null;
}

type Path = readonly PropertyKey[];
type Read = (view: CaseView, env: TestEnv) => unknown;
type Check = (actual: unknown) => boolean;

const ALWAYS: ConditionNode = { run: () => null };

/** Compiles a rule's `if:` (absent: always holds) once, regexes included. */
export function compileCondition(condition: Condition | undefined, path: Path = ["if"]): ConditionNode {
  return condition === undefined ? ALWAYS : mapping(condition, path);
}

type Compile<K extends keyof Condition> = (test: NonNullable<Condition[K]>, path: Path) => ConditionNode;

/**
 * How each test of a mapping compiles, in the order they are checked (zod's output has the schema's key order, not
 * the order written, so this order is the documented one). Each test reads its field through a function of its own:
 * one shared `v[key]` would be a slow keyed load over many keys.
 */
const TESTS: { [K in keyof Condition]-?: Compile<K> } = {
  channel: (test, path) => enumLeaf(path, test, (v) => v.channel),
  connector: (test, path) => enumLeaf(path, test, (v) => v.connector),
  category: (test, path) => enumLeaf(path, test, (v) => v.category),
  kind: (test, path) => enumLeaf(path, test, (v) => v.kind),
  severity: (test, path) => enumLeaf(path, test, (v) => v.severity),
  sentiment: (test, path) => enumLeaf(path, test, (v) => v.sentiment),
  language: (test, path) => enumLeaf(path, test, (v) => v.language),
  priority: (test, path) => numberLeaf(path, test, (v) => v.priority),
  customer: ({ tier, segment, dealSize }, path) =>
    all([
      ...(tier ? [enumLeaf([...path, "tier"], tier, (v) => v.customer.tier)] : []),
      ...(segment ? [enumLeaf([...path, "segment"], segment, (v) => v.customer.segment)] : []),
      ...(dealSize ? [numberLeaf([...path, "dealSize"], dealSize, (v) => v.customer.dealSize)] : []),
    ]),
  text: (test, path) => textLeaf(path, test, "text"),
  subject: (test, path) => textLeaf(path, test, "subject"),
  status: (test, path) => enumLeaf(path, test, (v) => v.status),
  team: (test, path) => enumLeaf(path, test, (v) => v.team),
  assignee: (test, path) => assigneeLeaf(path, test),
  tags: (test, path) =>
    leaf(
      path,
      test,
      (v) => v.tags,
      (tags) => (tags as readonly string[]).includes(test.includes),
    ),
  minutesSinceCreated: (test, path) => minutesLeaf(path, test, "createdAt"),
  minutesSinceLastCustomerMessage: (test, path) => minutesLeaf(path, test, "lastCustomerMessageAt"),
  minutesSinceLastAgentReply: (test, path) => minutesLeaf(path, test, "lastAgentReplyAt"),
  businessHours: (test, path) =>
    leaf(
      path,
      test,
      (_v, env) => isOpen(env, test.calendar),
      (open) => open === test.open,
    ),
  all: (list, path) => all(list.map((inner, index) => mapping(inner, [...path, index]))),
  any: (list, path) =>
    any(
      list.map((inner, index) => mapping(inner, [...path, index])),
      path,
    ),
  not: (inner, path) => not(mapping(inner, path), path),
};

/** A mapping's tests all hold; they are checked in the order of {@link TESTS}. */
function mapping(condition: Condition, path: Path): ConditionNode {
  const nodes: ConditionNode[] = [];
  for (const key of Object.keys(TESTS) as (keyof Condition)[]) {
    const test = condition[key];
    if (test !== undefined) nodes.push(TESTS[key](test as never, [...path, key]));
  }
  return all(nodes);
}

function isOpen(env: TestEnv, calendar: string): boolean {
  let open = env.open.get(calendar);
  if (open === undefined) {
    open = env.calendars.isOpen(calendar, new Date(env.now));
    env.open.set(calendar, open);
  }
  return open;
}

/** A single test: `read` the value, `check` it. */
function leaf(path: Path, expected: unknown, read: Read, check: Check): ConditionNode {
  const info: LeafInfo = { path: formatPath(path), expected };
  return {
    run(v, env, seen) {
      const actual = read(v, env);
      const held = check(actual);
      seen?.push(info, actual, held);
      return held ? null : { path: info.path, expected, actual };
    },
  };
}

function enumLeaf(path: Path, test: EnumTest<string>, read: Read): ConditionNode {
  return leaf(path, test, read, enumCheck(test));
}

function enumCheck(test: EnumTest<string>): Check {
  if (test.is !== undefined) {
    const wanted = test.is;
    return (actual) => actual === wanted;
  }
  if (test.not !== undefined) {
    const unwanted = test.not;
    return (actual) => actual !== unwanted;
  }
  const list = test.in ?? [];
  // A short list is faster to scan than to hash.
  if (list.length <= 4) return (actual) => list.includes(actual as string);
  const set = new Set(list);
  return (actual) => set.has(actual as string);
}

function numberLeaf(path: Path, test: NumberTest, read: Read): ConditionNode {
  return leaf(path, test, read, numberCheck(test));
}

/** Every bound written must hold; a missing value (null) holds none. */
function numberCheck({ gte, lte, gt, lt, eq }: NumberTest): Check {
  return (actual) =>
    typeof actual === "number" &&
    (gte === undefined || actual >= gte) &&
    (lte === undefined || actual <= lte) &&
    (gt === undefined || actual > gt) &&
    (lt === undefined || actual < lt) &&
    (eq === undefined || actual === eq);
}

/** Whole minutes from a moment of the case to the evaluation's `now`; null while the moment has not happened. */
function minutesLeaf(
  path: Path,
  test: NumberTest,
  key: "createdAt" | "lastCustomerMessageAt" | "lastAgentReplyAt",
): ConditionNode {
  const read: Read = (v, env) => {
    const at = v[key];
    return at === null ? null : Math.floor((env.now - at.getTime()) / 60_000);
  };
  return numberLeaf(path, test, read);
}

function assigneeLeaf(path: Path, test: { unassigned?: boolean } & EnumTest<string>): ConditionNode {
  const read: Read = (v) => v.assignee;
  if (test.unassigned === undefined) return enumLeaf(path, test, read);
  const unassigned = test.unassigned;
  return leaf(path, test, read, (actual) => (actual === null) === unassigned);
}

/** At most this many characters of a match are recorded. */
const SHOWN_MATCH = 40;

/**
 * Records the words that matched (or null), never the text itself. A `contains` list reads only the keywords the rule
 * set's scan found in the text when the evaluator provides them, and the text itself only when a phrase may match:
 * same result, one scan per text.
 */
function textLeaf(path: Path, test: TextTest, field: TextField): ConditionNode {
  const regex = test.contains ? containsRegex(test.contains) : new RegExp(test.matches ?? "", "i");
  const scanned = test.contains ? scannedSource(test.contains) : null;
  const info: LeafInfo = { path: formatPath(path), expected: test };
  return {
    run(v, env, seen) {
      const text = v[field];
      const source =
        text !== null && scanned !== null && env.keywords !== undefined
          ? scanned(env.keywords(field, text), text)
          : text;
      const match = source === null ? null : regex.exec(source);
      seen?.push(info, match === null ? null : match[0].slice(0, SHOWN_MATCH), match !== null);
      return match === null ? { path: info.path, expected: test, actual: null } : null;
    },
  };
}

/** Every child holds, checked in order until one does not. */
function all(nodes: readonly ConditionNode[]): ConditionNode {
  if (nodes.length === 1 && nodes[0] !== undefined) return nodes[0];
  return {
    run(v, env, seen) {
      for (const node of nodes) {
        const failed = node.run(v, env, seen);
        if (failed !== null) return failed;
      }
      return null;
    },
  };
}

/** At least one alternative holds; they run in order until one does. */
function any(nodes: readonly ConditionNode[], path: Path): ConditionNode {
  const where = formatPath(path);
  return {
    run(v, env, seen) {
      let failures: FailedCondition[] | undefined;
      for (const node of nodes) {
        const failed = node.run(v, env, seen);
        if (failed === null) return null;
        (failures ??= []).push(failed);
      }
      return { path: where, expected: "any to hold", actual: failures ?? [] };
    },
  };
}

/** The inner condition does not hold; when it does, the failure shows what it saw. */
function not(node: ConditionNode, path: Path): ConditionNode {
  const where = formatPath(path);
  return {
    run(v, env, seen) {
      const from = seen?.length ?? 0;
      if (node.run(v, env, seen) !== null) return null;
      // The failure shows what the inner condition saw: run it again to record that when nobody was recording.
      const inner = seen ?? new Seen();
      if (seen === null) node.run(v, env, inner);
      return { path: where, expected: "not to hold", actual: inner.values(from) };
    },
  };
}
