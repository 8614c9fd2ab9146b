import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import twilio from "twilio";
import { loadConfigOrThrow } from "../../core/hub";
import { startHub, type Hub } from "../../core/hub";
import { eventually, testEnv } from "../support/test-hub";

const authToken = "0123456789abcdef0123456789abcdef";
const publicUrl = "https://plaint.example.com";
/** The URL configured in the Twilio console: the public one, as Twilio signs it. */
const webhookUrl = `${publicUrl}/v1/intake/webhook/twilio-main`;

const configYaml = `
apiKeys:
  - { name: test-admin, key: test-admin-key-0123456789, role: admin }
teams:
  - { id: support, name: Support }
routing: { defaultTeam: support }
server: { publicUrl: ${publicUrl} }
pipeline: { maxAttempts: 3, backoffMs: 50 }
connectors:
  - id: twilio-main
    type: twilio
    accountSid: ACa1b2c3d4e5f60718293a4b5c6d7e8f90
    authToken: \${TEST_TWILIO_AUTH_TOKEN}
    numbers: ["+14155550100", "whatsapp:+14155238886"]
`;

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "../../normalizers/channels/twilio/fixtures", `${name}.form`), "utf8");
const signature = (body: string, url = webhookUrl, token = authToken) =>
  twilio.getExpectedTwilioSignature(token, url, Object.fromEntries(new URLSearchParams(body)));
const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio webhooks on the embedded hub (PGlite + in-process queue), the hub sitting behind a proxy: it listens on
 * loopback while Twilio signs the public URL from `server.publicUrl`.
 */
describe("twilio intake on the embedded hub", () => {
  let hub: Hub;
  let baseUrl: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plaint-twilio-"));
    const configPath = path.join(dir, "plaint.yaml");
    writeFileSync(configPath, configYaml);
    const config = loadConfigOrThrow(configPath, { TEST_TWILIO_AUTH_TOKEN: authToken });
    hub = await startHub({ env: testEnv({ dataDir: path.join(dir, "data"), configPath }), config, role: "all" });
    baseUrl = `http://127.0.0.1:${hub.port}`;
  });
  afterAll(async () => {
    await hub.stop();
  });

  const post = async (body: string, headers: Record<string, string> = { "x-twilio-signature": signature(body) }) => {
    const response = await fetch(`${baseUrl}/v1/intake/webhook/twilio-main`, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    });
    return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
  };
  const count = async () => ({
    intake: await hub.database.prisma.intakeItem.count(),
    messages: await hub.database.prisma.message.count(),
    cases: await hub.database.prisma.case.count(),
  });

  it("turns a signed SMS into a case on the customer's phone identity, answering empty TwiML; logs each item's channel", async () => {
    const response = await post(fixture("sms-inbound"));
    expect(response).toStrictEqual({ status: 200, type: "text/xml; charset=utf-8", body: emptyTwiml });
    const whatsapp = await post(fixture("whatsapp-reply"));
    expect(whatsapp.status).toBe(200);
    const items = await hub.database.prisma.intakeItem.findMany({
      where: { externalId: { in: ["SM1f0e7f5a9d3c4b2a8e6d0c1b2a3f4e5d", "SM5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d"] } },
      orderBy: { externalId: "asc" },
    });
    expect(items.map((item) => [item.externalId, item.channel])).toStrictEqual([
      ["SM1f0e7f5a9d3c4b2a8e6d0c1b2a3f4e5d", "sms"],
      ["SM5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d", "whatsapp"],
    ]);

    const message = await eventually(() =>
      hub.database.prisma.message.findFirst({
        where: { externalId: "SM1f0e7f5a9d3c4b2a8e6d0c1b2a3f4e5d" },
        include: { identity: true, case: true },
      }),
    );
    expect(message).toMatchObject({
      direction: "in",
      channel: "sms",
      kind: "message",
      text: "My order #4411 arrived broken, the screen is cracked.",
      thread: { references: [], conversationId: "sms:+14155550100:+14155552671" },
      identity: { kind: "phone", value: "+14155552671" },
      case: { channel: "sms", status: "new", team: "support" },
    });
  });

  it("keeps one intake item and one message when Twilio redelivers", async () => {
    const body = fixture("mms-inbound");
    const first = await post(body);
    const again = await post(body);
    expect([first.status, again.status, again.body]).toStrictEqual([200, 200, emptyTwiml]);
    await eventually(async () => {
      const item = await hub.database.prisma.intakeItem.findFirst({
        where: { externalId: "MM8d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a" },
      });
      return item?.status === "processed";
    });
    expect(
      await hub.database.prisma.intakeItem.count({ where: { externalId: "MM8d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a" } }),
    ).toBe(1);
    const messages = await hub.database.prisma.message.findMany({
      where: { externalId: "MM8d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a" },
    });
    expect(
      messages.map((message) => (message.attachments as { contentType: string }[]).map((a) => a.contentType)),
    ).toStrictEqual([["image/jpeg", "image/png"]]);
  });

  it("takes each state of a status callback in, and opens no case and stores no message for any", async () => {
    const before = await count();
    const delivered = fixture("status-delivered");
    const sent = delivered.replace(/(Sms|Message)Status=delivered/g, "$1Status=sent");
    for (const body of [sent, delivered, delivered]) expect((await post(body)).status).toBe(200);
    const items = await eventually(async () => {
      const rows = await hub.database.prisma.intakeItem.findMany({
        where: { externalId: { startsWith: "status:SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b:" } },
        orderBy: { externalId: "asc" },
      });
      // No reply of ours carries this SID here, so the pipeline finds nothing to update: whatever it decides
      // (`ignored`, or `failed` after retrying in case the callback overtook our record of the send), no case.
      const finished = rows.every((row) => ["processed", "ignored", "failed"].includes(row.status));
      return rows.length === 2 && finished ? rows : null;
    });
    expect(items.map((item) => item.externalId)).toStrictEqual([
      "status:SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b:delivered",
      "status:SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b:sent",
    ]);
    expect(await count()).toStrictEqual({ ...before, intake: before.intake + 2 });
  });

  it("marks a STOP message as an opt-out on the stored message", async () => {
    expect((await post(fixture("sms-stop"))).status).toBe(200);
    const message = await eventually(() =>
      hub.database.prisma.message.findFirst({ where: { externalId: "SM2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b" } }),
    );
    expect(message.flags).toMatchObject({ optOut: "stop" });
  });

  describe("bad input", () => {
    const body = fixture("whatsapp-reply");
    const internalUrl = () => `${baseUrl}/v1/intake/webhook/twilio-main`;

    it.each([
      [
        "a tampered body",
        () => ({ body: body.replace("refund", "parcel"), headers: { "x-twilio-signature": signature(body) } }),
      ],
      [
        "a wrong auth token",
        () => ({ body, headers: { "x-twilio-signature": signature(body, webhookUrl, "f".repeat(32)) } }),
      ],
      [
        "a signature over the URL the proxy forwarded",
        () => ({ body, headers: { "x-twilio-signature": signature(body, internalUrl()) } }),
      ],
    ])("401s %s and stores nothing", async (_name, build) => {
      const before = await count();
      const request = build();
      const response = await post(request.body, request.headers);
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toStrictEqual({
        error: "invalid_signature",
        message: "signature verification failed",
        reason: "mismatch",
      });
      expect(await count()).toStrictEqual(before);
    });

    it("401s a request without X-Twilio-Signature and stores nothing", async () => {
      const before = await count();
      const response = await post(body, {});
      expect([response.status, JSON.parse(response.body)]).toStrictEqual([
        401,
        { error: "invalid_signature", message: "signature verification failed", reason: "missing-signature" },
      ]);
      expect(await count()).toStrictEqual(before);
    });

    it("400s a signed body without MessageSid, naming it, and keeps it as rejected", async () => {
      const unsigned = "From=%2B14155552671&To=%2B14155550100&Body=hello";
      const response = await post(unsigned);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toStrictEqual({
        error: "invalid_payload",
        message: "missing: not a Twilio messaging webhook",
        path: "MessageSid",
        intakeId: expect.any(String),
      });
      const stored = await hub.database.prisma.intakeItem.findUniqueOrThrow({
        where: { id: (JSON.parse(response.body) as { intakeId: string }).intakeId },
      });
      expect(stored).toMatchObject({
        status: "rejected",
        error: "MessageSid: missing: not a Twilio messaging webhook",
      });
    });
  });
});
