import type { BusinessCalendars, CaseView } from "./case-view";
import { compileCondition, type TestEnv } from "./conditions";
import { containsRegex } from "./keywords";
import { conditionSchema } from "./rules.schema";
import { Seen } from "./seen";

const NOW = new Date("2026-03-10T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

const BASE: CaseView = {
  id: "case-1",
  channel: "email",
  connector: "support-mail",
  subject: "Refund for order 4821",
  text: "Hello, the parcel never arrived.\nI want a refund, or I will call my lawyer. Grüße, Jürgen",
  category: "delivery-fulfilment",
  kind: "complaint",
  severity: "annoyed",
  sentiment: "negative",
  language: "en",
  priority: 55,
  customer: { tier: "enterprise", segment: "retail", dealSize: 120_000 },
  status: "open",
  team: "support",
  assignee: null,
  tags: ["vip", "repeat"],
  createdAt: minutesAgo(90),
  lastCustomerMessageAt: minutesAgo(30),
  lastAgentReplyAt: null,
  statusChangedAt: minutesAgo(90),
};

/** The EMEA office is open at NOW, the US office is closed. */
const calendars: BusinessCalendars = { isOpen: (calendar) => calendar === "emea-office" };

const env = (): TestEnv => ({ now: NOW.getTime(), calendars, open: new Map() });

function run(condition: unknown, overrides: Partial<CaseView> = {}) {
  const node = compileCondition(conditionSchema.parse(condition));
  const view = { ...BASE, ...overrides };
  const seen = new Seen();
  const fail = node.run(view, env(), seen);
  // Recording or not, a condition fails the same way.
  expect(node.run(view, env(), null)).toStrictEqual(fail);
  return { fail, seen: seen.values() };
}

type Row = [name: string, condition: unknown, overrides: Partial<CaseView>, held: boolean];

const ROWS: Row[] = [
  ["channel is", { channel: { is: "email" } }, {}, true],
  ["channel is, other channel", { channel: { is: "sms" } }, {}, false],
  ["channel in", { channel: { in: ["sms", "email"] } }, {}, true],
  ["channel in, not listed", { channel: { in: ["sms", "whatsapp"] } }, {}, false],
  ["channel not", { channel: { not: "sms" } }, {}, true],
  ["channel not, same", { channel: { not: "email" } }, {}, false],
  ["connector is", { connector: { is: "support-mail" } }, {}, true],
  ["connector is, no connector", { connector: { is: "support-mail" } }, { connector: null }, false],
  ["category in", { category: { in: ["billing-payments", "delivery-fulfilment"] } }, {}, true],
  ["category is, unclassified", { category: { is: "delivery-fulfilment" } }, { category: null }, false],
  ["category not, unclassified", { category: { not: "billing-payments" } }, { category: null }, true],
  ["kind is", { kind: { is: "complaint" } }, {}, true],
  ["kind not", { kind: { not: "complaint" } }, {}, false],
  ["severity in", { severity: { in: ["blocked", "annoyed"] } }, {}, true],
  ["severity is", { severity: { is: "blocked" } }, {}, false],
  ["sentiment is", { sentiment: { is: "negative" } }, {}, true],
  ["sentiment is, positive", { sentiment: { is: "negative" } }, { sentiment: "positive" }, false],
  ["language in", { language: { in: ["de", "en"] } }, {}, true],
  ["language is", { language: { is: "de" } }, {}, false],
  ["priority gte, equal", { priority: { gte: 55 } }, {}, true],
  ["priority gt, equal", { priority: { gt: 55 } }, {}, false],
  ["priority lte", { priority: { lte: 55 } }, {}, true],
  ["priority lt, equal", { priority: { lt: 55 } }, {}, false],
  ["priority eq", { priority: { eq: 55 } }, {}, true],
  ["priority eq, other", { priority: { eq: 56 } }, {}, false],
  ["priority range", { priority: { gte: 50, lt: 80 } }, {}, true],
  ["priority range, above", { priority: { gte: 50, lt: 80 } }, { priority: 80 }, false],
  ["priority, none", { priority: { gte: 0 } }, { priority: null }, false],
  ["customer tier in", { customer: { tier: { in: ["enterprise", "vip"] } } }, {}, true],
  [
    "customer tier, unknown",
    { customer: { tier: { is: "enterprise" } } },
    { customer: { ...BASE.customer, tier: null } },
    false,
  ],
  ["customer segment not", { customer: { segment: { not: "retail" } } }, {}, false],
  ["customer dealSize gte", { customer: { dealSize: { gte: 100_000 } } }, {}, true],
  ["customer tier and dealSize", { customer: { tier: { is: "enterprise" }, dealSize: { gt: 200_000 } } }, {}, false],
  ["text contains word", { text: { contains: "refund" } }, {}, true],
  ["text contains, upper case", { text: { contains: "REFUND" } }, {}, true],
  ["text contains, only inside a longer word", { text: { contains: "fund" } }, {}, false],
  ["text contains list, one present", { text: { contains: ["chargeback", "lawyer"] } }, {}, true],
  ["text contains list, none present", { text: { contains: ["chargeback", "court"] } }, {}, false],
  ["text contains phrase, punctuation in between", { text: { contains: "never arrived I" } }, {}, false],
  [
    "text contains phrase, spaces match any white space",
    { text: { contains: "arrived. I" } },
    { text: "arrived.\n\tI" },
    true,
  ],
  ["text contains, non-ASCII word", { text: { contains: "grüße" } }, {}, true],
  ["text contains, non-ASCII boundary", { text: { contains: "gr" } }, {}, false],
  [
    "text contains, regex characters are literal",
    { text: { contains: "order (4821)" } },
    { text: "order (4821) lost" },
    true,
  ],
  ["text matches", { text: { matches: "refund|chargeback" } }, {}, true],
  ["text matches, case-insensitive", { text: { matches: "^HELLO" } }, {}, true],
  ["text matches, no match", { text: { matches: "\\border \\d+" } }, {}, false],
  ["subject contains", { subject: { contains: "refund" } }, {}, true],
  ["subject matches", { subject: { matches: "order \\d{4}$" } }, {}, true],
  ["subject, none", { subject: { contains: "refund" } }, { subject: null }, false],
  ["status is", { status: { is: "open" } }, {}, true],
  ["status in", { status: { in: ["pending", "resolved"] } }, {}, false],
  ["team is", { team: { is: "support" } }, {}, true],
  ["team not, no team", { team: { not: "support" } }, { team: null }, true],
  ["assignee unassigned", { assignee: { unassigned: true } }, {}, true],
  ["assignee unassigned, assigned", { assignee: { unassigned: true } }, { assignee: "ana" }, false],
  ["assignee assigned", { assignee: { unassigned: false } }, { assignee: "ana" }, true],
  ["assignee is", { assignee: { is: "ana" } }, { assignee: "ana" }, true],
  ["assignee in, nobody", { assignee: { in: ["ana", "ben"] } }, {}, false],
  ["assignee not", { assignee: { not: "ana" } }, { assignee: "ben" }, true],
  ["tags includes", { tags: { includes: "vip" } }, {}, true],
  ["tags includes, absent", { tags: { includes: "escalated" } }, {}, false],
  ["minutesSinceCreated gte", { minutesSinceCreated: { gte: 90 } }, {}, true],
  [
    "minutesSinceCreated, rounds down",
    { minutesSinceCreated: { gte: 91 } },
    { createdAt: new Date(NOW.getTime() - 90.9 * 60_000) },
    false,
  ],
  ["minutesSinceLastCustomerMessage lt", { minutesSinceLastCustomerMessage: { lt: 60 } }, {}, true],
  ["minutesSinceLastCustomerMessage gt", { minutesSinceLastCustomerMessage: { gt: 60 } }, {}, false],
  ["minutesSinceLastAgentReply, never replied", { minutesSinceLastAgentReply: { gte: 0 } }, {}, false],
  ["minutesSinceLastAgentReply", { minutesSinceLastAgentReply: { gte: 5 } }, { lastAgentReplyAt: minutesAgo(5) }, true],
  ["businessHours open", { businessHours: { calendar: "emea-office", open: true } }, {}, true],
  ["businessHours closed", { businessHours: { calendar: "us-office", open: false } }, {}, true],
  ["businessHours open, closed office", { businessHours: { calendar: "us-office", open: true } }, {}, false],
  ["mapping: every test", { channel: { is: "email" }, priority: { gte: 50 } }, {}, true],
  ["mapping: one fails", { channel: { is: "email" }, priority: { gte: 60 } }, {}, false],
  ["all", { all: [{ channel: { is: "email" } }, { tags: { includes: "vip" } }] }, {}, true],
  ["all, one fails", { all: [{ channel: { is: "email" } }, { tags: { includes: "new" } }] }, {}, false],
  ["any", { any: [{ channel: { is: "sms" } }, { tags: { includes: "vip" } }] }, {}, true],
  ["any, none", { any: [{ channel: { is: "sms" } }, { tags: { includes: "new" } }] }, {}, false],
  ["not", { not: { channel: { is: "sms" } } }, {}, true],
  ["not, holds", { not: { channel: { is: "email" } } }, {}, false],
  [
    "nested",
    {
      any: [{ all: [{ severity: { is: "blocked" } }] }, { not: { customer: { tier: { in: ["free", "standard"] } } } }],
    },
    {},
    true,
  ],
];

describe("conditions", () => {
  it.each(ROWS)("%s", (_name, condition, overrides, held) => {
    const result = run(condition, overrides);
    expect(result.fail === null).toBe(held);
  });

  it("records what each test saw (a mapping's tests before its groups), with only the words a text matched", () => {
    const { seen } = run({
      all: [{ customer: { tier: { in: ["enterprise"] } } }, { text: { contains: ["lawyer", "court"] } }],
      priority: { gte: 50 },
    });
    expect(seen).toStrictEqual([
      { path: "if.priority", expected: { gte: 50 }, actual: 55, held: true },
      { path: "if.all[0].customer.tier", expected: { in: ["enterprise"] }, actual: "enterprise", held: true },
      { path: "if.all[1].text", expected: { contains: ["lawyer", "court"] }, actual: "lawyer", held: true },
    ]);
  });

  it("records every test it ran: the alternatives of an any group that failed before one held, a not's inner test", () => {
    const { fail, seen } = run({
      any: [{ channel: { is: "sms" } }, { severity: { is: "annoyed" } }, { kind: { is: "spam" } }],
      not: { status: { is: "closed" } },
    });
    expect([fail, seen]).toStrictEqual([
      null,
      [
        { path: "if.any[0].channel", expected: { is: "sms" }, actual: "email", held: false },
        { path: "if.any[1].severity", expected: { is: "annoyed" }, actual: "annoyed", held: true },
        { path: "if.not.status", expected: { is: "closed" }, actual: "open", held: false },
      ],
    ]);
  });

  it("reports the first failing test with its path, the test as written and the value it read", () => {
    const { fail } = run({
      all: [{ channel: { is: "email" } }, { category: { in: ["billing-payments"] } }, { priority: { gte: 90 } }],
    });
    expect(fail).toStrictEqual({
      path: "if.all[1].category",
      expected: { in: ["billing-payments"] },
      actual: "delivery-fulfilment",
    });
  });

  it("reports an any group with each alternative's own failure, and a text with no match as null", () => {
    const { fail } = run({ any: [{ text: { contains: "chargeback" } }, { minutesSinceLastAgentReply: { gt: 10 } }] });
    expect(fail).toStrictEqual({
      path: "if.any",
      expected: "any to hold",
      actual: [
        { path: "if.any[0].text", expected: { contains: ["chargeback"] }, actual: null },
        { path: "if.any[1].minutesSinceLastAgentReply", expected: { gt: 10 }, actual: null },
      ],
    });
  });

  it("reports a not group with what its inner condition saw", () => {
    const { fail } = run({ not: { tags: { includes: "vip" } } });
    expect(fail).toStrictEqual({
      path: "if.not",
      expected: "not to hold",
      actual: [{ path: "if.not.tags", expected: { includes: "vip" }, actual: ["vip", "repeat"], held: true }],
    });
  });

  it("holds without a condition, and saw nothing", () => {
    const node = compileCondition(undefined);
    const seen = new Seen();
    expect([node.run(BASE, env(), seen), seen.values()]).toStrictEqual([null, []]);
  });

  it("asks a calendar once per evaluation, however many tests read it", () => {
    const asked: string[] = [];
    const counting: TestEnv = {
      now: NOW.getTime(),
      calendars: { isOpen: (calendar, at) => (asked.push(`${calendar}@${at.toISOString()}`), true) },
      open: new Map(),
    };
    const hours = { businessHours: { calendar: "emea-office", open: true } };
    const node = compileCondition(conditionSchema.parse({ all: [hours, { not: { any: [hours] } }] }));
    node.run(BASE, counting, new Seen());
    node.run(BASE, counting, new Seen());
    expect(asked).toStrictEqual(["emea-office@2026-03-10T12:00:00.000Z"]);
  });

  it("compiles a contains list into one case-insensitive regex on word boundaries, longest first", () => {
    const regex = containsRegex(["card", "credit card", "a.b"]);
    expect([regex.source, regex.flags]).toStrictEqual([
      "(?<![\\p{L}\\p{N}])(?:credit\\s+card|card|a\\.b)(?![\\p{L}\\p{N}])",
      "iu",
    ]);
    expect(["my Credit  Card", "cardholder", "axb", "A.B."].map((text) => regex.test(text))).toStrictEqual([
      true,
      false,
      false,
      true,
    ]);
  });
});
