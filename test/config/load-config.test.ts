import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../core/hub";
import type { ConfigProblem, LoadConfigResult } from "../../core/config/load-config";

/** A small valid config; kept as lines so the line numbers asserted below can be read off the index + 1. */
const BASE = [
  "apiKeys:", //                                          1
  "  - name: admin", //                                   2
  "    key: abcdefghijklmnop", //                         3
  "    role: admin", //                                   4
  "teams:", //                                            5
  "  - id: support", //                                   6
  "    name: Support", //                                 7
  "routing:", //                                          8
  "  defaultTeam: support", //                            9
  "connectors:", //                                       10
  "  - id: webform", //                                   11
  "    type: webhook", //                                 12
  "    secret: ${WEBFORM_SECRET:-0123456789abcdef}", //   13
  "    signature:", //                                    14
  "      header: X-Sig", //                               15
  "      algorithm: sha256", //                           16
  "    mapping:", //                                      17
  "      externalId: /id", //                             18
  "      text: /message", //                              19
  "      from:", //                                       20
  "        email: /email", //                             21
];

/** BASE with some lines replaced (1-based line number → new text, or null to delete the line). */
function variant(changes: Record<number, string | null>): string {
  return BASE.flatMap((line, index) => {
    const change = changes[index + 1];
    return change === undefined ? [line] : change === null ? [] : [change];
  }).join("\n");
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plaint-config-"));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Writes files below the temp dir and returns the path of the first one (or of `dir` when given). */
function write(files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, name)), { recursive: true });
    fs.writeFileSync(path.join(tmp, name), text);
  }
  return path.join(tmp, Object.keys(files)[0] ?? "");
}

function problemsOf(result: LoadConfigResult): ConfigProblem[] {
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.problems;
}

function problem(file: string, line: number, column: number, at: string, message: string, hint: string): ConfigProblem {
  return { file, line, column, path: at, message, hint };
}

describe("loadConfig with a single file", () => {
  it("loads a valid file and applies defaults", () => {
    const file = write({ "plaint.yaml": BASE.join("\n") });
    const result = loadConfig(file, {});
    expect(result).toStrictEqual({
      ok: true,
      files: [file],
      config: {
        server: { maxBodyBytes: 1_048_576 },
        apiKeys: [{ name: "admin", key: "abcdefghijklmnop", role: "admin" }],
        teams: [{ id: "support", name: "Support" }],
        agents: [],
        calendars: [],
        routing: { defaultTeam: "support", rules: [] },
        cases: {
          replyToClosed: "new-case",
          reopenWithinDays: 30,
          subjectMatch: { enabled: false, windowHours: 72 },
          matching: {
            enabled: true,
            windowHours: 72,
            threshold: 0.56,
            requireSameCategory: true,
            textAloneThreshold: 0.68,
            duplicateWindowMinutes: 30,
          },
        },
        taxonomy: { categories: [] },
        classification: { enabled: true, triageBelow: 0.5, retrainAfterCorrections: 20 },
        priority: {
          weights: { frequency: 0.25, severity: 0.3, brandRisk: 0.15, revenue: 0.15, fixLeverage: 0.15 },
          windowDays: 7,
          saturation: 20,
          brandRisk: { categories: [], keywords: [] },
          revenue: { tiers: {}, fullDealSize: 100_000 },
        },
        redaction: {
          enabled: true,
          cards: true,
          ibans: true,
          nationalIds: [
            "us-ssn",
            "uk-nino",
            "nl-bsn",
            "es-dni",
            "es-nie",
            "it-codice-fiscale",
            "fr-nir",
            "de-steuer-id",
          ],
          patterns: [],
          keepOriginal: false,
          mask: "descriptive",
        },
        identity: {
          autoMergeAt: 0.9,
          proposeAt: 0.6,
          evidence: { formGaveBoth: 0.9, crmRecord: 0.95, signaturePhoneSameName: 0.9, signaturePhone: 0.6 },
        },
        connectors: [
          {
            id: "webform",
            type: "webhook",
            secret: "0123456789abcdef",
            signature: { header: "X-Sig", algorithm: "sha256", encoding: "hex", prefix: "", toleranceSeconds: 300 },
            mapping: { externalId: "/id", text: "/message", from: { email: "/email" } },
          },
        ],
        destinations: [],
        pipeline: { maxAttempts: 5, backoffMs: 1000 },
      },
    });
  });

  it("reports a bad enum value with the allowed values", () => {
    const file = write({ "plaint.yaml": variant({ 16: "      algorithm: md5" }) });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        16,
        18,
        "connectors[0].signature.algorithm",
        'Invalid option: expected one of "sha256"|"sha1"',
        "use one of sha256, sha1",
      ),
    ]);
  });

  it("suggests the closest value for a misspelt enum value", () => {
    const file = write({ "plaint.yaml": variant({ 4: "    role: admn" }) });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        4,
        11,
        "apiKeys[0].role",
        'Invalid option: expected one of "admin"|"agent"|"viewer"',
        "did you mean admin? use one of admin, agent, viewer",
      ),
    ]);
  });

  it("reports an unknown key at the key, with did-you-mean", () => {
    const file = write({ "plaint.yaml": variant({ 16: "      algoritm: sha256" }) });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(file, 16, 7, "connectors[0].signature.algoritm", 'unknown key "algoritm"', 'did you mean "algorithm"?'),
    ]);
  });

  it("lists the allowed keys when no key is close, and matches snake_case to camelCase", () => {
    const file = write({ "plaint.yaml": `${variant({ 9: "  default_team: support" })}\nextra: 1\n` });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(file, 9, 3, "routing.default_team", 'unknown key "default_team"', 'did you mean "defaultTeam"?'),
      problem(
        file,
        22,
        1,
        "extra",
        'unknown section "extra"',
        "remove it; allowed sections here: server, apiKeys, teams, agents, calendars, routing, cases, taxonomy, classification, priority, redaction, identity, connectors, destinations, pipeline",
      ),
    ]);
  });

  it("points a missing required key at the mapping that should hold it", () => {
    const file = write({ "plaint.yaml": variant({ 19: null }) });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        18,
        7,
        "connectors[0].mapping.text",
        'missing required key "text"',
        'add "text:" to this mapping (a string)',
      ),
    ]);
  });

  it("reports a missing section at the top of the file", () => {
    const file = write({ "plaint.yaml": variant({ 8: null, 9: null }) });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(file, 1, 1, "routing", 'missing required section "routing"', 'add a "routing:" section (a mapping)'),
    ]);
  });

  it("reports an unset variable once, at its scalar, with the hint to set it or give a default", () => {
    const file = write({ "plaint.yaml": variant({ 13: "    secret: ${WEBFORM_SECRET}" }) });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        13,
        13,
        "connectors[0].secret",
        "environment variable WEBFORM_SECRET is not set",
        "set WEBFORM_SECRET in the environment or give a default: ${WEBFORM_SECRET:-value}",
      ),
    ]);
  });

  it("expands variables after parsing, so a value with YAML syntax stays one string", () => {
    const file = write({ "plaint.yaml": variant({ 13: "    secret: ${WEBFORM_SECRET}" }) });
    const secret = "s3cret: [x] # not a comment {y}";
    const result = loadConfig(file, { WEBFORM_SECRET: secret });
    const connector = result.ok ? result.config.connectors[0] : undefined;
    expect(connector?.type === "webhook" && (connector as { secret?: string }).secret).toBe(secret);
  });

  it("reports a YAML syntax error with its line and stops there", () => {
    const file = write({ "plaint.yaml": variant({ 7: "    name: Support: EU", 16: "      algorithm: md5" }) });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        7,
        11,
        "",
        "Nested mappings are not allowed in compact mappings",
        'quote values that contain ": " (colon and space), e.g. name: "Support: EU"',
      ),
    ]);
  });

  it("reports a key written twice in one mapping", () => {
    const file = write({ "plaint.yaml": variant({ 17: "    secret: again-0123456789abcdef\n    mapping:" }) });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        17,
        5,
        "",
        "Map keys must be unique",
        "each key may appear once per mapping; remove or rename one of them",
      ),
    ]);
  });

  it("reports duplicate connector ids at the second one", () => {
    const second = BASE.slice(10).join("\n"); // lines 11-21: the whole connector again
    const file = write({ "plaint.yaml": `${BASE.join("\n")}\n${second}` });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        22,
        9,
        "connectors[1].id",
        'duplicate connector id "webform" (also used by connectors[0])',
        "give each connector its own id",
      ),
    ]);
  });

  it("reports an unknown connector type, and a missing one, with the known types", () => {
    const unknown = write({ "unknown.yaml": variant({ 12: "    type: telegram" }) });
    expect(problemsOf(loadConfig(unknown, {}))).toStrictEqual([
      problem(
        unknown,
        12,
        11,
        "connectors[0].type",
        "Invalid discriminator value. Expected 'webhook' | 'email' | 'twilio' | 'meta' | 'slack-customer'",
        "use one of webhook, email, twilio, meta, slack-customer",
      ),
    ]);
    const missing = write({ "missing.yaml": variant({ 12: null }) });
    expect(problemsOf(loadConfig(missing, {}))).toStrictEqual([
      problem(
        missing,
        11,
        5,
        "connectors[0].type",
        'missing required key "type"',
        'add "type:" to this mapping (one of webhook, email, twilio, meta, slack-customer)',
      ),
    ]);
  });

  it("reports duplicate API key names and keys, without printing the key", () => {
    const file = write({
      "plaint.yaml": variant({ 4: "    role: admin\n  - name: admin\n    key: abcdefghijklmnop\n    role: viewer" }),
    });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        5,
        11,
        "apiKeys[1].name",
        'duplicate API key name "admin" (also used by apiKeys[0])',
        "give each API key its own name, so audit trails tell them apart",
      ),
      problem(
        file,
        6,
        10,
        "apiKeys[1].key",
        "duplicate API key (same as apiKeys[0])",
        "give each client its own key, so one can be revoked without the other",
      ),
    ]);
  });

  it("reports a file whose top level is not a mapping", () => {
    const file = write({ "plaint.yaml": "- apiKeys\n- teams\n" });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        1,
        1,
        "",
        "the top level must be a mapping of sections",
        "start the file with section keys such as apiKeys:, teams:, routing:, connectors:",
      ),
    ]);
  });

  it("reports a default team that names no team", () => {
    const file = write({ "plaint.yaml": variant({ 9: "  defaultTeam: suport" }) });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        9,
        16,
        "routing.defaultTeam",
        'team "suport" does not exist',
        'did you mean "support"? teams: support',
      ),
    ]);
  });

  it("reports every problem of every stage at once, in line order", () => {
    const text = variant({
      3: "    key: short",
      4: "    role: root",
      6: "  - id: Support Team",
      9: "  defaultTeam: sales",
      13: "    secret: ${HOOK_SECRET}",
      15: "      header: X-Sig\n      colour: blue",
      19: "      text: message",
    });
    const file = write({ "plaint.yaml": `${text}\npipeline:\n  maxAttempts: "3"\n  backoffMs: -5\n` });
    expect(problemsOf(loadConfig(file, {}))).toStrictEqual([
      problem(
        file,
        3,
        10,
        "apiKeys[0].key",
        "use a key of at least 16 characters",
        "generate a random value, e.g. with: openssl rand -hex 32",
      ),
      problem(
        file,
        4,
        11,
        "apiKeys[0].role",
        'Invalid option: expected one of "admin"|"agent"|"viewer"',
        "use one of admin, agent, viewer",
      ),
      problem(file, 6, 9, "teams[0].id", "use lower-case letters, digits and dashes", "e.g. customer-support"),
      problem(
        file,
        9,
        16,
        "routing.defaultTeam",
        'team "sales" does not exist',
        "use one of the team ids: Support Team",
      ),
      problem(
        file,
        13,
        13,
        "connectors[0].secret",
        "environment variable HOOK_SECRET is not set",
        "set HOOK_SECRET in the environment or give a default: ${HOOK_SECRET:-value}",
      ),
      problem(
        file,
        16,
        7,
        "connectors[0].signature.colour",
        'unknown key "colour"',
        "remove it; allowed keys here: header, algorithm, encoding, prefix, timestampHeader, toleranceSeconds",
      ),
      problem(
        file,
        20,
        13,
        "connectors[0].mapping.text",
        "must be a JSON Pointer such as /data/text (RFC 6901)",
        "e.g. /data/message/text",
      ),
      problem(
        file,
        24,
        16,
        "pipeline.maxAttempts",
        "Invalid input: expected number, received string",
        "write a number without quotes",
      ),
      problem(file, 25, 14, "pipeline.backoffMs", "Too small: expected number to be >=0", "use a number at least 0"),
    ]);
  });

  it("reports a missing file without a line", () => {
    const missing = path.join(tmp, "nope.yaml");
    expect(problemsOf(loadConfig(missing, {}))).toStrictEqual([
      problem(
        missing,
        0,
        0,
        "",
        "config file or folder not found",
        "create it (config/plaint.yaml is a working example) or point PLAINT_CONFIG at your file or folder",
      ),
    ]);
  });
});

describe("loadConfig with a folder", () => {
  const access = BASE.slice(0, 9).join("\n"); // apiKeys, teams, routing
  const channels = BASE.slice(9).join("\n"); // connectors

  it("merges the sections of every *.yaml and *.yml file, in name order", () => {
    write({
      "conf/10-access.yaml": access,
      "conf/20-channels.yml": channels,
      "conf/notes.txt": "ignored",
      "conf/.hidden.yaml": "x: [",
    });
    const folder = path.join(tmp, "conf");
    const result = loadConfig(folder, {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.files).toStrictEqual([path.join(folder, "10-access.yaml"), path.join(folder, "20-channels.yml")]);
    expect(result.config.connectors.map((connector) => connector.id)).toStrictEqual(["webform"]);
    expect(result.config.routing).toStrictEqual({ defaultTeam: "support", rules: [] });
  });

  it("reports a section defined in two files at the second, and problems in each file at their own lines", () => {
    const again = ["teams:", "  - id: billing", "    name: Billing"].join("\n");
    const broken = channels.replace("algorithm: sha256", "algorithm: sha512");
    write({ "conf/a.yaml": access, "conf/b.yaml": broken, "conf/c.yaml": again });
    const folder = path.join(tmp, "conf");
    expect(problemsOf(loadConfig(folder, {}))).toStrictEqual([
      problem(
        path.join(folder, "b.yaml"),
        7,
        18,
        "connectors[0].signature.algorithm",
        'Invalid option: expected one of "sha256"|"sha1"',
        "use one of sha256, sha1",
      ),
      problem(
        path.join(folder, "c.yaml"),
        1,
        1,
        "teams",
        `section "teams" is already defined in ${path.join(folder, "a.yaml")}`,
        `keep each section in one file: move these entries into ${path.join(folder, "a.yaml")}, or remove them here`,
      ),
    ]);
  });

  it("reports a section missing from every file at the folder", () => {
    write({ "conf/a.yaml": channels });
    const folder = path.join(tmp, "conf");
    expect(problemsOf(loadConfig(folder, {}))).toStrictEqual([
      problem(folder, 0, 0, "apiKeys", 'missing required section "apiKeys"', 'add a "apiKeys:" section (a list)'),
      problem(folder, 0, 0, "teams", 'missing required section "teams"', 'add a "teams:" section (a list)'),
      problem(folder, 0, 0, "routing", 'missing required section "routing"', 'add a "routing:" section (a mapping)'),
    ]);
  });

  it("reports a folder without YAML files", () => {
    write({ "conf/readme.txt": "nothing here" });
    const folder = path.join(tmp, "conf");
    expect(problemsOf(loadConfig(folder, {}))).toStrictEqual([
      problem(
        folder,
        0,
        0,
        "",
        "folder contains no *.yaml or *.yml file",
        "create it (config/plaint.yaml is a working example) or point PLAINT_CONFIG at your file or folder",
      ),
    ]);
  });
});

describe("agents, calendars and routing rules", () => {
  const section = [
    // BASE without lines 8–9 has 19 lines: this section starts at line 20.
    "agents:", //                                           20
    "  - id: ana", //                                       21
    "    name: Ana", //                                     22
    "    teams: [support, billing]", //                     23
    "  - id: ana", //                                       24
    "    name: Ana again", //                               25
    "    teams: [support]", //                              26
    "calendars:", //                                        27
    "  - id: office", //                                    28
    "    timeZone: Europe/Berlin", //                       29
    "    hours: { mon: ['09:00-17:00'] }", //               30
    "routing:", //                                          31
    "  defaultTeam: support", //                            32
    "  rules:", //                                          33
    "    - id: to-ana", //                                  34
    "      description: office hours go to Ana", //         35
    "      on: { case.created: }", //                       36
    "      if: { businessHours: { calendar: ofice, open: true } }", // 37
    "      then: [{ assign: { agent: anna } }]", //         38
  ];

  it("checks the agents' teams and ids and the rules' references to agents and calendars, with positions", () => {
    const text = [variant({ 8: null, 9: null }), ...section].join("\n");
    const file = write({ "plaint.yaml": text });
    const problems = problemsOf(loadConfig(file, {})).map((found) => [found.line, found.path, found.message]);
    expect(problems).toStrictEqual([
      [23, "agents[0].teams[1]", 'team "billing" does not exist'],
      [24, "agents[1].id", 'duplicate agent id "ana" (also used by agents[0])'],
      [37, "routing.rules[0].if.businessHours.calendar", 'calendar "ofice" does not exist'],
      [38, "routing.rules[0].then[0].assign.agent", 'agent "anna" does not exist'],
    ]);
  });

  it("loads agents and calendars with their defaults when they are right", () => {
    const fixed = section
      .map((line) => line.replace("support, billing", "support").replace("ofice", "office").replace("anna", "ana"))
      .filter((_, index) => index < 4 || index > 6);
    const result = loadConfig(write({ "plaint.yaml": [variant({ 8: null, 9: null }), ...fixed].join("\n") }), {});
    expect(result.ok && [result.config.agents, result.config.routing.rules.map((rule) => rule.id)]).toStrictEqual([
      [{ id: "ana", name: "Ana", teams: ["support"], available: true }],
      ["to-ana"],
    ]);
  });
});
