import { z } from "zod";

import { caseStatuses } from "../../cases/case-status";
import { slugSchema } from "../../kernel/config/slug";
import { MESSAGE_KINDS, SEVERITIES, type SentimentLabel } from "../../../normalizers/analysis/signals/signals.types";
import { channels } from "../../../normalizers/canonical-message";

/** What starts an evaluation. `timer` rules run when their own timer runs out, one rule at a time. */
export const TRIGGER_TYPES = ["case.created", "message.added", "case.changed", "timer"] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** Who wrote the message a `message.added` rule listens to. */
export const MESSAGE_AUTHORS = ["customer", "agent", "any"] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

/** The fields of a case that rules change, and that `case.changed` rules listen to. */
export const CASE_FIELDS = ["status", "team", "assignee", "priority", "category", "tags"] as const;
export type CaseField = (typeof CASE_FIELDS)[number];

/** The moment a timer counts from. */
export const TIMER_SINCE = ["created", "lastCustomerMessage", "lastAgentReply", "statusChanged"] as const;
export type TimerSince = (typeof TIMER_SINCE)[number];

export const SENTIMENTS = ["negative", "neutral", "positive"] as const satisfies readonly SentimentLabel[];

/** Assignment strategies a rule can ask for; the assignment itself is made by whoever applies the actions. */
export const ASSIGN_STRATEGIES = ["round-robin", "least-loaded"] as const;
export type AssignStrategy = (typeof ASSIGN_STRATEGIES)[number];

/**
 * A check that a mapping of optional keys carries exactly one of them (`{ is: x }`, one action per list item) or at
 * least one. Skipped when the mapping already has a problem: a misspelt key is reported once, with its
 * did-you-mean, not also as a missing one.
 */
function requireKeys(keys: readonly string[], count: "one" | "some", message: string) {
  return (payload: z.core.ParsePayload<object>) => {
    if (payload.issues.length > 0) return;
    const written = keys.filter((key) => (payload.value as Record<string, unknown>)[key] !== undefined).length;
    if (count === "one" ? written === 1 : written > 0) return;
    payload.issues.push({ code: "custom", message, input: payload.value });
  };
}

/** A message for a value written as something other than the mapping it must be (a plain `category: billing`). */
function mappingError(message: string) {
  return { error: (issue: { code?: string }) => (issue.code === "invalid_type" ? message : undefined) };
}

const nonEmpty = z.string().trim().min(1);

/** `{ is: x }`, `{ in: [x, y] }` or `{ not: x }` over one value of a case. */
function enumTest<T extends z.ZodType>(value: T) {
  return z
    .strictObject(
      { is: value.optional(), in: z.array(value).min(1).optional(), not: value.optional() },
      mappingError("write the test as a mapping: { is: x }, { in: [x, y] } or { not: x }"),
    )
    .check(requireKeys(["is", "in", "not"], "one", "write exactly one of is, in, not"));
}

/** Bounds over a number; every bound written must hold (`{ gte: 50, lt: 80 }` is a range). */
export const numberTestSchema = z
  .strictObject(
    {
      gte: z.number().optional(),
      lte: z.number().optional(),
      gt: z.number().optional(),
      lt: z.number().optional(),
      eq: z.number().optional(),
    },
    mappingError("write the bounds as a mapping, e.g. { gte: 50 } or { gte: 50, lt: 80 }"),
  )
  .check(requireKeys(["gte", "lte", "gt", "lt", "eq"], "some", "write at least one of gte, lte, gt, lt, eq"));

/** A JavaScript regular expression source, compiled case-insensitively as category patterns are. */
const regexSchema = nonEmpty.superRefine((source, ctx) => {
  try {
    new RegExp(source, "i");
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(error as Error).message}` });
  }
});

/**
 * `contains`: a word or phrase, or a list of them (any one is enough), matched case-insensitively on word
 * boundaries. `matches`: a regular expression, matched case-insensitively.
 */
export const textTestSchema = z
  .strictObject(
    {
      contains: z
        .preprocess((value) => (typeof value === "string" ? [value] : value), z.array(nonEmpty).min(1))
        .optional(),
      matches: regexSchema.optional(),
    },
    mappingError("write the test as a mapping: { contains: words } or { matches: regex }"),
  )
  .check(requireKeys(["contains", "matches"], "one", "write exactly one of contains, matches"));

/** Like an enum test, plus `{ unassigned: true }` (nobody owns the case) and `{ unassigned: false }`. */
export const assigneeTestSchema = z
  .strictObject(
    {
      is: slugSchema.optional(),
      in: z.array(slugSchema).min(1).optional(),
      not: slugSchema.optional(),
      unassigned: z.boolean().optional(),
    },
    mappingError("write the test as a mapping: { is: x }, { in: [x, y] }, { not: x } or { unassigned: true }"),
  )
  .check(requireKeys(["is", "in", "not", "unassigned"], "one", "write exactly one of is, in, not, unassigned"));

/** The customer's attributes (from webhooks or the CRM). */
export const customerTestSchema = z
  .strictObject({
    tier: enumTest(nonEmpty).optional(),
    segment: enumTest(nonEmpty).optional(),
    dealSize: numberTestSchema.optional(),
  })
  .check(requireKeys(["tier", "segment", "dealSize"], "some", "write at least one of tier, segment, dealSize"));

/** Whether the calendar (from `calendars:`) is open at the moment of evaluation. */
export const businessHoursTestSchema = z.strictObject({ calendar: slugSchema, open: z.boolean() });

/** The tests a condition mapping may hold, in the order they are checked when one mapping holds several. */
export const LEAF_TESTS = [
  "channel",
  "connector",
  "category",
  "kind",
  "severity",
  "sentiment",
  "language",
  "priority",
  "customer",
  "text",
  "subject",
  "status",
  "team",
  "assignee",
  "tags",
  "minutesSinceCreated",
  "minutesSinceLastCustomerMessage",
  "minutesSinceLastAgentReply",
  "businessHours",
] as const;
export const CONDITION_GROUPS = ["all", "any", "not"] as const;

type EnumTest<T> = { is?: T; in?: T[]; not?: T };
type NumberTest = z.output<typeof numberTestSchema>;

/**
 * One condition: a mapping of tests that must all hold (in the order of {@link LEAF_TESTS}, then `all`, `any`,
 * `not`). Groups nest: `all: [..]` every one, `any: [..]` at least one, `not: {..}` the opposite.
 */
export interface Condition {
  channel?: EnumTest<(typeof channels)[number]>;
  connector?: EnumTest<string>;
  category?: EnumTest<string>;
  kind?: EnumTest<(typeof MESSAGE_KINDS)[number]>;
  severity?: EnumTest<(typeof SEVERITIES)[number]>;
  sentiment?: EnumTest<SentimentLabel>;
  language?: EnumTest<string>;
  priority?: NumberTest;
  customer?: z.output<typeof customerTestSchema>;
  text?: z.output<typeof textTestSchema>;
  subject?: z.output<typeof textTestSchema>;
  status?: EnumTest<(typeof caseStatuses)[number]>;
  team?: EnumTest<string>;
  assignee?: z.output<typeof assigneeTestSchema>;
  tags?: { includes: string };
  minutesSinceCreated?: NumberTest;
  minutesSinceLastCustomerMessage?: NumberTest;
  minutesSinceLastAgentReply?: NumberTest;
  businessHours?: z.output<typeof businessHoursTestSchema>;
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
}

const minutes = numberTestSchema.optional();

/** The `if:` of a rule and every group inside it. */
export const conditionSchema: z.ZodType<Condition> = z
  .strictObject(
    {
      channel: enumTest(z.enum(channels)).optional(),
      connector: enumTest(slugSchema).optional(),
      category: enumTest(slugSchema).optional(),
      kind: enumTest(z.enum(MESSAGE_KINDS)).optional(),
      severity: enumTest(z.enum(SEVERITIES)).optional(),
      sentiment: enumTest(z.enum(SENTIMENTS)).optional(),
      /** ISO 639-1 codes as the signals read them, or `und`. */
      language: enumTest(z.string().regex(/^[a-z]{2,3}$/, "use an ISO 639-1 code such as en or de")).optional(),
      priority: numberTestSchema.optional(),
      customer: customerTestSchema.optional(),
      text: textTestSchema.optional(),
      subject: textTestSchema.optional(),
      status: enumTest(z.enum(caseStatuses)).optional(),
      team: enumTest(slugSchema).optional(),
      assignee: assigneeTestSchema.optional(),
      tags: z
        .strictObject({ includes: slugSchema }, mappingError("write the test as a mapping: { includes: tag }"))
        .optional(),
      minutesSinceCreated: minutes,
      minutesSinceLastCustomerMessage: minutes,
      minutesSinceLastAgentReply: minutes,
      businessHours: businessHoursTestSchema.optional(),
      get all() {
        return z.array(conditionSchema).min(1).optional();
      },
      get any() {
        return z.array(conditionSchema).min(1).optional();
      },
      get not() {
        return conditionSchema.optional();
      },
    },
    mappingError("write the condition as a mapping of tests, e.g. { category: { is: billing-payments } }"),
  )
  .check(requireKeys([...LEAF_TESTS, ...CONDITION_GROUPS], "some", "write at least one test"));

/** How long after `since` a timer runs out; in business time when `businessHours` names a calendar. */
export const timerAfterSchema = z
  .strictObject({
    minutes: z.number().int().positive().optional(),
    hours: z.number().int().positive().optional(),
    days: z.number().int().positive().optional(),
    since: z.enum(TIMER_SINCE),
    businessHours: slugSchema.optional(),
  })
  .check(requireKeys(["minutes", "hours", "days"], "one", "write exactly one of minutes, hours, days"));

/** A trigger's options; a trigger without options is written with nothing after its colon. */
function triggerOptions<T extends z.core.$ZodLooseShape>(type: string, shape: T) {
  return z.strictObject(shape, mappingError(`write nothing after "${type}:", or its options as a mapping`));
}

/**
 * `on:` the triggers a rule listens to, written like GitHub Actions' `on:` (a trigger with no options is a key with
 * nothing after it). A rule listening to several triggers runs on any of them.
 */
export const triggersSchema = z
  .strictObject(
    {
      "case.created": triggerOptions("case.created", {}).nullable().optional(),
      "message.added": triggerOptions("message.added", { from: z.enum(MESSAGE_AUTHORS).default("any") })
        .nullable()
        .optional(),
      /** Without `fields`, any change of the case's status, team, assignee, priority, category or tags. */
      "case.changed": triggerOptions("case.changed", { fields: z.array(z.enum(CASE_FIELDS)).min(1).optional() })
        .nullable()
        .optional(),
      timer: triggerOptions("timer", { after: timerAfterSchema }).optional(),
    },
    mappingError(
      "write the triggers as a mapping, e.g. on: { case.created: } or on: { message.added: { from: customer } }",
    ),
  )
  .check(
    requireKeys(TRIGGER_TYPES, "some", "write at least one trigger: case.created, message.added, case.changed, timer"),
  );

const priorityShape = z.number().int().min(0).max(100);

/** The actions a rule may take, one per item of `then:`. */
export const ACTION_TYPES = [
  "setTeam",
  "assign",
  "setPriority",
  "setCategory",
  "addTags",
  "removeTags",
  "setStatus",
  "note",
  "notify",
  "acknowledge",
  "push",
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** One item of `then:`: a mapping with a single action key. */
export const actionSchema = z
  .strictObject(
    {
      setTeam: slugSchema.optional(),
      /** A named agent, or a strategy the caller resolves against the case's team. */
      assign: z
        .strictObject({ agent: slugSchema.optional(), strategy: z.enum(ASSIGN_STRATEGIES).optional() })
        .check(requireKeys(["agent", "strategy"], "one", "write exactly one of agent, strategy"))
        .optional(),
      /** An absolute priority 0–100, or `{ add: n }` (n may be negative; the result is clamped to 0–100). */
      setPriority: z
        .union([priorityShape, z.strictObject({ add: z.number().int().min(-100).max(100) })], {
          error: "write a whole number 0–100, or { add: n } with n from -100 to 100",
        })
        .optional(),
      setCategory: slugSchema.optional(),
      addTags: z.array(slugSchema).min(1).optional(),
      removeTags: z.array(slugSchema).min(1).optional(),
      setStatus: z.enum(caseStatuses).optional(),
      /** An internal note on the case; never sent to the customer. */
      note: nonEmpty.optional(),
      /** A Slack channel (`#name`) or an agent; until the Slack issue lands, an outbox row. */
      notify: z
        .strictObject({
          channel: z
            .string()
            .regex(/^#[\w-]+$/, "write a channel name with its #, e.g. #escalations")
            .optional(),
          user: slugSchema.optional(),
          message: nonEmpty.optional(),
        })
        .check(requireKeys(["channel", "user"], "one", "write exactly one of channel, user"))
        .optional(),
      /** Send the channel's acknowledgement to the customer, through the existing acknowledgement path and its caps. */
      acknowledge: z.literal(true, { error: "write acknowledge: true" }).optional(),
      /** A destination id from `destinations:`. */
      push: slugSchema.optional(),
    },
    mappingError("write the action as a mapping, e.g. - setTeam: billing"),
  )
  .check(requireKeys(ACTION_TYPES, "one", `write exactly one action per list item: ${ACTION_TYPES.join(", ")}`));

/** One entry of `routing.rules:`. */
export const ruleSchema = z.strictObject({
  /** Unique; names the rule in events, explanations and the dry run. */
  id: slugSchema,
  description: nonEmpty,
  on: triggersSchema,
  /** Without `if`, the rule runs on every trigger it listens to. */
  if: conditionSchema.optional(),
  then: z.array(actionSchema).min(1, "add at least one action"),
  /** Later rules are not evaluated for this trigger once this rule has fired. */
  stop: z.boolean().default(false),
});

/** `routing.rules:` evaluated in the order written. */
export const rulesSchema = z.array(ruleSchema);

export type Rule = z.output<typeof ruleSchema>;
export type Triggers = z.output<typeof triggersSchema>;
export type TimerAfter = z.output<typeof timerAfterSchema>;
export type Action = z.output<typeof actionSchema>;
export type TextTest = z.output<typeof textTestSchema>;
export type { NumberTest, EnumTest };
