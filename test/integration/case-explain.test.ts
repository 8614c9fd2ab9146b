import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfigOrThrow, startHub, type Hub } from "../../core/hub";
import { eventually, postWebhook, testConfigYamlWithRouting, testEnv, viewerKey, webhookSecret } from "../support/test-hub";

/** The test hub's config with a billing team and two rules: one about refunds, one about Spanish speakers. */
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
      then: [{ setTeam: billing }, { addTags: [refund] }]
    - id: spanish
      description: Spanish-speaking customers
      on: { case.created: }
      if: { language: { is: es } }
      then: [{ addTags: [es] }]`,
  );
}

/** The explain answer, as far as these tests read it. */
interface Explained {
  case: string;
  team: string;
  recorded: { type: string; reason: string }[];
  now: { fired: { ruleId: string }[]; notFired: { ruleId: string; reason: string; failed: { path: string } }[] };
}

/** A case routed by a rule on the embedded hub, and `GET /v1/cases/:id/explain` saying why. */
describe("routing rules on a running hub", () => {
  let hub: Hub;
  let baseUrl: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plaint-explain-"));
    const configPath = path.join(dir, "plaint.yaml");
    writeFileSync(configPath, rulesConfigYaml());
    const config = loadConfigOrThrow(configPath, { TEST_WEBHOOK_SECRET: webhookSecret });
    hub = await startHub({ env: testEnv({ dataDir: path.join(dir, "data"), configPath }), config, role: "all" });
    baseUrl = `http://127.0.0.1:${hub.port}`;
  }, 60_000);
  afterAll(async () => {
    await hub.stop();
  });

  const explain = async (reference: string) => {
    const response = await fetch(`${baseUrl}/v1/cases/${reference}/explain`, {
      headers: { authorization: `Bearer ${viewerKey}` },
    });
    return { status: response.status, json: (await response.json()) as Explained };
  };

  it("routes a refund request by its rule and explains it: what happened, and what the rules make of it now", async () => {
    const body = JSON.stringify({ id: "ex-1", message: "I want a refund for my order", email: "ex@example.com" });
    expect((await postWebhook(baseUrl, body)).status).toBe(202);
    const kase = await eventually(() =>
      hub.database.prisma.case.findFirst({ where: { messages: { some: { externalId: "ex-1" } } } }),
    );
    expect([kase.team, kase.tags]).toStrictEqual(["billing", ["refund"]]);

    const { status, json } = await explain(`C-${kase.number}`);
    expect(status).toBe(200);
    expect([json.case, json.team]).toStrictEqual([`C-${kase.number}`, "billing"]);
    expect(json.recorded.map((event) => [event.type, event.reason])).toStrictEqual([
      ["routed", "rule refunds-to-billing"],
      ["rule_fired", "rule refunds-to-billing fired on case.created"],
    ]);
    expect(json.now.fired.map((rule) => rule.ruleId)).toStrictEqual(["refunds-to-billing"]);
    expect(json.now.notFired).toStrictEqual([
      {
        ruleId: "spanish",
        reason: "condition",
        failed: expect.objectContaining({ path: "if.language", expected: { is: "es" }, actual: "en" }),
      },
    ]);
  });

  it("leaves a case no rule claims with the default team, and explains why each rule did not fire", async () => {
    const body = JSON.stringify({ id: "ex-2", message: "The courier was rude to me", email: "ex2@example.com" });
    expect((await postWebhook(baseUrl, body)).status).toBe(202);
    const kase = await eventually(() =>
      hub.database.prisma.case.findFirst({ where: { messages: { some: { externalId: "ex-2" } } } }),
    );
    expect([kase.team, kase.tags]).toStrictEqual(["support", []]);
    const { json } = await explain(kase.id);
    expect(json.recorded.map((event) => event.reason)).toStrictEqual(["default team (routing.defaultTeam)"]);
    expect(json.now.notFired.map((skip) => [skip.ruleId, skip.failed.path])).toStrictEqual([
      ["refunds-to-billing", "if.text"],
      ["spanish", "if.language"],
    ]);
  });

  it("answers 404 for a case that does not exist", async () => {
    expect((await explain("C-999999")).status).toBe(404);
  });
});
