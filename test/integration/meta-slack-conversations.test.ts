import type Nock from "nock" with { "resolution-mode": "import" };
import type { Hub } from "../../core/hub";
import { signHmac } from "../../core/kernel/security/hmac-signature";
import { loadNock, releaseNock } from "../support/nock";
import { createTestPostgres, type TestPostgres } from "../support/postgres";
import { testRedisUrl } from "../support/redis";
import { adminKey, eventually, startScaleOutHub } from "../support/test-hub";

const appSecret = "meta-app-secret-0123456789abcdef";
const accessToken = "EAAG-conversation-test-token";
const slackSecret = "slack-signing-secret-0123456789";
const slackToken = "xoxb-1-conversation-test";
const waCustomer = "447700900123";

let nock: typeof Nock | undefined;

/**
 * A WhatsApp (Meta Cloud API) and a Slack Connect conversation on the real pipeline (PostgreSQL + Redis): the
 * customer's message opens a case, the agent's reply goes out through the vendor's API (nock checks the request),
 * Meta's status webhook updates the reply's delivery, and the customer's answers join the same case.
 */
describe("Meta and Slack conversations on PostgreSQL + Redis", () => {
  let postgres: TestPostgres | null = null;
  let hub: Hub | null = null;

  beforeAll(async () => {
    postgres = await createTestPostgres();
    const redisUrl = await testRedisUrl();
    if (!postgres || !redisUrl) return;
    nock = await loadNock();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)/);
    hub = await startScaleOutHub(
      postgres.url,
      redisUrl,
      `
  - id: meta-main
    type: meta
    appSecret: ${appSecret}
    verifyToken: conversation-verify-token
    accessToken: ${accessToken}
    whatsapp: { phoneNumberId: "106540352242922" }
  - id: slack-customers
    type: slack-customer
    signingSecret: ${slackSecret}
    botToken: ${slackToken}
    channels:
      - { channel: C0ACMESHARED, customer: Acme Corp }
`,
    );
  }, 120_000);

  afterAll(async () => {
    await hub?.stop();
    await postgres?.drop();
    if (nock) releaseNock(nock);
  });

  const post = async (connectorId: string, body: string, headers: Record<string, string>) => {
    const response = await fetch(`http://127.0.0.1:${hub?.port ?? 0}/v1/intake/webhook/${connectorId}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    });
    expect([200, 202]).toContain(response.status);
  };
  const reply = async (caseNumber: number, text: string) => {
    const response = await fetch(`http://127.0.0.1:${hub?.port ?? 0}/v1/cases/C-${caseNumber}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    expect(response.status).toBe(202);
  };
  const whatsapp = (value: object) => {
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
                ...value,
              },
            },
          ],
        },
      ],
    });
    return post("meta-main", body, { "x-hub-signature-256": `sha256=${signHmac(appSecret, "sha256", "hex", body)}` });
  };
  const waText = (id: string, text: string, context?: string, from = waCustomer, sentAt = Date.now()) =>
    whatsapp({
      contacts: [{ profile: { name: "Ana Silva" }, wa_id: from }],
      messages: [
        {
          from,
          id,
          timestamp: String(Math.floor(sentAt / 1000)),
          type: "text",
          text: { body: text },
          ...(context && { context: { from: "15550783881", id: context } }),
        },
      ],
    });

  it("WhatsApp: message → case → reply through the Graph API → delivered → the customer's answer joins", async () => {
    if (!hub || !nock) return;
    const prisma = hub.database.prisma;
    await waText("wamid.IN1", "My order 5521 never arrived");
    const first = await eventually(() => prisma.message.findFirst({ where: { externalId: "wamid.IN1" } }));
    const kase = await prisma.case.findUniqueOrThrow({ where: { id: first.caseId } });

    const graph = nock("https://graph.facebook.com", { reqheaders: { authorization: `Bearer ${accessToken}` } })
      .post("/v21.0/106540352242922/messages", (body: Record<string, unknown>) => {
        expect(body).toMatchObject({
          messaging_product: "whatsapp",
          to: `+${waCustomer}`,
          type: "text",
          text: { body: "It left our warehouse today." },
          context: { message_id: "wamid.IN1" },
        });
        return true;
      })
      .reply(200, {
        messaging_product: "whatsapp",
        contacts: [{ wa_id: waCustomer }],
        messages: [{ id: "wamid.OUT1" }],
      });
    await reply(kase.number, "It left our warehouse today.");
    const sent = await eventually(() => prisma.message.findFirst({ where: { externalId: "wamid.OUT1" } }));
    expect(graph.isDone()).toBe(true);

    await whatsapp({
      statuses: [
        {
          id: "wamid.OUT1",
          status: "delivered",
          timestamp: String(Math.floor(Date.now() / 1000)),
          recipient_id: waCustomer,
        },
      ],
    });
    await eventually(
      async () => (await prisma.message.findUniqueOrThrow({ where: { id: sent.id } })).deliveryStatus === "delivered",
    );

    await waText("wamid.IN2", "Thank you!", "wamid.OUT1");
    const answer = await eventually(() => prisma.message.findFirst({ where: { externalId: "wamid.IN2" } }));
    expect(answer.caseId).toBe(kase.id);
    expect(await prisma.case.count({ where: { customerId: kase.customerId } })).toBe(1);
  });

  it("WhatsApp: outside the 24-hour window the reply is held and the case says why", async () => {
    if (!hub) return;
    const prisma = hub.database.prisma;
    await waText("wamid.OLD1", "Still waiting for my refund", undefined, "447700900999", Date.now() - 30 * 3_600_000);
    const old = await eventually(() => prisma.message.findFirst({ where: { externalId: "wamid.OLD1" } }));
    const kase = await prisma.case.findUniqueOrThrow({ where: { id: old.caseId } });
    await reply(kase.number, "Sorry for the wait.");
    const held = await eventually(() =>
      prisma.caseEvent.findFirst({ where: { caseId: kase.id, type: "reply_not_sent" } }),
    );
    expect(held.reason).toMatch(
      /outside whatsapp's 24-hour customer-service window, only an approved template may be sent$/,
    );
  });

  it("Messenger: message → case → reply through the Send API → the customer's answer joins", async () => {
    if (!hub || !nock) return;
    const prisma = hub.database.prisma;
    const messenger = (mid: string, text: string) => {
      const body = JSON.stringify({
        object: "page",
        entry: [
          {
            id: "PAGE1",
            time: Date.now(),
            messaging: [
              { sender: { id: "PSID77" }, recipient: { id: "PAGE1" }, timestamp: Date.now(), message: { mid, text } },
            ],
          },
        ],
      });
      return post("meta-main", body, { "x-hub-signature-256": `sha256=${signHmac(appSecret, "sha256", "hex", body)}` });
    };
    await messenger("m_IN1", "The app charges me twice");
    const first = await eventually(() => prisma.message.findFirst({ where: { externalId: "m_IN1" } }));
    const kase = await prisma.case.findUniqueOrThrow({ where: { id: first.caseId } });
    const send = nock("https://graph.facebook.com", { reqheaders: { authorization: `Bearer ${accessToken}` } })
      .post("/v21.0/me/messages", (body: Record<string, unknown>) => {
        expect(body).toMatchObject({
          recipient: { id: "PSID77" },
          messaging_type: "RESPONSE",
          message: { text: "We have refunded the second charge." },
        });
        return true;
      })
      .reply(200, { recipient_id: "PSID77", message_id: "m_OUT1" });
    await reply(kase.number, "We have refunded the second charge.");
    await eventually(() => prisma.message.findFirst({ where: { externalId: "m_OUT1" } }));
    expect(send.isDone()).toBe(true);
    await messenger("m_IN2", "Great, thanks");
    const answer = await eventually(() => prisma.message.findFirst({ where: { externalId: "m_IN2" } }));
    expect(answer.caseId).toBe(kase.id);
  });

  it("Slack Connect: top-level message → case → reply in its thread → a colleague's thread reply joins", async () => {
    if (!hub || !nock) return;
    const prisma = hub.database.prisma;
    const slackEvent = (eventId: string, event: object) => {
      const body = JSON.stringify({
        token: "legacy-token",
        team_id: "T0OURTEAM",
        api_app_id: "A0PLAINT",
        type: "event_callback",
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: "message", channel: "C0ACMESHARED", channel_type: "channel", ...event },
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const digest = signHmac(slackSecret, "sha256", "hex", `v0:${timestamp}:${body}`);
      return post("slack-customers", body, {
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": `v0=${digest}`,
      });
    };
    await slackEvent("Ev01", {
      user: "U0ANA",
      user_team: "T0ACME",
      text: "Invoice INV-4411 is wrong",
      ts: "1764105600.123456",
    });
    const first = await eventually(() =>
      prisma.message.findFirst({ where: { externalId: "C0ACMESHARED:1764105600.123456" } }),
    );
    const kase = await prisma.case.findUniqueOrThrow({ where: { id: first.caseId } });

    const slack = nock("https://slack.com", { reqheaders: { authorization: `Bearer ${slackToken}` } })
      .post("/api/chat.postMessage", (form: Record<string, string>) => {
        expect({ channel: form["channel"], thread_ts: form["thread_ts"], text: form["text"] }).toEqual({
          channel: "C0ACMESHARED",
          thread_ts: "1764105600.123456",
          text: "We are correcting it now.",
        });
        return true;
      })
      .reply(200, { ok: true, channel: "C0ACMESHARED", ts: "1764105700.000100" });
    await reply(kase.number, "We are correcting it now.");
    await eventually(() => prisma.message.findFirst({ where: { externalId: "C0ACMESHARED:1764105700.000100" } }));
    expect(slack.isDone()).toBe(true);

    await slackEvent("Ev02", {
      user: "U0BEN",
      user_team: "T0ACME",
      text: "Thanks, please also check INV-4412",
      ts: "1764105800.000200",
      thread_ts: "1764105600.123456",
    });
    const colleague = await eventually(() =>
      prisma.message.findFirst({ where: { externalId: "C0ACMESHARED:1764105800.000200" } }),
    );
    expect(colleague.caseId).toBe(kase.id);
  });
});
