import { parse } from "yaml";

import { checkSemantics } from "../../config/semantic-checks";
import { formatPath } from "../../kernel/config/problems";
import { checkRules } from "./rules.checks";

/** A config around the given rules (YAML list items): teams, categories, a calendar, a connector, a destination. */
function config(rules: string, extra = ""): unknown {
  return parse(`
teams: [{ id: support, name: Support }, { id: billing, name: Billing }]
taxonomy:
  categories: [{ id: billing-payments, name: Billing }, { id: delivery, name: Delivery }]
calendars: [{ id: emea-office }]
connectors: [{ id: webform, type: webhook }]
destinations: [{ id: zendesk, type: zendesk }]
${extra}
routing:
  defaultTeam: support
  rules:
${rules
  .split("\n")
  .map((line) => `    ${line}`)
  .join("\n")}
`);
}

const problems = (data: unknown) =>
  checkRules(data).map((problem) => [formatPath(problem.path), problem.message, problem.hint]);

describe("checkRules", () => {
  it("finds nothing wrong in well-formed rules, and nothing at all without rules", () => {
    const rules = `
- id: billing
  description: x
  on: { case.created: }
  if: { category: { is: billing-payments }, connector: { in: [webform] }, team: { not: billing } }
  then: [{ setTeam: billing }, { push: zendesk }]
- id: wait
  description: x
  on: { timer: { after: { minutes: 15, since: created, businessHours: emea-office } } }
  if: { status: { is: new }, businessHours: { calendar: emea-office, open: true } }
  then: [{ setStatus: open }]`;
    expect([problems(config(rules)), checkRules({}), checkRules({ routing: { rules: "no" } })]).toStrictEqual([
      [],
      [],
      [],
    ]);
  });

  it("reports every id that names nothing, with a did-you-mean or the ids there are", () => {
    const rules = `
- id: refs
  description: x
  on: { timer: { after: { days: 1, since: created, businessHours: emea-ofice } } }
  if:
    all:
      - team: { in: [support, suport] }
      - category: { not: billing }
      - assignee: { is: ana }
    any:
      - connector: { is: web-form }
      - businessHours: { calendar: us-office, open: true }
  then:
    - setTeam: biling
    - setCategory: refunds
    - assign: { agent: ben }
    - notify: { user: ana }
    - push: zendsk
    - setStatus: resolved`;
    expect(problems(config(rules))).toStrictEqual([
      [
        "routing.rules[0].on.timer.after.businessHours",
        'calendar "emea-ofice" does not exist',
        'did you mean "emea-office"? calendar ids: emea-office',
      ],
      [
        "routing.rules[0].if.all[0].team.in[1]",
        'team "suport" does not exist',
        'did you mean "support"? team ids: support, billing',
      ],
      [
        "routing.rules[0].if.all[1].category.not",
        'category "billing" does not exist',
        "use one of the category ids: billing-payments, delivery",
      ],
      [
        "routing.rules[0].if.all[2].assignee.is",
        'agent "ana" does not exist',
        'add an agent with id "ana" under agents:',
      ],
      [
        "routing.rules[0].if.any[0].connector.is",
        'connector "web-form" does not exist',
        'did you mean "webform"? connector ids: webform',
      ],
      [
        "routing.rules[0].if.any[1].businessHours.calendar",
        'calendar "us-office" does not exist',
        "use one of the calendar ids: emea-office",
      ],
      [
        "routing.rules[0].then[0].setTeam",
        'team "biling" does not exist',
        'did you mean "billing"? team ids: support, billing',
      ],
      [
        "routing.rules[0].then[1].setCategory",
        'category "refunds" does not exist',
        "use one of the category ids: billing-payments, delivery",
      ],
      [
        "routing.rules[0].then[2].assign.agent",
        'agent "ben" does not exist',
        'add an agent with id "ben" under agents:',
      ],
      [
        "routing.rules[0].then[3].notify.user",
        'agent "ana" does not exist',
        'add an agent with id "ana" under agents:',
      ],
      [
        "routing.rules[0].then[4].push",
        'destination "zendsk" does not exist',
        'did you mean "zendesk"? destination ids: zendesk',
      ],
    ]);
  });

  it("checks agents against agents: once the section lists them", () => {
    const rules = `
- id: assign
  description: x
  on: { case.created: }
  then: [{ assign: { agent: ana } }, { assign: { agent: bem } }]`;
    expect(problems(config(rules, "agents: [{ id: ana }, { id: ben }]"))).toStrictEqual([
      [
        "routing.rules[0].then[1].assign.agent",
        'agent "bem" does not exist',
        'did you mean "ben"? agent ids: ana, ben',
      ],
    ]);
  });

  it("checks categories against the shipped taxonomy when none are configured", () => {
    const data = parse(`
teams: [{ id: support, name: Support }]
routing:
  defaultTeam: support
  rules:
    - { id: a, description: x, on: { case.created: }, if: { category: { is: billing-payment } }, then: [{ setCategory: other }] }
`);
    expect(problems(data)).toStrictEqual([
      [
        "routing.rules[0].if.category.is",
        'category "billing-payment" does not exist',
        'did you mean "billing-payments"? category ids: billing-payments, delivery-fulfilment, product-quality, ' +
          "access-onboarding, communication-expectations, data-errors, support-experience, other",
      ],
    ]);
  });

  it("reports a duplicate rule id at the second use", () => {
    const rules = `
- { id: same, description: x, on: { case.created: }, then: [{ note: a }] }
- { id: other, description: x, on: { case.created: }, then: [{ note: b }] }
- { id: same, description: x, on: { case.created: }, then: [{ note: c }] }`;
    expect(problems(config(rules))).toStrictEqual([
      ["routing.rules[2].id", 'duplicate rule id "same" (also used by routing.rules[0])', "give each rule its own id"],
    ]);
  });

  describe("timer rules that would fire forever", () => {
    const example =
      "e.g. status: { is: pending } with setStatus: resolved, or not: { tags: { includes: escalated } } with " +
      "addTags: [escalated]";
    const timer = "on: { timer: { after: { days: 3, since: statusChanged } } }";
    const cases: [name: string, rule: string, expected: string[][]][] = [
      [
        "no condition",
        `{ id: t, description: x, ${timer}, then: [{ note: again }] }`,
        [
          [
            "routing.rules[0].on.timer",
            'timer rule "t" would fire again and again: its actions change nothing its conditions test',
            `test a case field in if: that its actions change, ${example}`,
          ],
        ],
      ],
      [
        "tests the status, changes the priority",
        `{ id: t, description: x, ${timer}, if: { any: [{ status: { is: pending } }], minutesSinceCreated: { gte: 5 } }, then: [{ setPriority: 90 }, { notify: { channel: "#x" } }] }`,
        [
          [
            "routing.rules[0].on.timer",
            'timer rule "t" would fire again and again: its actions change nothing its conditions test',
            `make an action change what if: tests (status), ${example}`,
          ],
        ],
      ],
      [
        "sets another status",
        `{ id: t, description: x, ${timer}, if: { status: { is: pending } }, then: [{ setStatus: resolved }] }`,
        [],
      ],
      [
        "tags and tests the tag",
        `{ id: t, description: x, ${timer}, if: { not: { tags: { includes: nudged } } }, then: [{ addTags: [nudged] }] }`,
        [],
      ],
      [
        "assigns by strategy and tests the assignee",
        `{ id: t, description: x, ${timer}, if: { assignee: { unassigned: true } }, then: [{ assign: { strategy: least-loaded } }] }`,
        [],
      ],
      ["not a timer rule", `{ id: t, description: x, on: { case.created: }, then: [{ note: once }] }`, []],
    ];
    it.each(cases)("%s", (_name, rule, expected) => {
      expect(problems(config(`- ${rule}`))).toStrictEqual(expected);
    });
  });

  describe("rules an unconditional stop rule keeps from running", () => {
    const stop = (id: string, on: string, then = "[{ note: x }]") =>
      `- { id: ${id}, description: x, on: ${on}, then: ${then}, stop: true }`;
    const rule = (id: string, on: string, extra = "") =>
      `- { id: ${id}, description: x, on: ${on}, then: [{ note: x }]${extra} }`;
    const never = (index: number, id: string, by: string, on: string, names = '"first"') => [
      `routing.rules[${index}]`,
      `rule "${id}" never runs: ${by} every ${on} evaluation before it`,
      `move it above ${names}, give ${names} an if:, or remove stop: true there`,
    ];
    const byFirst = 'rule "first" (routing.rules[0]) has no condition and stops';
    const cases: [name: string, rules: string[], expected: string[][]][] = [
      [
        "the same trigger",
        [stop("first", "{ case.created: }"), rule("later", "{ case.created: }")],
        [never(1, "later", byFirst, "case.created")],
      ],
      [
        "a later rule on another trigger too",
        [stop("first", "{ case.created: }"), rule("later", "{ case.created: , message.added: }")],
        [],
      ],
      [
        "a later rule on another trigger",
        [stop("first", "{ case.created: }"), rule("later", "{ message.added: { from: customer } }")],
        [],
      ],
      [
        "messages from anyone cover messages from customers",
        [stop("first", "{ message.added: }"), rule("later", "{ message.added: { from: customer } }")],
        [never(1, "later", byFirst, "message.added")],
      ],
      [
        "messages from customers do not cover messages from anyone",
        [stop("first", "{ message.added: { from: customer } }"), rule("later", "{ message.added: }")],
        [],
      ],
      [
        "changes of more fields cover changes of fewer",
        [
          stop("first", "{ case.changed: { fields: [status, team] } }"),
          rule("later", "{ case.changed: { fields: [team] } }"),
        ],
        [never(1, "later", byFirst, "case.changed")],
      ],
      [
        "changes of some fields do not cover changes of any",
        [stop("first", "{ case.changed: { fields: [status] } }"), rule("later", "{ case.changed: }")],
        [],
      ],
      [
        "a stop rule that changes fields is loop-guarded on its own change",
        [stop("first", "{ case.changed: }", "[{ addTags: [seen] }]"), rule("later", "{ case.changed: }")],
        [],
      ],
      [
        "a stop rule with a condition",
        [
          `- { id: first, description: x, on: { case.created: }, if: { kind: { is: spam } }, then: [{ note: x }], stop: true }`,
          rule("later", "{ case.created: }"),
        ],
        [],
      ],
      [
        "timers run on their own",
        [
          stop("first", "{ case.created: }"),
          "- { id: later, description: x, on: { timer: { after: { days: 1, since: created } } }, if: { status: { is: new } }, then: [{ setStatus: open }] }",
        ],
        [],
      ],
      [
        "two stop rules together",
        [
          stop("first", "{ case.created: }"),
          stop("second", "{ message.added: }"),
          rule("later", "{ case.created: , message.added: }"),
        ],
        [
          never(
            2,
            "later",
            'rules "first" (routing.rules[0]) and "second" (routing.rules[1]) have no condition and stop',
            "case.created, message.added",
            '"first" and "second"',
          ),
        ],
      ],
    ];
    it.each(cases)("%s", (_name, rules, expected) => {
      expect(problems(config(rules.join("\n")))).toStrictEqual(expected);
    });
  });

  it("skips what zod reports: malformed rules are not a reason to throw", () => {
    const data = config(`
- 42
- { id: 7, on: [case.created], if: [team], then: { setTeam: nobody } }
- { id: ok, on: { timer: 3 }, if: { all: "x", any: [1, null], not: 5, team: "x" }, then: [null, 3, { push: 9 }] }`);
    expect(problems(data)).toStrictEqual([
      [
        "routing.rules[2].on.timer",
        'timer rule "ok" would fire again and again: its actions change nothing its conditions test',
        "make an action change what if: tests (team), e.g. status: { is: pending } with setStatus: resolved, " +
          "or not: { tags: { includes: escalated } } with addTags: [escalated]",
      ],
    ]);
  });

  it("runs as part of the config's semantic checks", () => {
    const data = config(`- { id: a, description: x, on: { case.created: }, then: [{ setTeam: nobody }] }`);
    expect(checkSemantics(data, {})).toStrictEqual([
      {
        path: ["routing", "rules", 0, "then", 0, "setTeam"],
        message: 'team "nobody" does not exist',
        hint: "use one of the team ids: support, billing",
      },
    ]);
  });
});
