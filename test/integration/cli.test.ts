import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../../core/kernel/db/database";
import { recordIntake } from "../../core/store/intake.store";
import { complaint, webhookSecret, writeTestConfig } from "../support/test-hub";

const cli = path.resolve(__dirname, "../../dist/core/cli/plaint.js");

/** The `plaint` binary as users and scripts call it: exit codes and output shapes are a public contract. */
function plaint(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    env: { PATH: process.env["PATH"] ?? "", LOG_LEVEL: "silent", TEST_WEBHOOK_SECRET: webhookSecret, ...env },
    timeout: 150_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("plaint CLI", () => {
  const { configPath, dir } = writeTestConfig();

  it("config validate: exit 0 on the shipped example, exit 1 listing every problem with file:line:column", () => {
    expect(plaint(["config", "validate", path.resolve(__dirname, "../../config/plaint.yaml")]).code).toBe(0);
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, "apiKeys: []\nteams:\n  - id: support\n    nam: Support\nrouting: { defaultTeam: sales }\n");
    const result = plaint(["config", "validate", bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}:1:10 apiKeys: add at least one API key`);
    expect(result.stderr).toContain(`${bad}:4:5 teams[0].nam: unknown key "nam" — hint: did you mean "name"?`);
    expect(result.stderr).toContain(`${bad}:5:25 routing.defaultTeam: team "sales" does not exist`);
  });

  it("refuses to start on a bad config, saying where", () => {
    const bad = path.join(dir, "bad-start.yaml");
    writeFileSync(bad, "apiKeys: []\n");
    const result = plaint(["start"], {
      PLAINT_CONFIG: bad,
      PLAINT_DATA_DIR: mkdtempSync(path.join(tmpdir(), "plaint-cli-")),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}:1:10 apiKeys`);
    expect(result.stderr).toContain("nothing was started");
  });

  it("parse: one file prints the canonical message; several print one JSON line each; errors exit 1", () => {
    const good = path.join(dir, "good.json");
    const bad = path.join(dir, "bad.json");
    writeFileSync(good, complaint("cli-1", "Cli@Example.com"));
    writeFileSync(bad, JSON.stringify({ id: "cli-2", email: "a@example.com" }));

    const single = plaint(["parse", "--channel", "webhook", "--connector", "webform", good], {
      PLAINT_CONFIG: configPath,
    });
    expect(single.code).toBe(0);
    expect(JSON.parse(single.stdout)).toMatchObject({
      channel: "webhook",
      externalId: "cli-1",
      from: { address: "cli@example.com" },
      kind: "message",
    });

    const several = plaint(["parse", good, bad], { PLAINT_CONFIG: configPath });
    expect(several.code).toBe(1);
    const lines = several.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ file: good, result: { externalId: "cli-1" } });
    expect(lines[1]).toStrictEqual({
      file: bad,
      error: { error: "invalid_payload", message: "missing", path: "/message" },
    });
  });

  it("parse --channel twilio|meta|slack reads raw vendor bodies without a connector configured", () => {
    const form = path.join(dir, "sms.form");
    writeFileSync(form, "MessageSid=SM0001&From=%2B447700900123&To=%2B441632960000&Body=Charged+twice&NumMedia=0");
    const meta = path.join(dir, "whatsapp.json");
    writeFileSync(
      meta,
      JSON.stringify({
        object: "whatsapp_business_account",
        entry: [
          {
            id: "WABA1",
            changes: [
              {
                field: "messages",
                value: {
                  messaging_product: "whatsapp",
                  metadata: { display_phone_number: "15550001111", phone_number_id: "PN1" },
                  contacts: [{ profile: { name: "Ana" }, wa_id: "447700900123" }],
                  messages: [
                    {
                      from: "447700900123",
                      id: "wamid.A1",
                      timestamp: "1764000000",
                      type: "text",
                      text: { body: "Hi" },
                    },
                    {
                      from: "447700900123",
                      id: "wamid.A2",
                      timestamp: "1764000001",
                      type: "text",
                      text: { body: "?" },
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
    const slack = path.join(dir, "slack.json");
    writeFileSync(
      slack,
      JSON.stringify({
        type: "event_callback",
        team_id: "T1",
        event_id: "Ev1",
        event: { type: "message", channel: "C1", user: "U1", text: "Invoice wrong", ts: "1764000000.000100" },
      }),
    );
    const parsed = (channel: string, file: string) => {
      const result = plaint(["parse", "--channel", channel, file], { PLAINT_CONFIG: configPath });
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as unknown;
    };
    expect(parsed("twilio", form)).toMatchObject({
      channel: "sms",
      externalId: "SM0001",
      from: { phone: "+447700900123" },
      text: "Charged twice",
    });
    expect(parsed("meta", meta)).toMatchObject([
      { channel: "whatsapp", externalId: "wamid.A1", from: { phone: "+447700900123", name: "Ana" }, text: "Hi" },
      { channel: "whatsapp", externalId: "wamid.A2", text: "?" },
    ]);
    expect(parsed("slack", slack)).toMatchObject({
      channel: "slack",
      externalId: "C1:1764000000.000100",
      text: "Invoice wrong",
    });
  });

  it("db migrate then replay --failed re-runs failed items in embedded mode", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "plaint-cli-"));
    const env = { PLAINT_CONFIG: configPath, PLAINT_DATA_DIR: dataDir };
    expect(plaint(["db", "migrate"], env)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^applied \d+_init/),
    });
    expect(plaint(["db", "migrate"], env).stdout).toContain("is up to date");

    const database = await openDatabase({ dataDir, migrate: false });
    const item = await recordIntake(database, {
      connectorId: "webform",
      channel: "webhook",
      externalId: "replay-1",
      rawBody: complaint("replay-1"),
      receivedAt: new Date(),
    });
    await database.prisma.intakeItem.update({
      where: { id: item.id },
      data: { status: "failed", error: "TransientError: database was down" },
    });
    await database.close();

    const replay = plaint(["replay", "--failed"], env);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toStrictEqual({ replayed: 1, failed: 0, mode: "inline" });

    const after = await openDatabase({ dataDir, migrate: false });
    expect(await after.prisma.intakeItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      status: "processed",
      error: null,
    });
    expect(await after.prisma.message.count({ where: { externalId: "replay-1" } })).toBe(1);
    await after.close();
    // Five openings of the embedded database, three of them in fresh processes that migrate: slow on a busy machine.
  }, 180_000);
});
