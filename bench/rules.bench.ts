/**
 * Rule evaluation micro-benchmark (issue 11: 200 rules, ≥ 50,000 cases/s on one core). 200 generated rules of mixed
 * conditions (enum, number, customer, keyword and regex tests, groups, business hours), all listening to
 * `case.created` and none with `stop`, so every case runs every rule; 1,000 generated cases (texts of 20–200 words).
 * Two rule sets: `routing` (a selector such as a category, channel, tier, keywords or a subject pattern, narrowed by
 * one or two modifiers such as priority, age, business hours: about a tenth of the rules fire on a case) and
 * `stress` (tests drawn from both menus alike: about a third fire, each recording what it saw and planning its
 * actions). Every evaluation builds the full outcome: fired rules with their values, the first failing test of every
 * other rule, the planned actions. Pure CPU in this process: no database, no I/O while measuring.
 *
 *   npm run build:tools && node dist/bench/rules.bench.js
 *   BENCH_RULES_SECONDS=10 BENCH_RULES_COUNT=500 BENCH_RULES_QUIET_TIMEOUT_S=0 node dist/bench/rules.bench.js
 *
 * Prints a table and writes bench/results/rules.json (gitignored).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { seededRandom } from "../core/kernel/random";
import { cpus } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import {
  compileRules,
  evaluateRules,
  rulesSchema,
  type CaseView,
  type RuleContext,
  type RuleTrigger,
} from "../core/routing/rules/index";
import { formatTable, otherCpuRow, type TableRow } from "./report";
import { startCpuMonitor, waitForQuiet } from "./resources";

const TARGET_PER_SECOND = 50_000;
const QUIET_PERCENT = 25;
const RULES = Number(process.env["BENCH_RULES_COUNT"] ?? 200);
const CASES = 1_000;
const SECONDS = Number(process.env["BENCH_RULES_SECONDS"] ?? 5);
const SEED = 11;
/** How long to wait for the rest of the machine to quiet down before measuring. */
const QUIET_TIMEOUT_MS = Number(process.env["BENCH_RULES_QUIET_TIMEOUT_S"] ?? 30) * 1000;

const rng = seededRandom(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
const some = <T>(list: readonly T[], max: number): T[] => {
  const count = 1 + Math.floor(rng() * max);
  return [...new Set(Array.from({ length: count }, () => pick(list)))];
};

/** The shipped taxonomy's ids. */
const CATEGORIES = [
  "billing-payments",
  "delivery-fulfilment",
  "product-quality",
  "access-onboarding",
  "communication-expectations",
  "data-errors",
  "support-experience",
  "other",
];
const CHANNELS = ["email", "sms", "whatsapp", "messenger", "slack", "webhook"] as const;
const TIERS = ["free", "standard", "business", "enterprise", "vip"];
const SEVERITIES = ["blocked", "inconvenienced", "annoyed"] as const;
const TAGS = ["vip", "repeat", "refund", "legal", "outage", "waiting", "escalated"];
const KEYWORDS = ["refund", "chargeback", "lawyer", "legal action", "cancel", "outage", "not working", "invoice"];
const MORE_KEYWORDS = ["broken", "damaged", "late", "never arrived", "password", "log in", "charged twice", "court"];
const FILLER = (
  "hello i ordered a parcel three weeks ago and it still has not come the tracking page says it was delivered " +
  "but nothing was at my door i have written twice and nobody answered please look into my account today thanks"
).split(" ");
/** One word in 70 of a message is one of the keywords the rules look for. */
const KEYWORD_SHARE = 1 / 70;
const PATTERNS = ["\\border\\s*#?\\d{6,}", "(refund|money back)", "^re:", "\\b5\\d\\d error\\b", "invoice\\s+\\d+"];

/** A test that picks out the cases a rule is about: what they are about, where they came from, who wrote them. */
function selector(): Record<string, unknown> {
  switch (Math.floor(rng() * 6)) {
    case 0:
      return { category: { is: pick(CATEGORIES) } };
    case 1:
      return { channel: { is: pick(CHANNELS) } };
    case 2:
      return { customer: { tier: { is: pick(TIERS) } } };
    case 3:
      return { text: { contains: some([...KEYWORDS, ...MORE_KEYWORDS], 3) } };
    case 4:
      return { subject: { matches: pick(PATTERNS) } };
    default:
      return { tags: { includes: pick(TAGS) } };
  }
}

/** A test that narrows a selection: how urgent, how old, when, in which language, whether anyone owns it. */
function modifier(): Record<string, unknown> {
  switch (Math.floor(rng() * 6)) {
    case 0:
      return { priority: { gte: Math.floor(rng() * 90) } };
    case 1:
      return { severity: { is: pick(SEVERITIES) } };
    case 2:
      return { minutesSinceCreated: { gte: Math.floor(rng() * 120) } };
    case 3:
      return { businessHours: { calendar: "office", open: rng() < 0.5 } };
    case 4:
      return { language: { in: some(["en", "de", "fr", "es"], 2) } };
    default:
      return { assignee: { unassigned: true } };
  }
}

const merge = (...tests: Record<string, unknown>[]) => Object.assign({}, ...tests) as Record<string, unknown>;
const modifiers = (max: number) => Array.from({ length: Math.floor(rng() * (max + 1)) }, modifier);

/** Rules as admins write them: a selector narrowed by one or two modifiers, some in `any` / `not` groups. */
function routingCondition(): Record<string, unknown> {
  const roll = rng();
  if (roll < 0.15) return merge({ any: [selector(), selector()] }, modifier());
  if (roll < 0.25) return { all: [selector(), { not: modifier() }] };
  return merge(selector(), modifier(), ...modifiers(1));
}

/** A stress mix: one to three tests drawn from both menus alike, so about a third of the rules fire on every case. */
function permissiveCondition(): Record<string, unknown> {
  const test = () => (rng() < 0.5 ? selector() : modifier());
  const roll = rng();
  if (roll < 0.15) return { any: [test(), test()] };
  if (roll < 0.25) return { all: [test(), { not: test() }] };
  return merge(...Array.from({ length: 1 + Math.floor(rng() * 3) }, test));
}

function action(): Record<string, unknown> {
  switch (Math.floor(rng() * 4)) {
    case 0:
      return { addTags: [pick(TAGS)] };
    case 1:
      return { setPriority: { add: Math.floor(rng() * 11) - 5 } };
    case 2:
      return { setTeam: `team-${Math.floor(rng() * 5)}` };
    default:
      return { note: "matched a generated rule" };
  }
}

function generatedRules(count: number, condition: () => Record<string, unknown>): unknown[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `rule-${index}`,
    description: `generated rule ${index}`,
    on: rng() < 0.2 ? { "case.created": null, "message.added": { from: "customer" } } : { "case.created": null },
    if: condition(),
    then: Array.from({ length: 1 + Math.floor(rng() * 3) }, action),
  }));
}

function text(words: number): string {
  return Array.from({ length: words }, () =>
    rng() < KEYWORD_SHARE ? pick([...KEYWORDS, ...MORE_KEYWORDS]) : pick(FILLER),
  ).join(" ");
}

function generatedCases(count: number, now: Date): CaseView[] {
  return Array.from({ length: count }, (_, index) => {
    const created = new Date(now.getTime() - Math.floor(rng() * 240) * 60_000);
    return {
      id: `case-${index}`,
      channel: pick(CHANNELS),
      connector: rng() < 0.8 ? "webform" : null,
      subject: rng() < 0.3 ? null : `${pick(["Re: ", ""])}${text(4)} order #${1000 + index}`,
      text: text(20 + Math.floor(rng() * 180)),
      category: rng() < 0.2 ? null : pick(CATEGORIES),
      kind: pick(["complaint", "question", "feedback"] as const),
      severity: pick(SEVERITIES),
      sentiment: pick(["negative", "neutral", "positive"] as const),
      language: pick(["en", "en", "de", "fr"]),
      priority: rng() < 0.1 ? null : Math.floor(rng() * 100),
      customer: { tier: pick(TIERS), segment: null, dealSize: Math.floor(rng() * 200_000) },
      status: "new",
      team: null,
      assignee: null,
      // A case that has just been opened rarely carries tags yet.
      tags: rng() < 0.7 ? [] : [pick(TAGS)],
      createdAt: created,
      lastCustomerMessageAt: created,
      lastAgentReplyAt: null,
      statusChangedAt: created,
    };
  });
}

interface Run {
  evaluations: number;
  elapsedMs: number;
  fired: number;
  skipped: number;
}

/** Evaluates cases round robin for `seconds`; returns evaluations, elapsed ms and the rules fired and skipped. */
function measure(
  run: (view: CaseView) => { fired: unknown[]; skipped: unknown[] },
  cases: CaseView[],
  seconds: number,
): Run {
  let evaluations = 0;
  let fired = 0;
  let skipped = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (const view of cases) {
      const outcome = run(view);
      fired += outcome.fired.length;
      skipped += outcome.skipped.length;
    }
    evaluations += cases.length;
  }
  return { evaluations, elapsedMs: performance.now() - started, fired, skipped };
}

/** One rule set, compiled, warmed up and measured on `case.created` and on a customer's `message.added`. */
function measureMix(name: string, condition: () => Record<string, unknown>, cases: CaseView[], context: RuleContext) {
  const raw = generatedRules(RULES, condition);
  const compileStart = performance.now();
  const rules = compileRules(rulesSchema.parse(raw));
  const compileMs = performance.now() - compileStart;
  const created: RuleTrigger = { type: "case.created" };
  const message: RuleTrigger = { type: "message.added", from: "customer" };
  const onCreated = (view: CaseView) => evaluateRules(rules, created, view, context);
  measure(onCreated, cases, 1); // warm-up: let V8 optimise the closures
  return {
    name,
    compileMs,
    rulesOnMessage: rules.fromCustomer.length,
    created: measure(onCreated, cases, SECONDS),
    message: measure((view) => evaluateRules(rules, message, view, context), cases, Math.max(1, SECONDS / 5)),
  };
}

const perSecond = (run: Run) => Math.round(run.evaluations / (run.elapsedMs / 1000));
const thousands = (value: number) => value.toLocaleString("en-US");

function mixRows(mix: ReturnType<typeof measureMix>): TableRow[] {
  const { created, message } = mix;
  const average = (count: number) => (count / created.evaluations).toFixed(1);
  const rate = perSecond(created);
  return [
    {
      mode: mix.name,
      metric: `case.created: cases/s, ${RULES} rules, one core`,
      value: thousands(rate),
      target: `≥ ${thousands(TARGET_PER_SECOND)}`,
      pass: rate >= TARGET_PER_SECOND,
    },
    {
      mode: mix.name,
      metric: "case.created: µs per case",
      value: ((created.elapsedMs * 1000) / created.evaluations).toFixed(1),
      target: "-",
      pass: null,
    },
    {
      mode: mix.name,
      metric: "case.created: rules fired / not fired per case",
      value: `${average(created.fired)} / ${average(created.skipped)}`,
      target: "-",
      pass: null,
    },
    {
      mode: mix.name,
      metric: `message.added: cases/s, ${mix.rulesOnMessage} rules listening`,
      value: thousands(perSecond(message)),
      target: "-",
      pass: null,
    },
    {
      mode: mix.name,
      metric: "schema parse + compile",
      value: `${mix.compileMs.toFixed(1)} ms`,
      target: "-",
      pass: null,
    },
  ];
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const now = new Date("2026-03-10T12:00:00Z");
  const cases = generatedCases(CASES, now);
  // A cheap stand-in for the schedule module: open 08:00–18:00 UTC.
  const context: RuleContext = {
    now,
    calendars: { isOpen: (_id, at) => at.getUTCHours() >= 8 && at.getUTCHours() < 18 },
  };

  const watch = { pids: { bench: [process.pid] } };
  const quiet = await waitForQuiet(watch, QUIET_PERCENT, QUIET_TIMEOUT_MS);
  const monitor = startCpuMonitor(watch);
  const mixes = [
    measureMix("routing", routingCondition, cases, context),
    measureMix("stress", permissiveCondition, cases, context),
  ];
  const cpu = monitor.stop();

  const rows: TableRow[] = [
    ...mixes.flatMap(mixRows),
    {
      mode: "process",
      metric: "bench CPU while measuring",
      value: `${cpu["bench"] ?? 0} % of a core`,
      target: "-",
      pass: null,
    },
    otherCpuRow("machine", "", cpu["other"] ?? 0, QUIET_PERCENT),
  ];
  const results = {
    startedAt: startedAt.toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version },
    options: { rules: RULES, cases: CASES, seconds: SECONDS, seed: SEED },
    quietBefore: quiet,
    mixes: mixes.map((mix) => ({
      ...mix,
      created: { ...mix.created, perSecond: perSecond(mix.created) },
      message: { ...mix.message, perSecond: perSecond(mix.message) },
    })),
    cpuPercent: cpu,
    target: {
      casesPerSecond: TARGET_PER_SECOND,
      met: Object.fromEntries(mixes.map((mix) => [mix.name, perSecond(mix.created) >= TARGET_PER_SECOND])),
    },
  };
  const folder = path.resolve(__dirname, "../../bench/results");
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, "rules.json");
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  if ((cpu["other"] ?? 0) > QUIET_PERCENT) {
    process.stdout.write("DISTURBED: other processes took CPU during the measurement; rerun on a quiet machine.\n");
  }
  process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `[bench] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
