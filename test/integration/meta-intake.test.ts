import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfigOrThrow } from "../../core/hub";
import { startHub, type Hub } from "../../core/hub";
import { signHmac } from "../../core/kernel/security/hmac-signature";
import { adminKey, eventually, testEnv } from "../support/test-hub";

/**
 * Meta's webhook on the embedded hub (PGlite + in-process queue): the subscription handshake, X-Hub-Signature-256,
 * batched deliveries split into intake items, redelivery dropped by the intake log's unique key, updates that never
 * open a case, and every bad request with its exact answer.
 */
const appSecret = "meta-app-secret-0123456789abcdef";
const verifyToken = "plaint-meta-verify";

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "../../normalizers/channels/meta/fixtures", `${name}.json`), "utf8");

function writeMetaConfig(): { configPath: string; config: ReturnType<typeof loadConfigOrThrow> } {
  const dir = mkdtempSync(path.join(tmpdir(), "plaint-meta-"));
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
  - id: meta
    type: meta
    appSecret: \${TEST_META_APP_SECRET}
    verifyToken: ${verifyToken}
`,
  );
  return { configPath, config: loadConfigOrThrow(configPath, { TEST_META_APP_SECRET: appSecret }) };
}

const sign = (body: string, secret = appSecret) => `sha256=${signHmac(secret, "sha256", "hex", body)}`;

describe("Meta intake on the embedded hub", () => {
  let hub: Hub;
  let baseUrl: string;

  beforeAll(async () => {
    const { configPath, config } = writeMetaConfig();
    const dataDir = mkdtempSync(path.join(tmpdir(), "plaint-data-"));
    hub = await startHub({ env: testEnv({ dataDir, configPath }), config, role: "all" });
    baseUrl = `http://127.0.0.1:${hub.port}/v1/intake/webhook/meta`;
  });
  afterAll(async () => {
    await hub.stop();
  });

  const post = async (body: string, headers: Record<string, string> = { "x-hub-signature-256": sign(body) }) => {
    const response = await fetch(baseUrl, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    });
    return { status: response.status, json: (await response.json()) as any };
  };
  const counts = async () => ({
    intake: await hub.database.prisma.intakeItem.count(),
    messages: await hub.database.prisma.message.count(),
    cases: await hub.database.prisma.case.count(),
  });
  /** Waits until the worker has finished every intake item. */
  const settled = () =>
    eventually(
      async () =>
        (await hub.database.prisma.intakeItem.count({ where: { status: { in: ["received", "processing"] } } })) === 0,
    );

  describe("subscription handshake", () => {
    it("answers the challenge as plain text when the verify token matches", async () => {
      const response = await fetch(
        `${baseUrl}?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1158201444`,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await response.text()).toBe("1158201444");
    });

    it("403s a wrong verify token", async () => {
      const response = await fetch(`${baseUrl}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`);
      expect(response.status).toBe(403);
      expect(await response.text()).toBe("verification failed");
    });
  });

  it("opens a case for a WhatsApp message, from the customer's phone, and drops the redelivery", async () => {
    const body = fixture("whatsapp-text");
    // Meta redelivers anything not answered 200, so both answers are 200; the intake log keeps one item.
    expect(await post(body)).toEqual({ status: 200, json: { status: "received" } });
    expect(await post(body)).toEqual({ status: 200, json: { status: "received" } });

    await settled();
    const messages = await hub.database.prisma.message.findMany({ include: { identity: true } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      channel: "whatsapp",
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
      text: "Does it come in another color?",
      kind: "message",
      identity: { kind: "phone", value: "+16505551234", name: "Sheena Nelson" },
    });
    expect(await hub.database.prisma.intakeItem.count({ where: { connectorId: "meta" } })).toBe(1);
    expect(await hub.database.prisma.case.count()).toBe(1);
  });

  it("stores each message of a batched delivery as its own intake item", async () => {
    const before = await counts();
    expect((await post(fixture("whatsapp-batch"))).status).toBe(200);
    await settled();
    expect((await counts()).intake).toBe(before.intake + 12);
    const stored = await hub.database.prisma.message.findMany({
      where: { externalId: { in: ["wamid.IMAGE", "wamid.FROMAD", "wamid.UNSUPPORTED"] } },
      orderBy: { externalId: "asc" },
    });
    expect(stored.map((message) => [message.externalId, message.text])).toEqual([
      ["wamid.FROMAD", "Is this still on sale?"],
      ["wamid.IMAGE", "The lid arrived cracked"],
      [
        "wamid.UNSUPPORTED",
        "[unsupported WhatsApp message: unsupported (131051 Message type unknown: Message type is currently not supported.)]",
      ],
    ]);
  });

  it("keeps statuses, reactions, edits and revokes as intake items that open no case", async () => {
    await settled();
    const before = await counts();
    expect((await post(fixture("whatsapp-updates"))).status).toBe(200);
    await settled();
    const after = await counts();
    expect({ intake: after.intake, cases: after.cases }).toEqual({ intake: before.intake + 8, cases: before.cases });
    // A status for the same message in another state is a new item, not a duplicate of the first.
    const statuses = await hub.database.prisma.intakeItem.findMany({
      where: { externalId: { startsWith: "status:wamid.OURS1:" } },
      select: { externalId: true },
      orderBy: { externalId: "asc" },
    });
    expect(statuses.map((item) => item.externalId)).toEqual([
      "status:wamid.OURS1:delivered",
      "status:wamid.OURS1:read",
      "status:wamid.OURS1:sent",
    ]);
  });

  it("opens Messenger and Instagram cases by the sender's scoped id, ignoring our echoes", async () => {
    const before = await counts();
    await post(fixture("messenger-batch"));
    await post(fixture("instagram-batch"));
    await settled();
    expect((await counts()).intake).toBe(before.intake + 8 + 6);
    const identities = await hub.database.prisma.identity.findMany({
      where: { kind: { in: ["messenger", "instagram"] } },
      select: { kind: true, value: true },
      orderBy: { kind: "asc" },
    });
    expect(identities).toEqual([
      { kind: "instagram", value: "1254459154682919" },
      { kind: "messenger", value: "6912223218815236" },
    ]);
    expect(await hub.database.prisma.intakeItem.count({ where: { externalId: "m_ECHO" } })).toBe(0);
  });

  it("answers a delivery carrying only our own echo with 200 and stores nothing", async () => {
    const body = JSON.stringify({
      object: "page",
      entry: [
        {
          id: "108447711879046",
          time: 1749417003000,
          messaging: [
            {
              sender: { id: "108447711879046" },
              recipient: { id: "6912223218815236" },
              timestamp: 1749417003000,
              message: { mid: "m_ECHO2", is_echo: true, text: "We are looking into it." },
            },
          ],
        },
      ],
    });
    const before = await counts();
    expect(await post(body)).toEqual({ status: 200, json: { status: "received" } });
    expect(await counts()).toEqual(before);
  });

  describe("bad requests", () => {
    it.each([
      [
        "a tampered body",
        (body: string) => ({ body: body.replace("color", "colour"), signature: sign(body) }),
        "mismatch",
      ],
      [
        "a wrong secret",
        (body: string) => ({ body, signature: sign(body, "another-app-secret-0123456789") }),
        "mismatch",
      ],
      ["a missing header", (body: string) => ({ body, signature: undefined }), "missing-signature"],
      [
        "the legacy SHA-1 form",
        (body: string) => ({ body, signature: `sha1=${signHmac(appSecret, "sha1", "hex", body)}` }),
        "malformed-signature",
      ],
    ])("401s %s and stores nothing", async (_name, build, reason) => {
      const { body, signature } = build(fixture("whatsapp-text").replace("wamid.HBg", "wamid.SIG"));
      const before = await counts();
      const response = await post(body, signature ? { "x-hub-signature-256": signature } : {});
      expect(response).toEqual({
        status: 401,
        json: { error: "invalid_signature", message: "signature verification failed", reason },
      });
      expect(await counts()).toEqual(before);
    });

    it("400s a delivery of the wrong shape, naming the JSON path, and keeps it as rejected", async () => {
      const delivery = JSON.parse(fixture("whatsapp-text"));
      delete delivery.entry[0].changes[0].value.messages[0].id;
      const body = JSON.stringify(delivery);
      const response = await post(body);
      expect(response).toEqual({
        status: 400,
        json: {
          error: "invalid_payload",
          message: expect.any(String),
          path: "/entry/0/changes/0/value/messages/0/id",
          intakeId: expect.any(String),
        },
      });
      const stored = await hub.database.prisma.intakeItem.findUniqueOrThrow({ where: { id: response.json.intakeId } });
      expect(stored).toMatchObject({ status: "rejected", rawBody: body });
    });
  });
});
