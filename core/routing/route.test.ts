import { route, type RoutableCase } from "./route";

const newCase: RoutableCase = {
  id: "case-1",
  customerId: "customer-1",
  channel: "sms",
  subject: null,
  category: "billing",
  severity: "blocked",
  language: "en",
  priority: 80,
  followUpOf: null,
};

describe("route", () => {
  it("sends a case no rule claims to the configured default team, unassigned, saying why", () => {
    expect(route(newCase, { defaultTeam: "billing-desk", rules: [] })).toStrictEqual({
      team: "billing-desk",
      assignee: null,
      reason: "default team (routing.defaultTeam)",
      ruleId: null,
    });
  });

  it("follows the configuration, not the case: another default team gets the same case", () => {
    expect(route(newCase, { defaultTeam: "support", rules: [] }).team).toBe("support");
    expect(route({ ...newCase, channel: "email", category: null }, { defaultTeam: "sales", rules: [] }).team).toBe(
      "sales",
    );
  });
});
