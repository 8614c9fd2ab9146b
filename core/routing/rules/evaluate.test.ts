import { parse } from "yaml";

import type { CaseView, RuleContext } from "./case-view";
import { compileRules, evaluateRules, type CompiledRules, type RuleTrigger } from "./evaluate";
import { rulesSchema } from "./rules.schema";

const NOW = new Date("2026-03-10T12:00:00Z");

const BASE: CaseView = {
  id: "case-1",
  channel: "email",
  connector: "support-mail",
  subject: "Where is my parcel?",
  text: "The parcel never arrived. I want a refund.",
  category: null,
  kind: "complaint",
  severity: "annoyed",
  sentiment: "negative",
  language: "en",
  priority: 40,
  customer: { tier: "standard", segment: null, dealSize: null },
  status: "new",
  team: null,
  assignee: null,
  tags: [],
  createdAt: new Date(NOW.getTime() - 60_000),
  lastCustomerMessageAt: new Date(NOW.getTime() - 60_000),
  lastAgentReplyAt: null,
  statusChangedAt: new Date(NOW.getTime() - 60_000),
};

const context: RuleContext = { now: NOW, calendars: { isOpen: () => true } };

/** Rules written as they are in the config file. */
function rules(text: string): CompiledRules {
  return compileRules(rulesSchema.parse(parse(text)));
}

const created: RuleTrigger = { type: "case.created" };
const ids = (list: readonly { ruleId: string }[]) => list.map((entry) => entry.ruleId);

describe("evaluateRules", () => {
  it("reports the rules that fired, the first failing condition of the others, the actions and the case after", () => {
    const compiled = rules(`
- id: refunds-to-billing
  description: Refund requests go to billing
  on: { case.created: }
  if: { text: { contains: [refund, chargeback] } }
  then:
    - setTeam: billing
    - addTags: [refund]
- id: vip-first
  description: VIP customers jump the queue
  on: { case.created: }
  if:
    all:
      - channel: { in: [email, sms] }
      - customer: { tier: { is: vip } }
  then:
    - setPriority: 90
`);
    expect(evaluateRules(compiled, created, BASE, context)).toStrictEqual({
      fired: [
        {
          ruleId: "refunds-to-billing",
          seen: [{ path: "if.text", expected: { contains: ["refund", "chargeback"] }, actual: "refund", held: true }],
          actions: [
            { ruleId: "refunds-to-billing", type: "setTeam", team: "billing" },
            { ruleId: "refunds-to-billing", type: "addTags", tags: ["refund"] },
          ],
        },
      ],
      skipped: [
        {
          ruleId: "vip-first",
          reason: "condition",
          failed: { path: "if.all[1].customer.tier", expected: { is: "vip" }, actual: "standard" },
        },
      ],
      actions: [
        { ruleId: "refunds-to-billing", type: "setTeam", team: "billing" },
        { ruleId: "refunds-to-billing", type: "addTags", tags: ["refund"] },
      ],
      caseAfter: { ...BASE, team: "billing", tags: ["refund"] },
      next: { type: "case.changed", fields: ["team", "tags"], causedBy: ["refunds-to-billing"] },
    });
  });

  it("runs rules in file order, each seeing what earlier rules changed, and leaves the input case alone", () => {
    const compiled = rules(`
- id: before-categorised
  description: Sees the case as it came in
  on: { case.created: }
  if: { category: { is: billing-payments } }
  then: [{ addTags: [early] }]
- id: categorise-refunds
  description: Refunds are billing
  on: { case.created: }
  if: { text: { contains: refund } }
  then: [{ setCategory: billing-payments }]
- id: after-categorised
  description: Sees the category set by the rule above
  on: { case.created: }
  if: { category: { is: billing-payments } }
  then: [{ setTeam: billing }, { addTags: [late] }]
`);
    const input = { ...BASE, tags: ["x"] };
    const outcome = evaluateRules(compiled, created, input, context);
    expect([ids(outcome.fired), ids(outcome.skipped)]).toStrictEqual([
      ["categorise-refunds", "after-categorised"],
      ["before-categorised"],
    ]);
    expect(outcome.caseAfter).toStrictEqual({
      ...BASE,
      category: "billing-payments",
      team: "billing",
      tags: ["x", "late"],
    });
    expect(input).toStrictEqual({ ...BASE, tags: ["x"] });
  });

  it("ends the evaluation at a fired rule with stop, listing the rest as stopped by it", () => {
    const compiled = rules(`
- id: spam-stops-here
  description: Spam needs no routing
  on: { case.created: }
  if: { kind: { is: spam } }
  then: [{ setStatus: closed }]
  stop: true
- id: complaints-stop-here
  description: Complaints go to support and nothing else runs
  on: { case.created: }
  if: { kind: { is: complaint } }
  then: [{ setTeam: support }]
  stop: true
- id: never-after-a-complaint
  description: Not reached for complaints
  on: { case.created: }
  then: [{ addTags: [seen] }]
- id: listens-elsewhere
  description: Another trigger, not listed
  on: { message.added: }
  then: [{ addTags: [other] }]
`);
    const outcome = evaluateRules(compiled, created, BASE, context);
    expect([ids(outcome.fired), outcome.skipped]).toStrictEqual([
      ["complaints-stop-here"],
      [
        {
          ruleId: "spam-stops-here",
          reason: "condition",
          failed: { path: "if.kind", expected: { is: "spam" }, actual: "complaint" },
        },
        { ruleId: "never-after-a-complaint", reason: "stopped", by: "complaints-stop-here" },
      ],
    ]);
  });

  describe("triggers", () => {
    const compiled = rules(`
- id: on-created
  description: x
  on: { case.created: }
  then: [{ addTags: [created] }]
- id: on-customer-message
  description: x
  on: { message.added: { from: customer } }
  then: [{ addTags: [customer] }]
- id: on-agent-message
  description: x
  on: { message.added: { from: agent } }
  then: [{ addTags: [agent] }]
- id: on-any-message
  description: x
  on: { message.added: }
  then: [{ addTags: [message] }]
- id: on-status-or-team
  description: x
  on: { case.changed: { fields: [status, team] } }
  then: [{ note: changed }]
- id: on-any-change
  description: x
  on: { case.changed: }
  then: [{ note: anything }]
- id: created-or-message
  description: x
  on: { case.created: , message.added: { from: customer } }
  then: [{ note: both }]
- id: pending-too-long
  description: x
  on: { timer: { after: { days: 3, since: statusChanged } } }
  if: { status: { is: pending } }
  then: [{ setStatus: resolved }]
`);
    const cases: [RuleTrigger, string[]][] = [
      [{ type: "case.created" }, ["on-created", "created-or-message"]],
      [{ type: "message.added", from: "customer" }, ["on-customer-message", "on-any-message", "created-or-message"]],
      [{ type: "message.added", from: "agent" }, ["on-agent-message", "on-any-message"]],
      [{ type: "case.changed", fields: ["team"] }, ["on-status-or-team", "on-any-change"]],
      [{ type: "case.changed", fields: ["priority", "tags"] }, ["on-any-change"]],
      [{ type: "timer", ruleId: "pending-too-long" }, ["pending-too-long"]],
      [{ type: "timer", ruleId: "on-created" }, []],
      [{ type: "timer", ruleId: "removed-since" }, []],
    ];
    it.each(cases)("%j runs %j", (trigger, expected) => {
      const outcome = evaluateRules(compiled, trigger, { ...BASE, status: "pending" }, context);
      expect([...ids(outcome.fired), ...ids(outcome.skipped)]).toStrictEqual(expected);
    });

    it("exposes each timer rule's timer for the scheduler", () => {
      expect([...compiled.timers].map(([id, rule]) => [id, rule.timer])).toStrictEqual([
        ["pending-too-long", { days: 3, since: "statusChanged" }],
      ]);
    });
  });

  describe("loop guard", () => {
    const compiled = rules(`
- id: team-sets-priority
  description: A team change raises the priority
  on: { case.changed: { fields: [team] } }
  then: [{ setPriority: { add: 10 } }]
- id: priority-sets-team
  description: A priority change moves the case
  on: { case.changed: { fields: [priority] } }
  then: [{ setTeam: escalations }, { setTeam: tier-2 }]
- id: retag-on-any-change
  description: Tags on every change
  on: { case.changed: }
  then: [{ addTags: [touched] }]
`);

    it("skips the rules whose change caused the trigger", () => {
      const trigger: RuleTrigger = {
        type: "case.changed",
        fields: ["team", "tags"],
        causedBy: ["retag-on-any-change"],
      };
      const outcome = evaluateRules(compiled, trigger, BASE, context);
      expect([ids(outcome.fired), outcome.skipped, outcome.next]).toStrictEqual([
        ["team-sets-priority"],
        [{ ruleId: "retag-on-any-change", reason: "loop-guard" }],
        { type: "case.changed", fields: ["priority"], causedBy: ["retag-on-any-change", "team-sets-priority"] },
      ]);
    });

    it("ends a chain of changes: each step guards the rules that changed something, until nothing changes", () => {
      let view = BASE;
      let trigger: RuleTrigger | null = { type: "case.changed", fields: ["team"] };
      const steps: string[][] = [];
      while (trigger !== null && steps.length < 10) {
        const outcome = evaluateRules(compiled, trigger, view, context);
        steps.push(ids(outcome.fired));
        view = outcome.caseAfter;
        trigger = outcome.next;
      }
      expect([steps, view.priority, view.team, view.tags]).toStrictEqual([
        [["team-sets-priority", "retag-on-any-change"], ["priority-sets-team"], []],
        50,
        "tier-2",
        ["touched"],
      ]);
    });
  });

  describe("actions", () => {
    const priority = (setPriority: string, start: number | null) => {
      const compiled = rules(`
- id: p
  description: x
  on: { case.created: }
  then: [{ setPriority: ${setPriority} }]
`);
      return evaluateRules(compiled, created, { ...BASE, priority: start }, context).caseAfter.priority;
    };
    const clamping: [string, number | null, number][] = [
      ["70", 40, 70],
      ["0", 40, 0],
      ["{ add: 20 }", 40, 60],
      ["{ add: 30 }", 85, 100],
      ["{ add: -30 }", 10, 0],
      ["{ add: -100 }", 100, 0],
      ["{ add: 15 }", null, 15],
    ];
    it.each(clamping)("setPriority %s from %p gives %p", (setPriority, start, expected) => {
      expect(priority(setPriority, start)).toBe(expected);
    });

    it("plans every kind of action; a requested assignment strategy leaves the assignee to the caller", () => {
      const compiled = rules(`
- id: everything
  description: x
  on: { case.created: }
  then:
    - setTeam: billing
    - assign: { agent: ana }
    - assign: { strategy: round-robin }
    - setPriority: { add: 5 }
    - setCategory: billing-payments
    - addTags: [vip, refund, vip-2]
    - removeTags: [vip-2, never-there]
    - setStatus: open
    - note: Routed by rule
    - notify: { channel: "#billing", message: A refund request }
    - notify: { user: ana }
    - acknowledge: true
    - push: zendesk
`);
      const outcome = evaluateRules(compiled, created, { ...BASE, tags: ["vip"] }, context);
      const planned = outcome.actions.map(({ ruleId: _ruleId, ...action }) => action);
      expect(planned).toStrictEqual([
        { type: "setTeam", team: "billing" },
        { type: "assign", agent: "ana" },
        { type: "assign", strategy: "round-robin" },
        { type: "setPriority", priority: 45 },
        { type: "setCategory", category: "billing-payments" },
        { type: "addTags", tags: ["vip", "refund", "vip-2"] },
        { type: "removeTags", tags: ["vip-2", "never-there"] },
        { type: "setStatus", status: "open" },
        { type: "note", text: "Routed by rule" },
        { type: "notify", channel: "#billing", message: "A refund request" },
        { type: "notify", user: "ana", message: null },
        { type: "acknowledge" },
        { type: "push", destination: "zendesk" },
      ]);
      const { team, assignee, priority: score, category, tags, status } = outcome.caseAfter;
      expect([team, assignee, score, category, tags, status, outcome.next]).toStrictEqual([
        "billing",
        "ana",
        45,
        "billing-payments",
        ["vip", "refund"],
        "open",
        {
          type: "case.changed",
          fields: ["status", "team", "assignee", "priority", "category", "tags"],
          causedBy: ["everything"],
        },
      ]);
    });

    it("reports a strategy request as an assignee change to come, and no change when nothing changed", () => {
      const compiled = rules(`
- id: round-robin
  description: x
  on: { case.created: }
  then: [{ assign: { strategy: least-loaded } }, { note: hi }]
- id: same-team
  description: x
  on: { message.added: }
  then: [{ setTeam: support }, { addTags: [vip] }, { removeTags: [gone] }]
`);
      const assignment = evaluateRules(compiled, created, BASE, context);
      const same = evaluateRules(
        compiled,
        { type: "message.added", from: "agent" },
        { ...BASE, team: "support", tags: ["vip"] },
        context,
      );
      expect([assignment.caseAfter.assignee, assignment.next, ids(same.fired), same.next]).toStrictEqual([
        null,
        { type: "case.changed", fields: ["assignee"], causedBy: ["round-robin"] },
        ["same-team"],
        null,
      ]);
    });
  });

  it("counts removing a tag as a change, and hands out planned actions frozen (they are shared between runs)", () => {
    const compiled = rules(`
- id: untag
  description: x
  on: { case.created: }
  then: [{ removeTags: [waiting] }, { note: Tag removed }]
`);
    const first = evaluateRules(compiled, created, { ...BASE, tags: ["vip", "waiting"] }, context);
    const again = evaluateRules(compiled, created, BASE, context);
    expect([first.caseAfter.tags, first.next, again.next]).toStrictEqual([
      ["vip"],
      { type: "case.changed", fields: ["tags"], causedBy: ["untag"] },
      null,
    ]);
    expect([again.actions[1] === first.actions[1], Object.isFrozen(first.actions[0])]).toStrictEqual([true, true]);
  });

  it("refuses to compile two rules with one id", () => {
    const rule = { id: "twice", description: "x", on: { "case.created": null }, then: [{ note: "x" }] };
    expect(() => compileRules(rulesSchema.parse([rule, rule]))).toThrow('duplicate rule id "twice"');
  });
});
