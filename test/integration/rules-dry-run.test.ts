import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startHub } from "../../core/hub";
import { openDatabase } from "../../core/kernel/db/database";
import { findReplayCasesPage, type ReplayCursor } from "../../core/store/rule-replay.store";
import { eventually, postWebhook, testConfigYamlWithRouting, testEnv, webhookSecret, writeTestConfig } from "../support/test-hub";

const cli = path.resolve(__dirname, "../../dist/core/cli/plaint.js");

function plaint(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    env: { PATH: process.env["PATH"] ?? "", LOG_LEVEL: "silent", TEST_WEBHOOK_SECRET: webhookSecret, ...env },
    timeout: 150_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const texts: Record<string, string> = {
  "dry-1": "My parcel arrived two weeks late.",
  "dry-2": "I want a refund for the broken lamp.",
  "dry-3": "The courier was rude to me.",
  "dry-4": "Please refund the second charge on my card.",
  "dry-5": "The app logs me out every day.",
};

/** The test hub's config with a billing team and a rule sending refund requests to it. */
function rulesConfigYaml(): string {
  return testConfigYamlWithRouting(
    `teams:
  - { id: support, name: Support }
  - { id: billing, name: Billing }
routing:
  defaultTeam: support
  rules:
    - id: refunds-to-billing
      description: Refund requests go to billing
      on: { case.created: }
      if: { text: { contains: refund } }
      then: [{ setTeam: billing }]
    - id: spanish
      description: Spanish-speaking customers
      on: { case.created: }
      if: { language: { is: es } }
      then: [{ setTeam: billing }]`,
  );
}

/** `plaint rules test` on cases the embedded hub took in: the cases a changed rule would move, and nothing written. */
describe("plaint rules test", () => {
  const { configPath, config, dir } = writeTestConfig();
  const dataDir = mkdtempSync(path.join(tmpdir(), "plaint-dry-run-"));
  const numbers = new Map<string, number>();

  beforeAll(async () => {
    const hub = await startHub({ env: testEnv({ dataDir, configPath }), config, role: "all" });
    try {
      const baseUrl = `http://127.0.0.1:${hub.port}`;
      for (const [id, message] of Object.entries(texts)) {
        const body = JSON.stringify({ id, message, subject: `Order ${id}`, email: `${id}@example.com`, name: "Dry" });
        expect((await postWebhook(baseUrl, body)).status).toBe(202);
      }
      const cases = await eventually(async () => {
        const rows = await hub.database.prisma.message.findMany({
          where: { direction: "in" },
          select: { externalId: true, case: { select: { number: true } } },
        });
        return rows.length === 5 ? rows : null;
      });
      for (const row of cases) numbers.set(row.externalId ?? "", row.case.number);
    } finally {
      await hub.stop();
    }
  }, 120_000);

  const snapshot = async () => {
    const database = await openDatabase({ dataDir, migrate: false });
    try {
      return await database.prisma.case.findMany({
        select: { id: true, team: true, assignee: true, priority: true, category: true, updatedAt: true },
        orderBy: { number: "asc" },
      });
    } finally {
      await database.close();
    }
  };

  it("prints exactly the cases the new rule moves, then the summary, and writes nothing", async () => {
    const rulesPath = path.join(dir, "rules.yaml");
    writeFileSync(rulesPath, rulesConfigYaml());
    const before = await snapshot();

    const result = plaint(["rules", "test", "--config", rulesPath], { PLAINT_DATA_DIR: dataDir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    const refund = (id: string) => ({
      case: `C-${numbers.get(id)}`,
      before: { team: "support" },
      after: { team: "billing" },
      rules: ["refunds-to-billing"],
    });
    expect(lines).toStrictEqual([
      refund("dry-2"),
      refund("dry-4"),
      {
        summary: {
          cases: 5,
          changed: 2,
          fired: { "refunds-to-billing": 2 },
          neverFired: ["spanish"],
          preempted: [],
          notReplayed: [],
        },
      },
    ]);
    expect(await snapshot()).toStrictEqual(before);
  }, 120_000);

  it("pages the cases by (created_at, id) with the first inbound message and its connector", async () => {
    const database = await openDatabase({ dataDir, migrate: false });
    try {
      const pages: string[][] = [];
      let cursor: ReplayCursor | null = null;
      for (;;) {
        const page = await findReplayCasesPage(database, new Date(0), cursor, 2);
        if (page.length === 0) break;
        expect(
          page.every((row) => row.connector === "webform" && row.text === texts[row.subject?.slice(6) ?? ""]),
        ).toBe(true);
        pages.push(page.map((row) => row.subject ?? ""));
        const last = page.at(-1) as (typeof page)[number];
        cursor = { createdAt: last.createdAt, id: last.id };
      }
      expect(pages.map((page) => page.length)).toStrictEqual([2, 2, 1]);
      expect(new Set(pages.flat()).size).toBe(5);
    } finally {
      await database.close();
    }
  });

  it("reads the period from --since, and refuses a bad date or a bad config", () => {
    const env = { PLAINT_DATA_DIR: dataDir, PLAINT_CONFIG: configPath };
    const later = plaint(["rules", "test", "--since", "2099-01-01T00:00:00Z"], env);
    expect(later.code).toBe(0);
    expect(JSON.parse(later.stdout)).toStrictEqual({
      summary: { cases: 0, changed: 0, fired: {}, neverFired: [], preempted: [], notReplayed: [] },
    });

    const badDate = plaint(["rules", "test", "--since", "last week"], env);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toContain(`--since: "last week" is neither a duration`);

    const bad = path.join(dir, "bad-rules.yaml");
    writeFileSync(
      bad,
      rulesConfigYaml().replace("setTeam: billing }]\n    - id: spanish", "setTeam: sales }]\n    - id: spanish"),
    );
    const badConfig = plaint(["rules", "test", "--config", bad], env);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stdout).toBe("");
    expect(badConfig.stderr).toContain(`problem(s) in ${bad}`);
    expect(badConfig.stderr).toContain("sales");
  }, 120_000);
});
