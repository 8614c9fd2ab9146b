import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfigOrThrow } from "../../core/hub";
import { startHub, type Hub } from "../../core/hub";
import { adminKey, eventually, testEnv } from "../support/test-hub";

/**
 * Slack Connect customer channels on the embedded hub (PGlite + in-process queue): the url_verification handshake,
 * X-Slack-Signature with its replay window, Slack's retries deduplicated, a thread reply joining its parent's case,
 * edits / deletes / reactions never opening a case, everything that is not a customer's message acknowledged and
 * not stored, and every refused request storing nothing.
 */
const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "../../normalizers/channels/slack-customer/fixtures", name), "utf8");
const corpusChallenge = path.join(__dirname, "../../../shared/corpora/webhooks/slack/url_challenge.json");

function writeSlackConfig(): { configPath: string; config: ReturnType<typeof loadConfigOrThrow> } {
  const dir = mkdtempSync(path.join(tmpdir(), "plaint-slack-"));
  const configPath = path.join(dir, "plaint.yaml");
  writeFileSync(
    configPath,
    `
apiKeys:
  - { name: test-admin, key: ${adminKey}, role: admin }
teams:
  - { id: support, name: Support }
routing: { defaultTeam: support }
pipeline: { maxAttempts: 3, backoffMs: 50 }
connectors:
  - id: slack-customers
    type: slack-customer
    signingSecret: \${TEST_SLACK_SIGNING_SECRET}
    botToken: \${TEST_SLACK_BOT_TOKEN}
    channels:
      - { channel: C0ACMESHARED, customer: Acme Corp }
`,
  );
  const env = { TEST_SLACK_SIGNING_SECRET: signingSecret, TEST_SLACK_BOT_TOKEN: "xoxb-1-test-token" };
  return { configPath, config: loadConfigOrThrow(configPath, env) };
}

/** The headers Slack sends: its signature over `v0:{timestamp}:{body}`, and the timestamp. */
function slackHeaders(body: string, secret = signingSecret, timestamp = Math.floor(Date.now() / 1000)) {
  const digest = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return {
    "content-type": "application/json",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": `v0=${digest}`,
  };
}

describe("Slack customer-channel intake on the embedded hub", () => {
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    const { configPath, config } = writeSlackConfig();
    const dataDir = mkdtempSync(path.join(tmpdir(), "plaint-data-"));
    hub = await startHub({ env: testEnv({ dataDir, configPath }), config, role: "all" });
    url = `http://127.0.0.1:${hub.port}/v1/intake/webhook/slack-customers`;
  });
  afterAll(async () => {
    await hub.stop();
  });

  const post = async (body: string, headers: Record<string, string> = slackHeaders(body)) => {
    const response = await fetch(url, { method: "POST", body, headers });
    const text = await response.text();
    const json = response.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text;
    return { status: response.status, contentType: response.headers.get("content-type"), json };
  };
  const counts = async () => ({
    intake: await hub.database.prisma.intakeItem.count(),
    messages: await hub.database.prisma.message.count(),
    cases: await hub.database.prisma.case.count(),
  });
  const settled = () =>
    eventually(
      async () =>
        (await hub.database.prisma.intakeItem.count({ where: { status: { in: ["received", "processing"] } } })) === 0,
    );

  it("answers url_verification with the challenge as plain text and stores nothing", async () => {
    const body = existsSync(corpusChallenge)
      ? readFileSync(corpusChallenge, "utf8")
      : JSON.stringify({
          token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
          challenge: "valid_challenge_token",
          type: "url_verification",
        });
    const before = await counts();
    expect(await post(body)).toStrictEqual({
      status: 200,
      contentType: "text/plain; charset=utf-8",
      json: "valid_challenge_token",
    });
    expect(await counts()).toStrictEqual(before);
  });

  it("opens a case for a customer's message, and a Slack retry of it is a duplicate", async () => {
    const body = fixture("message.json");
    const first = await post(body);
    expect(first).toStrictEqual({
      status: 202,
      contentType: "application/json; charset=utf-8",
      json: { status: "accepted", intakeIds: [expect.any(String)] },
    });
    // Slack retries an event it thinks we missed with the same body and X-Slack-Retry-Num.
    const retry = await post(body, {
      ...slackHeaders(body),
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    expect(retry).toStrictEqual({
      status: 200,
      contentType: "application/json; charset=utf-8",
      json: { status: "duplicate", intakeIds: first.json.intakeIds },
    });
    await settled();

    const message = await hub.database.prisma.message.findFirstOrThrow({
      where: { externalId: "C0ACMESHARED:1764105600.123456" },
      include: { identity: true, case: true },
    });
    expect({
      channel: message.channel,
      kind: message.kind,
      text: message.text,
      thread: message.thread,
      identity: [message.identity?.kind, message.identity?.value],
      caseChannel: message.case?.channel,
    }).toStrictEqual({
      channel: "slack",
      kind: "message",
      text:
        "Hi @U0BOTUSER, invoice INV-4411 (https://billing.example.com/inv/4411) charged us twice & support at " +
        "help@example.com never answered. Cc @finance <urgent>",
      thread: { references: [], conversationId: "C0ACMESHARED" },
      identity: ["slack", "T0ACMECORP:U0ACMEANA"],
      caseChannel: "slack",
    });
    expect(await hub.database.prisma.message.count({ where: { externalId: "C0ACMESHARED:1764105600.123456" } })).toBe(
      1,
    );
  });

  it("puts a reply in the thread on the same case", async () => {
    const parent = await hub.database.prisma.message.findFirstOrThrow({
      where: { externalId: "C0ACMESHARED:1764105600.123456" },
    });
    expect((await post(fixture("thread-reply.json"))).status).toBe(202);
    const reply = await eventually(() =>
      hub.database.prisma.message.findFirst({ where: { externalId: "C0ACMESHARED:1764109200.000200" } }),
    );
    expect(reply.caseId).toBe(parent.caseId);
    const joined = await hub.database.prisma.caseEvent.findFirstOrThrow({
      where: { caseId: parent.caseId, type: "message_added", reason: { contains: "in-reply-to" } },
    });
    expect(joined.reason).toBe("thread: in-reply-to C0ACMESHARED:1764105600.123456");
  });

  /** The customer's reaction, moved onto the customer's stored message (the fixture's target is our reply). */
  const reactionOnStoredMessage = () => {
    const body = JSON.parse(fixture("reaction-removed.json"));
    body.event.item.ts = "1764105600.123456";
    return JSON.stringify(body);
  };

  it.each([
    ["an edit", () => fixture("message-changed.json")],
    ["a delete", () => fixture("message-deleted.json")],
    ["a reaction", reactionOnStoredMessage],
  ])("keeps %s as an intake item of its own, which opens no case and adds no message", async (_name, body) => {
    await settled();
    const before = await counts();
    const response = await post(body());
    expect(response.status).toBe(202);
    await settled();
    const item = await hub.database.prisma.intakeItem.findUniqueOrThrow({ where: { id: response.json.intakeIds[0] } });
    // Settled without error: "ignored" while the pipeline only skips updates, "processed" once it applies them.
    expect(["ignored", "processed"]).toContain(item.status);
    expect(await counts()).toStrictEqual({ ...before, intake: before.intake + 1 });
  });

  it.each([
    "channel-join.json",
    "own-reply.json",
    "staff-message.json",
    "other-channel.json",
    "message-changed-unfurl.json",
  ])("acknowledges %s with 200 and stores nothing", async (name) => {
    const before = await counts();
    expect(await post(fixture(name))).toStrictEqual({
      status: 200,
      contentType: "application/json; charset=utf-8",
      json: { status: "ignored", intakeIds: [] },
    });
    expect(await counts()).toStrictEqual(before);
  });

  describe("refused requests store nothing", () => {
    const body = fixture("file-share.json");
    it.each([
      [
        "a tampered body",
        () => ({ body: body.replace("two charges", "one charge"), headers: slackHeaders(body) }),
        "mismatch",
      ],
      ["a wrong secret", () => ({ body, headers: slackHeaders(body, "0123456789abcdef0123456789abcdef") }), "mismatch"],
      [
        "a missing signature header",
        () => {
          const headers: Record<string, string> = slackHeaders(body);
          delete headers["x-slack-signature"];
          return { body, headers };
        },
        "missing-signature",
      ],
      [
        "a timestamp older than 5 minutes",
        () => ({ body, headers: slackHeaders(body, signingSecret, Math.floor(Date.now() / 1000) - 301) }),
        "stale-timestamp",
      ],
    ])("401s %s", async (_name, build, reason) => {
      const before = await counts();
      const request = build();
      expect(await post(request.body, request.headers)).toStrictEqual({
        status: 401,
        contentType: "application/json; charset=utf-8",
        json: { error: "invalid_signature", message: "signature verification failed", reason },
      });
      expect(await counts()).toStrictEqual(before);
    });

    it("and the same body correctly signed is taken in", async () => {
      expect((await post(body)).status).toBe(202);
      await eventually(() =>
        hub.database.prisma.message.findFirst({ where: { externalId: "C0ACMESHARED:1764106000.000300" } }),
      );
    });
  });
});
