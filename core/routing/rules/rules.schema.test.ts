import { parse } from "yaml";
import { z } from "zod";

import { routingConfigSchema } from "../../config/config.schema";
import { describeIssues } from "../../kernel/config/describe-issue";
import { formatPath } from "../../kernel/config/problems";

/** The config as far as rules go, so paths read as the loader prints them. */
const schema = z.strictObject({ routing: routingConfigSchema });
const README = 'see "routing" in config/README.md';

/** The problems an admin sees for one rule whose `on`, `if` and `then` are the given YAML lines. */
function problems(lines: string): [path: string, message: string, hint: string][] {
  const indented = lines
    .split("\n")
    .map((line) => `      ${line}`)
    .join("\n");
  const data: unknown = parse(
    `routing:\n  defaultTeam: support\n  rules:\n    - id: r\n      description: d\n${indented}`,
  );
  const result = schema.safeParse(data);
  if (result.success) return [];
  return describeIssues(result.error.issues, data, schema).map((problem) => [
    formatPath(problem.path),
    problem.message,
    problem.hint,
  ]);
}

const NOTE = "then: [{ note: x }]";
const RULE = "routing.rules[0]";

describe("the rules schema", () => {
  it("accepts every trigger, test and action, and fills the defaults", () => {
    const data = parse(`
defaultTeam: support
rules:
  - id: everything
    description: Every part of the language once
    on:
      case.created:
      message.added:
      case.changed: { fields: [status, tags] }
      timer: { after: { hours: 4, since: lastCustomerMessage, businessHours: emea-office } }
    if:
      channel: { in: [email, webhook] }
      connector: { not: webform }
      category: { is: billing-payments }
      kind: { is: complaint }
      severity: { in: [blocked] }
      sentiment: { not: positive }
      language: { is: de }
      priority: { gte: 10, lt: 90 }
      customer: { tier: { is: vip }, segment: { in: [smb] }, dealSize: { gt: 0 } }
      text: { contains: "kündigen" }
      subject: { matches: "^re:" }
      status: { in: [new, open] }
      team: { is: support }
      assignee: { unassigned: true }
      tags: { includes: vip }
      minutesSinceCreated: { gte: 5 }
      minutesSinceLastCustomerMessage: { lte: 60 }
      minutesSinceLastAgentReply: { eq: 0 }
      businessHours: { calendar: emea-office, open: false }
      all: [{ kind: { not: spam } }]
      any: [{ severity: { is: blocked } }, { priority: { gte: 80 } }]
      not: { tags: { includes: escalated } }
    then:
      - setTeam: billing
      - assign: { agent: ana }
      - setPriority: { add: -5 }
      - setCategory: billing-payments
      - addTags: [escalated]
      - removeTags: [waiting]
      - setStatus: open
      - note: Escalated by rule
      - notify: { user: ana }
      - acknowledge: true
      - push: zendesk
`);
    const parsed = routingConfigSchema.parse(data);
    const rule = parsed.rules?.[0];
    expect([rule?.on, rule?.if?.text, rule?.stop]).toStrictEqual([
      {
        "case.created": null,
        "message.added": null,
        "case.changed": { fields: ["status", "tags"] },
        timer: { after: { hours: 4, since: "lastCustomerMessage", businessHours: "emea-office" } },
      },
      { contains: ["kündigen"] },
      false,
    ]);
    expect(routingConfigSchema.parse({ defaultTeam: "support", rules: [] })).toStrictEqual({
      defaultTeam: "support",
      rules: [],
    });
    expect(routingConfigSchema.parse({ defaultTeam: "support" })).toStrictEqual({ defaultTeam: "support", rules: [] });
  });

  const cases: [name: string, lines: string, expected: ReturnType<typeof problems>][] = [
    [
      "triggers written as a word",
      `on: case.created\n${NOTE}`,
      [
        [
          `${RULE}.on`,
          "write the triggers as a mapping, e.g. on: { case.created: } or on: { message.added: { from: customer } }",
          "write a mapping here",
        ],
      ],
    ],
    [
      "a misspelt trigger",
      `on: { case.create: }\n${NOTE}`,
      [[`${RULE}.on["case.create"]`, 'unknown key "case.create"', 'did you mean "case.created"?']],
    ],
    [
      "no trigger",
      `on: {}\n${NOTE}`,
      [[`${RULE}.on`, "write at least one trigger: case.created, message.added, case.changed, timer", README]],
    ],
    [
      "a trigger with true after it",
      `on: { case.created: true }\n${NOTE}`,
      [
        [
          `${RULE}.on["case.created"]`,
          'write nothing after "case.created:", or its options as a mapping',
          "write a mapping here",
        ],
      ],
    ],
    [
      "a misspelt author",
      `on: { message.added: { from: customers } }\n${NOTE}`,
      [
        [
          `${RULE}.on["message.added"].from`,
          'Invalid option: expected one of "customer"|"agent"|"any"',
          "did you mean customer? use one of customer, agent, any",
        ],
      ],
    ],
    [
      "a field no rule changes",
      `on: { case.changed: { fields: [subject] } }\n${NOTE}`,
      [
        [
          `${RULE}.on["case.changed"].fields[0]`,
          'Invalid option: expected one of "status"|"team"|"assignee"|"priority"|"category"|"tags"',
          "use one of status, team, assignee, priority, category, tags",
        ],
      ],
    ],
    [
      "a timer with two durations",
      `on: { timer: { after: { days: 1, hours: 2, since: created } } }\n${NOTE}`,
      [[`${RULE}.on.timer.after`, "write exactly one of minutes, hours, days", README]],
    ],
    [
      "a timer without its start",
      `on: { timer: { after: { minutes: 15 } } }\n${NOTE}`,
      [
        [
          `${RULE}.on.timer.after.since`,
          'missing required key "since"',
          'add "since:" to this mapping (one of created, lastCustomerMessage, lastAgentReply, statusChanged)',
        ],
      ],
    ],
    [
      "a misspelt test",
      `on: { case.created: }\nif: { categry: { is: x } }\n${NOTE}`,
      [[`${RULE}.if.categry`, 'unknown key "categry"', 'did you mean "category"?']],
    ],
    [
      "a test written as its value",
      `on: { case.created: }\nif: { category: billing }\n${NOTE}`,
      [
        [
          `${RULE}.if.category`,
          "write the test as a mapping: { is: x }, { in: [x, y] } or { not: x }",
          "write a mapping here",
        ],
      ],
    ],
    [
      "two operators in one test",
      `on: { case.created: }\nif: { category: { is: a, in: [b] } }\n${NOTE}`,
      [[`${RULE}.if.category`, "write exactly one of is, in, not", README]],
    ],
    [
      "a misspelt enum value, deep in groups",
      `on: { case.created: }\nif: { any: [{ not: { severity: { is: bloked } } }] }\n${NOTE}`,
      [
        [
          `${RULE}.if.any[0].not.severity.is`,
          'Invalid option: expected one of "blocked"|"inconvenienced"|"annoyed"',
          "did you mean blocked? use one of blocked, inconvenienced, annoyed",
        ],
      ],
    ],
    [
      "a number test without bounds",
      `on: { case.created: }\nif: { priority: {} }\n${NOTE}`,
      [[`${RULE}.if.priority`, "write at least one of gte, lte, gt, lt, eq", README]],
    ],
    [
      "a number as text",
      `on: { case.created: }\nif: { customer: { dealSize: { gte: "10000" } } }\n${NOTE}`,
      [
        [
          `${RULE}.if.customer.dealSize.gte`,
          "Invalid input: expected number, received string",
          "write a number without quotes",
        ],
      ],
    ],
    [
      "an invalid regular expression",
      `on: { case.created: }\nif: { text: { matches: "refund(" } }\n${NOTE}`,
      [
        [
          `${RULE}.if.text.matches`,
          "not a valid regular expression: Invalid regular expression: /refund(/i: Unterminated group",
          README,
        ],
      ],
    ],
    [
      "an empty contains list",
      `on: { case.created: }\nif: { subject: { contains: [] } }\n${NOTE}`,
      [[`${RULE}.if.subject.contains`, "Too small: expected array to have >=1 items", "add at least 1 entry"]],
    ],
    [
      "an empty condition",
      `on: { case.created: }\nif: {}\n${NOTE}`,
      [[`${RULE}.if`, "write at least one test", README]],
    ],
    [
      "an empty group",
      `on: { case.created: }\nif: { all: [] }\n${NOTE}`,
      [[`${RULE}.if.all`, "Too small: expected array to have >=1 items", "add at least 1 entry"]],
    ],
    [
      "unassigned with a name",
      `on: { case.created: }\nif: { assignee: { unassigned: true, is: ana } }\n${NOTE}`,
      [[`${RULE}.if.assignee`, "write exactly one of is, in, not, unassigned", README]],
    ],
    [
      "a misspelt action, reported once",
      `on: { case.created: }\nthen: [{ setTeem: billing }]`,
      [[`${RULE}.then[0].setTeem`, 'unknown key "setTeem"', 'did you mean "setTeam"?']],
    ],
    [
      "two actions in one item",
      `on: { case.created: }\nthen: [{ setTeam: billing, note: x }]`,
      [
        [
          `${RULE}.then[0]`,
          "write exactly one action per list item: setTeam, assign, setPriority, setCategory, addTags, removeTags, setStatus, note, notify, acknowledge, push",
          README,
        ],
      ],
    ],
    [
      "no action",
      `on: { case.created: }\nthen: []`,
      [[`${RULE}.then`, "add at least one action", "add at least 1 entry"]],
    ],
    [
      "a priority out of range",
      `on: { case.created: }\nthen: [{ setPriority: 150 }, { setPriority: { add: -500 } }]`,
      [
        [`${RULE}.then[0].setPriority`, "Too big: expected number to be <=100", "use a number at most 100"],
        [`${RULE}.then[1].setPriority.add`, "Too small: expected number to be >=-100", "use a number at least -100"],
      ],
    ],
    [
      "a priority as a word",
      `on: { case.created: }\nthen: [{ setPriority: high }]`,
      [[`${RULE}.then[0].setPriority`, "write a whole number 0–100, or { add: n } with n from -100 to 100", README]],
    ],
    [
      "an assignment without agent or strategy",
      `on: { case.created: }\nthen: [{ assign: { strategy: random } }, { assign: {} }]`,
      [
        [
          `${RULE}.then[0].assign.strategy`,
          'Invalid option: expected one of "round-robin"|"least-loaded"',
          "use one of round-robin, least-loaded",
        ],
        [`${RULE}.then[1].assign`, "write exactly one of agent, strategy", README],
      ],
    ],
    [
      "a Slack channel without its #",
      `on: { case.created: }\nthen: [{ notify: { channel: escalations } }]`,
      [
        [
          `${RULE}.then[0].notify.channel`,
          "write a channel name with its #, e.g. #escalations",
          "the value must match /^#[\\w-]+$/",
        ],
      ],
    ],
    [
      "acknowledge: false",
      `on: { case.created: }\nthen: [{ acknowledge: false }]`,
      [[`${RULE}.then[0].acknowledge`, "write acknowledge: true", "use one of true"]],
    ],
    [
      "a tag that is not a slug",
      `on: { case.created: }\nthen: [{ addTags: [VIP customer] }]`,
      [[`${RULE}.then[0].addTags[0]`, "use lower-case letters, digits and dashes", "e.g. customer-support"]],
    ],
  ];

  it.each(cases)("explains %s", (_name, lines, expected) => {
    expect(problems(lines)).toStrictEqual(expected);
  });
});
