import { noFlags, type CanonicalMessage } from "../../../normalizers/canonical-message";
import { textProfile } from "../../../normalizers/analysis/similarity/similarity";
import { computePriority } from "../../cases/priority";
import { priorityConfigSchema } from "../../config/config.schema";
import type { MessageClassification } from "../message-analysis";
import { caseRow, type NewCase } from "../new-cases";
import { events } from "../placement-events";
import type { Placement } from "../pipeline.types";
import { routable, routeCases } from "./route";

const sms: CanonicalMessage = {
  channel: "sms",
  externalId: "SM1",
  from: { phone: "+442079460958" },
  to: [],
  cc: [],
  subject: null,
  text: "I was charged twice for one order",
  fullText: "I was charged twice for one order",
  attachments: [],
  thread: { references: [] },
  receivedAt: "2026-11-25T10:00:00.000Z",
  flags: { ...noFlags },
  kind: "message",
};

const billing: MessageClassification = {
  category: "billing",
  confidence: 0.91,
  triage: false,
  evidence: "keyword 'charged' + model 0.91",
  alternatives: [],
  kind: "complaint",
  severity: "inconvenienced",
  sentiment: { label: "negative", score: -0.4 },
  language: "en",
  reasons: [],
};

function newCase(id: string, classification: MessageClassification | null): NewCase {
  return {
    id,
    customerId: "customer-1",
    customerIsNew: false,
    connectorId: "twilio-main",
    message: sms,
    analyzed: {
      message: sms,
      classification,
      fingerprint: null,
      profile: textProfile(""),
      redactions: [],
      original: null,
    },
    followUpOf: null,
    openNote: null,
  };
}

const priority = computePriority(
  {
    category: "billing",
    severity: "inconvenienced",
    text: sms.text,
    recentSimilar: 3,
    openSimilar: 2,
    customer: { tier: undefined, dealSize: undefined },
  },
  priorityConfigSchema.parse({}),
);

function inputs(priorities: ReadonlyMap<string, ReturnType<typeof computePriority>>) {
  return {
    priorities,
    attributes: new Map(),
    now: new Date("2026-11-25T10:00:01.000Z"),
    calendars: { isOpen: () => true },
  };
}

describe("route stage", () => {
  it("gives every new case route()'s decision for the configured default team", () => {
    const cases = [newCase("case-1", billing), newCase("case-2", null)];
    const routed = routeCases(
      cases,
      { defaultTeam: "billing-desk", rules: [] },
      inputs(new Map([["case-1", priority]])),
    );
    const decision = {
      team: "billing-desk",
      assignee: null,
      reason: "default team (routing.defaultTeam)",
      ruleId: null,
      strategy: null,
      priority: null,
      category: null,
      status: "new",
      tags: [],
      fired: [],
    };
    expect(routed).toStrictEqual([
      { ...cases[0], routing: decision },
      { ...cases[1], routing: decision },
    ]);
  });

  it("shows routing the case as it will be opened: confident category, signals, priority and the customer", () => {
    expect(routable(newCase("case-1", billing), priority, { tier: "gold", dealSize: 5000 })).toStrictEqual({
      id: "case-1",
      customerId: "customer-1",
      channel: "sms",
      connector: "twilio-main",
      subject: null,
      text: "I was charged twice for one order",
      category: "billing",
      kind: "complaint",
      severity: "inconvenienced",
      sentiment: "negative",
      language: "en",
      priority: priority.score,
      customer: { tier: "gold", segment: null, dealSize: 5000 },
      followUpOf: null,
      openedAt: new Date("2026-11-25T10:00:00.000Z"),
    });
    const unsure = { ...billing, triage: true };
    expect(routable(newCase("case-2", unsure), undefined)).toMatchObject({ category: null, priority: null });
  });

  it("puts the decision's team on the case row and on the routed event, between created and message_added", () => {
    const [routed] = routeCases(
      [newCase("case-1", null)],
      { defaultTeam: "billing-desk", rules: [] },
      inputs(new Map()),
    );
    if (!routed) throw new Error("routeCases routed nothing");
    expect(caseRow(routed, undefined, new Date()).team).toBe("billing-desk");

    const placement: Placement = {
      id: "message-1",
      key: "in:twilio:SM1",
      message: sms,
      analyzed: routed.analyzed,
      duplicateOf: null,
      intakeItemId: "item-1",
      connectorId: "twilio",
      actor: "connector:twilio",
      identityId: "identity-1",
      caseId: "case-1",
      via: { action: "open" },
    };
    const trail = events(placement, routed);
    expect(trail.map((event) => event.type)).toStrictEqual(["created", "routed", "message_added"]);
    expect(trail[1]).toStrictEqual({
      case_id: "case-1",
      actor: "system",
      type: "routed",
      reason: "default team (routing.defaultTeam)",
      data: JSON.stringify({ team: "billing-desk" }),
    });
  });

  it("does not route a case a message joins again", () => {
    const joined: Placement = {
      id: "message-2",
      key: "in:twilio:SM2",
      message: sms,
      analyzed: newCase("case-1", null).analyzed,
      duplicateOf: null,
      intakeItemId: "item-2",
      connectorId: "twilio",
      actor: "connector:twilio",
      identityId: "identity-1",
      caseId: "case-1",
      via: {
        action: "join",
        match: { caseId: "case-1", status: "open", closedAt: null, rule: "conversation", evidence: "sms chat" },
        reopen: false,
      },
    };
    expect(events(joined, undefined).map((event) => event.type)).toStrictEqual(["message_added"]);
  });
});
