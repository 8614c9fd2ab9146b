import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";

import { plaintConfigSchema, routingConfigSchema, slugSchema } from "../../config/config.schema";
import { checkSemantics } from "../../config/semantic-checks";
import type { ConnectorConfigBase } from "../../connector-contract/connector";
import { timerStart, type CaseView, type RuleContext } from "./case-view";
import { compileRules, evaluateRules, type RuleTrigger } from "./evaluate";
import { checkRules } from "./rules.checks";

const file = readFileSync(path.join(__dirname, "fixtures", "example-rules.yaml"), "utf8");
const data = parse(file) as { routing: unknown };
/** What the rules name besides themselves: teams, and the EMEA calendar (from the schedule module's section). */
const surroundings = {
  teams: ["support", "finance", "escalations"].map((id) => ({ id, name: id })),
  calendars: [{ id: "emea-office" }],
};

const NOW = new Date("2026-03-10T12:00:00Z");
const context: RuleContext = { now: NOW, calendars: { isOpen: () => true } };
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

const NEW_CASE: CaseView = {
  id: "case-1",
  channel: "email",
  connector: "support-mail",
  subject: "Invoice 2231 charged twice",
  text: "You charged my card twice for invoice 2231. Fix it today or my lawyer will.",
  category: "billing-payments",
  kind: "complaint",
  severity: "inconvenienced",
  sentiment: "negative",
  language: "en",
  priority: 40,
  customer: { tier: "enterprise", segment: "saas", dealSize: 80_000 },
  status: "new",
  team: null,
  assignee: null,
  tags: [],
  createdAt: NOW,
  lastCustomerMessageAt: NOW,
  lastAgentReplyAt: null,
  statusChangedAt: NOW,
};

const parsed = routingConfigSchema.safeParse(data.routing);
const rules = compileRules(parsed.success ? (parsed.data.rules ?? []) : []);
const evaluate = (trigger: RuleTrigger, view: CaseView) => evaluateRules(rules, trigger, view, context);
const ids = (list: readonly { ruleId: string }[]) => list.map((entry) => entry.ruleId);

describe("the example rules (fixtures/example-rules.yaml)", () => {
  it("validate, and pass every semantic check", () => {
    expect(parsed.success ? [] : parsed.error.issues).toStrictEqual([]);
    expect(checkRules({ ...surroundings, ...data })).toStrictEqual([]);
    expect(rules.all.map((rule) => rule.id)).toStrictEqual([
      "close-spam",
      "billing-to-finance",
      "vip-first",
      "legal-threats",
      "customer-answered",
      "auto-close-pending",
      "escalate-unassigned-enterprise",
    ]);
  });

  it("route a new billing case from an enterprise customer threatening a lawyer: category, VIP, then keywords", () => {
    const outcome = evaluate({ type: "case.created" }, NEW_CASE);
    expect(outcome).toStrictEqual({
      fired: [
        {
          ruleId: "billing-to-finance",
          seen: [
            { path: "if.category", expected: { in: ["billing-payments"] }, actual: "billing-payments", held: true },
          ],
          actions: [
            { ruleId: "billing-to-finance", type: "setTeam", team: "finance" },
            { ruleId: "billing-to-finance", type: "assign", strategy: "round-robin" },
          ],
        },
        {
          ruleId: "vip-first",
          seen: [
            {
              path: "if.any[0].customer.tier",
              expected: { in: ["vip", "enterprise"] },
              actual: "enterprise",
              held: true,
            },
          ],
          actions: [
            { ruleId: "vip-first", type: "setPriority", priority: 60 },
            { ruleId: "vip-first", type: "addTags", tags: ["vip"] },
            { ruleId: "vip-first", type: "notify", channel: "#vip-desk", message: "A VIP customer opened a case" },
          ],
        },
        {
          ruleId: "legal-threats",
          seen: [
            {
              path: "if.text",
              expected: { contains: ["lawyer", "legal action", "sue", "court", "chargeback"] },
              actual: "lawyer",
              held: true,
            },
          ],
          actions: [
            { ruleId: "legal-threats", type: "setTeam", team: "escalations" },
            { ruleId: "legal-threats", type: "setPriority", priority: 95 },
            {
              ruleId: "legal-threats",
              type: "note",
              text: "The customer mentions legal steps; answer within the hour and loop in legal.",
            },
            { ruleId: "legal-threats", type: "notify", channel: "#legal", message: null },
          ],
        },
      ],
      skipped: [
        {
          ruleId: "close-spam",
          reason: "condition",
          failed: { path: "if.kind", expected: { is: "spam" }, actual: "complaint" },
        },
      ],
      actions: outcome.fired.flatMap((fired) => fired.actions),
      caseAfter: { ...NEW_CASE, team: "escalations", priority: 95, tags: ["vip"] },
      next: {
        type: "case.changed",
        fields: ["team", "assignee", "priority", "tags"],
        causedBy: ["billing-to-finance", "vip-first", "legal-threats"],
      },
    });
  });

  it("close spam and stop there", () => {
    const outcome = evaluate({ type: "case.created" }, { ...NEW_CASE, kind: "spam" });
    expect([ids(outcome.fired), outcome.skipped, outcome.caseAfter.status]).toStrictEqual([
      ["close-spam"],
      [
        { ruleId: "billing-to-finance", reason: "stopped", by: "close-spam" },
        { ruleId: "vip-first", reason: "stopped", by: "close-spam" },
        { ruleId: "legal-threats", reason: "stopped", by: "close-spam" },
      ],
      "closed",
    ]);
  });

  it("reopen a pending case when the customer answers", () => {
    const pending: CaseView = {
      ...NEW_CASE,
      status: "pending",
      team: "finance",
      tags: ["waiting-on-customer"],
      text: "Here is the screenshot you asked for.",
    };
    const outcome = evaluate({ type: "message.added", from: "customer" }, pending);
    expect([ids(outcome.fired), outcome.skipped, outcome.caseAfter.status, outcome.caseAfter.tags]).toStrictEqual([
      ["customer-answered"],
      [
        {
          ruleId: "legal-threats",
          reason: "condition",
          failed: {
            path: "if.text",
            expected: { contains: ["lawyer", "legal action", "sue", "court", "chargeback"] },
            actual: null,
          },
        },
      ],
      "open",
      [],
    ]);
  });

  it("resolve a case pending for 3 days with a note, and leave one the customer answered", () => {
    const pending: CaseView = { ...NEW_CASE, status: "pending", statusChangedAt: ago(3 * 24 * 60) };
    const timer: RuleTrigger = { type: "timer", ruleId: "auto-close-pending" };
    const closed = evaluate(timer, pending);
    const answered = evaluate(timer, { ...pending, status: "open" });
    expect([
      timerStart(pending, rules.timers.get("auto-close-pending")?.timer?.since ?? "created"),
      closed.actions,
      closed.caseAfter.status,
      answered.skipped,
    ]).toStrictEqual([
      ago(3 * 24 * 60),
      [
        { ruleId: "auto-close-pending", type: "setStatus", status: "resolved" },
        {
          ruleId: "auto-close-pending",
          type: "note",
          text: "Resolved automatically after 3 days without an answer from the customer.",
        },
      ],
      "resolved",
      [
        {
          ruleId: "auto-close-pending",
          reason: "condition",
          failed: { path: "if.status", expected: { is: "pending" }, actual: "open" },
        },
      ],
    ]);
  });

  it("escalate an unassigned enterprise case once: the tag it adds makes its own condition false", () => {
    const timer: RuleTrigger = { type: "timer", ruleId: "escalate-unassigned-enterprise" };
    const first = evaluate(timer, { ...NEW_CASE, createdAt: ago(15) });
    const again = evaluate(timer, first.caseAfter);
    expect([
      rules.timers.get("escalate-unassigned-enterprise")?.timer,
      ids(first.fired),
      first.caseAfter.tags,
      first.caseAfter.priority,
      again.skipped,
    ]).toStrictEqual([
      { minutes: 15, since: "created", businessHours: "emea-office" },
      ["escalate-unassigned-enterprise"],
      ["escalated"],
      50,
      [
        {
          ruleId: "escalate-unassigned-enterprise",
          reason: "condition",
          failed: {
            path: "if.not",
            expected: "not to hold",
            actual: [{ path: "if.not.tags", expected: { includes: "escalated" }, actual: ["escalated"], held: true }],
          },
        },
      ],
    ]);
  });
});

describe("config/plaint.yaml", () => {
  const shipped = readFileSync(path.join(__dirname, "..", "..", "..", "config", "plaint.yaml"), "utf8");
  /** A stand-in for the connector registry, which core may not import: the webhook entry's own schema is not under test. */
  const anyConnector = z.looseObject({ id: slugSchema, type: z.string() }) as z.ZodType<ConnectorConfigBase>;

  /** The `# rules:` block under `routing:`, uncommented. */
  function uncommentRules(text: string): string {
    let inBlock = false;
    return text
      .split("\n")
      .map((line) => {
        inBlock = line === "  # rules:" || (inBlock && line.startsWith("  #   "));
        return inBlock ? `  ${line.slice(4)}` : line;
      })
      .join("\n");
  }

  it("carries example rules in comments that validate once uncommented", () => {
    const text = uncommentRules(shipped);
    const config = parse(text) as { routing: { rules?: { id: string }[] } };
    const result = plaintConfigSchema(anyConnector).safeParse(config);
    expect([
      config.routing.rules?.map((rule) => rule.id),
      result.success ? [] : result.error.issues,
      checkSemantics(config, {}),
    ]).toStrictEqual([["blocked-first", "auto-close-pending"], [], []]);
  });
});
