import { parse } from "yaml";

import { caseViewAtCreation, replayRules, type StoredCaseRow } from "./dry-run";
import { compileRules, type CompiledRules } from "./rules/index";
import { rulesSchema } from "./rules/rules.schema";

const AT = new Date("2026-03-10T09:00:00Z");

/** A stored case as the pipeline left it (every case went to the default team). */
function row(number: number, text: string, overrides: Partial<StoredCaseRow> = {}): StoredCaseRow {
  return {
    id: `case-${number}`,
    number,
    channel: "webhook",
    subject: `Order ${number}`,
    category: "delivery",
    severity: "annoyed",
    priority: 40,
    team: "support",
    assignee: null,
    status: "open",
    createdAt: new Date(AT.getTime() + number * 60_000),
    text,
    classification: { kind: "complaint", sentiment: "negative", language: "en", category: "delivery" },
    connector: "webform",
    attributes: {},
    ...overrides,
  };
}

/** Rules written as in the config file; each gets a description (required) from its id. */
function rules(text: string): CompiledRules {
  const written = parse(text) as Record<string, unknown>[];
  return compileRules(
    rulesSchema.parse(written.map((rule) => ({ description: `rule ${String(rule["id"])}`, ...rule }))),
  );
}

const calendars = { isOpen: () => true };

describe("caseViewAtCreation", () => {
  it("builds the case as it stood when created, from the row, its first message and the customer", () => {
    const stored = row(7, "Refund please", {
      attributes: { tier: "vip", segment: "smb", dealSize: 1200, other: true },
      classification: { kind: "nonsense", sentiment: "positive", language: "de" },
      severity: "unknown",
    });
    expect(caseViewAtCreation(stored)).toStrictEqual({
      id: "case-7",
      channel: "webhook",
      connector: "webform",
      subject: "Order 7",
      text: "Refund please",
      category: "delivery",
      kind: null,
      severity: null,
      sentiment: "positive",
      language: "de",
      priority: 40,
      customer: { tier: "vip", segment: "smb", dealSize: 1200 },
      status: "new",
      team: null,
      assignee: null,
      tags: [],
      createdAt: stored.createdAt,
      lastCustomerMessageAt: stored.createdAt,
      lastAgentReplyAt: null,
      statusChangedAt: stored.createdAt,
    });
  });

  it("reads a case without an inbound message or classification as empty text and unknown signals", () => {
    const view = caseViewAtCreation(row(8, "", { text: null, classification: null, connector: null }));
    expect([view.text, view.kind, view.sentiment, view.language, view.connector]).toStrictEqual([
      "",
      null,
      null,
      null,
      null,
    ]);
  });
});

describe("replayRules", () => {
  const cases = [
    row(1, "My parcel is late."),
    row(2, "I want a refund for the broken lamp."),
    row(3, "Refund now, or I call my lawyer."),
    row(4, "Where is my order?", { attributes: { tier: "vip" } }),
    row(5, "Thanks for nothing.", { team: "billing", priority: 70 }),
  ];

  it("reports the changed cases, the fired counts, rules that never fired and rules always pre-empted", () => {
    const compiled = rules(`
- id: legal
  on: { case.created: }
  if: { text: { contains: lawyer } }
  then: [{ setTeam: legal }, { setPriority: 95 }]
  stop: true
- id: refunds
  on: { case.created: }
  if: { text: { contains: refund } }
  then: [{ setTeam: billing }, { setCategory: billing }]
- id: vip
  on: { case.created: }
  if: { customer: { tier: { is: vip } } }
  then: [{ assign: { agent: ana } }, { setPriority: { add: 20 } }]
- id: vip-lawyer
  on: { case.created: }
  if: { text: { contains: lawyer } }
  then: [{ addTags: [legal] }]
- id: spanish
  on: { case.created: }
  if: { language: { is: es } }
  then: [{ setTeam: spanish }]
- id: billing-urgent
  on: { case.changed: { fields: [team] } }
  if: { team: { is: billing } }
  then: [{ setPriority: 80 }]
- id: nudge
  on: { timer: { after: { days: 3, since: statusChanged } } }
  if: { status: { is: pending } }
  then: [{ setStatus: closed }]
`);
    expect(replayRules(compiled, cases, { calendars })).toStrictEqual({
      changes: [
        {
          case: "C-2",
          before: { team: "support", priority: 40, category: "delivery" },
          after: { team: "billing", priority: 80, category: "billing" },
          rules: ["refunds", "billing-urgent"],
        },
        {
          case: "C-3",
          before: { team: "support", priority: 40 },
          after: { team: "legal", priority: 95 },
          rules: ["legal"],
        },
        {
          case: "C-4",
          before: { assignee: null, priority: 40 },
          after: { assignee: "ana", priority: 60 },
          rules: ["vip"],
        },
      ],
      summary: {
        cases: 5,
        changed: 3,
        fired: { legal: 1, refunds: 1, vip: 1, "billing-urgent": 1 },
        neverFired: ["spanish"],
        preempted: [{ rule: "vip-lawyer", by: ["legal"] }],
        notReplayed: ["nudge"],
      },
    });
  });

  it("reports nothing for rules that agree with what happened, and a strategy as the assignee asked for", () => {
    const compiled = rules(`
- id: stay
  on: { case.created: }
  then: [{ setTeam: support }]
- id: round
  on: { case.created: }
  if: { text: { contains: thanks } }
  then: [{ assign: { strategy: round-robin } }]
`);
    expect(replayRules(compiled, cases, { calendars })).toStrictEqual({
      changes: [
        {
          case: "C-5",
          before: { team: "billing", assignee: null },
          after: { team: "support", assignee: "strategy:round-robin" },
          rules: ["stay", "round"],
        },
      ],
      summary: { cases: 5, changed: 1, fired: { stay: 5, round: 1 }, neverFired: [], preempted: [], notReplayed: [] },
    });
  });

  it("passes the creation time and the calendars to business-hours tests", () => {
    const compiled = rules(`
- id: after-hours
  on: { case.created: }
  if: { businessHours: { calendar: office, open: false } }
  then: [{ setTeam: night }]
`);
    const seen: string[] = [];
    const office = {
      isOpen: (calendar: string, at: Date) => {
        seen.push(`${calendar}@${at.toISOString()}`);
        return at.getTime() < AT.getTime() + 2 * 60_000;
      },
    };
    const { changes, summary } = replayRules(compiled, cases.slice(0, 3), { calendars: office });
    expect(changes).toStrictEqual([
      { case: "C-2", before: { team: "support" }, after: { team: "night" }, rules: ["after-hours"] },
      { case: "C-3", before: { team: "support" }, after: { team: "night" }, rules: ["after-hours"] },
    ]);
    expect(summary.fired).toStrictEqual({ "after-hours": 2 });
    expect(seen).toStrictEqual([
      "office@2026-03-10T09:01:00.000Z",
      "office@2026-03-10T09:02:00.000Z",
      "office@2026-03-10T09:03:00.000Z",
    ]);
  });

  it("replays nothing from no cases: every replayed rule never fired", () => {
    const compiled = rules(`
- id: any
  on: { case.created: }
  then: [{ setTeam: support }]
`);
    expect(replayRules(compiled, [], { calendars })).toStrictEqual({
      changes: [],
      summary: { cases: 0, changed: 0, fired: {}, neverFired: ["any"], preempted: [], notReplayed: [] },
    });
  });
});
