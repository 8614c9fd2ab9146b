import { parse } from "yaml";
import { routingConfigSchema } from "../config/config.schema";
import { route, type RoutableCase } from "./route";
import type { RuleContext } from "./rules";

const newCase: RoutableCase = {
  id: "case-1",
  customerId: "customer-1",
  channel: "sms",
  connector: "twilio-main",
  subject: null,
  text: "You charged me twice and I want a refund now",
  category: "billing",
  kind: "complaint",
  severity: "blocked",
  sentiment: "negative",
  language: "en",
  priority: 80,
  customer: { tier: "enterprise", segment: null, dealSize: 250_000 },
  followUpOf: null,
  openedAt: new Date("2026-12-07T10:00:00.000Z"),
};
const context: RuleContext = {
  now: new Date("2026-12-07T10:00:01.000Z"),
  calendars: { isOpen: () => true },
};
const unchanged = { strategy: null, priority: null, category: null, status: "new", tags: [], fired: [] };

/** `routing:` as YAML, validated like the config: the rules are what an admin writes. */
function routing(yaml: string) {
  return routingConfigSchema.parse(parse(yaml));
}

describe("route without rules", () => {
  it("sends a case to the configured default team, unassigned, saying why", () => {
    expect(route(newCase, routing("defaultTeam: billing-desk"), context)).toStrictEqual({
      team: "billing-desk",
      assignee: null,
      reason: "default team (routing.defaultTeam)",
      ruleId: null,
      ...unchanged,
    });
  });

  it("follows the configuration, not the case: another default team gets the same case", () => {
    expect(route(newCase, routing("defaultTeam: support"), context).team).toBe("support");
  });
});

describe("route with case.created rules", () => {
  const rules = routing(`
defaultTeam: support
rules:
  - id: vip-to-key-accounts
    description: enterprise customers go to key accounts
    on: { case.created: }
    if: { customer: { tier: { is: enterprise } } }
    then:
      - setTeam: key-accounts
      - assign: { agent: ana }
      - addTags: [vip]
  - id: refunds-urgent
    description: refunds are urgent
    on: { case.created: }
    if: { text: { contains: refund } }
    then:
      - setPriority: { add: 15 }
      - setCategory: refunds
  - id: on-reply-only
    description: listens to customer replies, not to new cases
    on: { message.added: { from: customer } }
    then: [{ setTeam: nobody }]
`);

  it("applies the rules that fire, in file order, and names the rule that chose the team", () => {
    const decision = route(newCase, rules, context);
    expect({ ...decision, fired: decision.fired.map((rule) => rule.ruleId) }).toStrictEqual({
      team: "key-accounts",
      assignee: "ana",
      strategy: null,
      reason: "rule vip-to-key-accounts",
      ruleId: "vip-to-key-accounts",
      priority: 95,
      category: "refunds",
      status: "new",
      tags: ["vip"],
      fired: ["vip-to-key-accounts", "refunds-urgent"],
    });
  });

  it("records the values each fired rule saw", () => {
    const [vip] = route(newCase, rules, context).fired;
    expect(vip?.seen).toStrictEqual([
      { path: "if.customer.tier", expected: { is: "enterprise" }, actual: "enterprise", held: true },
    ]);
  });

  it("keeps the default team, and changes nothing, when no rule fires", () => {
    const small = { ...newCase, text: "The app is slow", customer: { tier: "free", segment: null, dealSize: null } };
    expect(route(small, rules, context)).toStrictEqual({
      team: "support",
      assignee: null,
      reason: "default team (routing.defaultTeam)",
      ruleId: null,
      ...unchanged,
    });
  });
});
