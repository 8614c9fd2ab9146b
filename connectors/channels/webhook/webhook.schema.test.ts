import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../../core/config/load-config";
import { webhookConnector } from "./webhook.connector";
import { webhookConnectorConfigSchema } from "./webhook.schema";

const base = { id: "forms", type: "webhook", secret: "form-tool-secret-0123456789" } as const;

describe("webhook config with presets", () => {
  it("takes the preset's signature scheme and mapping", () => {
    expect(webhookConnectorConfigSchema.parse({ ...base, preset: "typeform" })).toStrictEqual({
      ...base,
      preset: "typeform",
      signature: {
        header: "Typeform-Signature",
        algorithm: "sha256",
        encoding: "base64",
        prefix: "sha256=",
        toleranceSeconds: 300,
      },
      mapping: {
        externalId: "/id",
        text: "/text",
        subject: "/formTitle",
        receivedAt: "/submittedAt",
        from: { email: "/email", phone: "/phone" },
      },
    });
  });

  it("lets every field written in the config override the preset", () => {
    const config = webhookConnectorConfigSchema.parse({
      ...base,
      preset: "tally",
      signature: { header: "X-Proxy-Signature", timestampHeader: "X-Proxy-Time" },
      mapping: { text: "/answers/question_Qr9St0", from: { email: "/answers/question_Ef3Gh4", name: "/byLabel/Name" } },
    });
    expect(config.signature).toStrictEqual({
      header: "X-Proxy-Signature",
      algorithm: "sha256",
      encoding: "base64",
      prefix: "",
      timestampHeader: "X-Proxy-Time",
      toleranceSeconds: 300,
    });
    expect(config.mapping).toStrictEqual({
      externalId: "/id",
      text: "/answers/question_Qr9St0",
      subject: "/formTitle",
      receivedAt: "/submittedAt",
      from: { email: "/answers/question_Ef3Gh4", phone: "/phone", name: "/byLabel/Name" },
    });
  });

  it("keeps the generic defaults without a preset", () => {
    const config = webhookConnectorConfigSchema.parse({
      ...base,
      mapping: { externalId: "/id", text: "/message", from: { email: "/email" } },
    });
    expect(config.signature).toStrictEqual({
      header: "X-Plaint-Signature",
      algorithm: "sha256",
      encoding: "hex",
      prefix: "",
      toleranceSeconds: 300,
    });
  });

  it("refuses items with a preset, and a mapping without a sender", () => {
    const result = webhookConnectorConfigSchema.safeParse({ ...base, preset: "typeform", mapping: { items: "/x" } });
    expect(result.success || result.error.issues.map((issue) => [issue.path, issue.message])).toStrictEqual([
      [["mapping", "items"], "the typeform preset carries one submission per request; remove items"],
    ]);
    const anonymous = webhookConnectorConfigSchema.safeParse({ ...base, mapping: { externalId: "/id", text: "/t" } });
    expect(anonymous.success || anonymous.error.issues.map((issue) => [issue.path, issue.message])).toStrictEqual([
      [["mapping", "from"], "map at least one of email, phone or handle to identify the sender"],
    ]);
  });
});

describe("webhook presets through the config loader", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "plaint-webhook-config-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const load = (connector: string[]) => {
    const file = path.join(dir, "plaint.yaml");
    const lines = [
      "apiKeys: [{ name: admin, key: abcdefghijklmnop, role: admin }]",
      "teams: [{ id: support, name: Support }]",
      "routing: { defaultTeam: support }",
      "connectors:",
      "  - id: forms",
      "    type: webhook",
      "    secret: form-tool-secret-0123456789",
      ...connector,
    ];
    fs.writeFileSync(file, lines.join("\n"));
    return { file, result: loadConfig({ webhook: webhookConnector }, file, {}) };
  };

  it("reports an unknown preset at its line and column, listing the presets", () => {
    const { file, result } = load(["    preset: tallly"]);
    expect(result.ok || result.problems).toStrictEqual([
      {
        file,
        line: 8,
        column: 13,
        path: "connectors[0].preset",
        message: 'Invalid option: expected one of "typeform"|"tally"',
        hint: "did you mean tally? use one of typeform, tally",
      },
    ]);
  });

  it("asks for a mapping when there is no preset", () => {
    const { result } = load([]);
    expect(result.ok || result.problems.map((problem) => [problem.path, problem.hint])).toStrictEqual([
      ["connectors[0].mapping", 'add "mapping:" to this mapping (a mapping)'],
    ]);
  });

  it("loads a preset with nothing else", () => {
    expect(load(["    preset: typeform"]).result.ok).toBe(true);
  });
});
