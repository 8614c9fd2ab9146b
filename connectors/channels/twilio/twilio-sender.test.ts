import type Nock from "nock" with { "resolution-mode": "import" };
import { loadNock, releaseNock } from "../../../test/support/nock";
import { TransientError } from "../../../core/kernel/errors";
import { PermanentError } from "../../../core/kernel/errors";
import { createTwilioSender, TwilioRejectedError, twilioUnsubscribedRecipient } from "./twilio-sender";

let nock: typeof Nock;

const accountSid = "ACa1b2c3d4e5f60718293a4b5c6d7e8f90";
const authToken = "0123456789abcdef0123456789abcdef";
const config = { accountSid, authToken, numbers: ["+14155550100", "whatsapp:+14155238886"] };
const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
const basicAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;

/** The Message resource Twilio answers a create with (trimmed to what the sender reads, plus a few neighbours). */
const created = (sid: string, status = "queued") => ({
  account_sid: accountSid,
  api_version: "2010-04-01",
  body: "We are on it.",
  direction: "outbound-api",
  error_code: null,
  error_message: null,
  num_media: "0",
  num_segments: "1",
  sid,
  status,
  uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
});

/**
 * A scope that answers one create, after checking Basic auth and the form content type; `bodies` gets the raw form
 * body as sent, so the test can assert every field and its order.
 */
function expectCreate(status: number, answer: unknown): { scope: Nock.Scope; bodies: string[] } {
  const bodies: string[] = [];
  const scope = nock("https://api.twilio.com", { reqheaders: { authorization: basicAuth } })
    .post(messagesPath)
    .matchHeader("content-type", "application/x-www-form-urlencoded")
    .reply(status, answer as Nock.Body);
  scope.on("request", (_request: unknown, _interceptor: unknown, body: string) => bodies.push(body));
  return { scope, bodies };
}

describe("createTwilioSender", () => {
  beforeAll(async () => {
    nock = await loadNock();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => releaseNock(nock));

  it("sends an SMS reply from the number the customer wrote to, with the status callback", async () => {
    const { scope, bodies } = expectCreate(201, created("SM11111111111111111111111111111111"));
    const result = await createTwilioSender(config, { timeoutMs: 5_000 }).send({
      channel: "sms",
      to: "+14155552671",
      from: "+14155550100",
      text: "We are on it.",
      statusCallbackUrl: "https://plaint.example.com/v1/intake/webhook/twilio-main",
    });
    expect(result).toStrictEqual({ externalId: "SM11111111111111111111111111111111", status: "queued" });
    scope.done();
    expect(Object.fromEntries(new URLSearchParams(bodies[0]))).toStrictEqual({
      To: "+14155552671",
      From: "+14155550100",
      Body: "We are on it.",
      StatusCallback: "https://plaint.example.com/v1/intake/webhook/twilio-main",
    });
  });

  it("sends WhatsApp with media from the configured WhatsApp sender when none is given", async () => {
    const { scope, bodies } = expectCreate(201, created("MM22222222222222222222222222222222"));
    await createTwilioSender({ ...config, statusCallbackUrl: "https://plaint.example.com/twilio-status" }).send({
      channel: "whatsapp",
      to: "+447700900123",
      text: "Here is the return label.",
      mediaUrls: ["https://files.example.com/label-1.pdf", "https://files.example.com/label-2.pdf"],
    });
    scope.done();
    expect([...new URLSearchParams(bodies[0])]).toStrictEqual([
      ["To", "whatsapp:+447700900123"],
      ["StatusCallback", "https://plaint.example.com/twilio-status"],
      ["From", "whatsapp:+14155238886"],
      ["Body", "Here is the return label."],
      ["MediaUrl", "https://files.example.com/label-1.pdf"],
      ["MediaUrl", "https://files.example.com/label-2.pdf"],
    ]);
  });

  it("sends through the Messaging Service when one is configured and no number is given", async () => {
    const { scope, bodies } = expectCreate(201, created("SM33333333333333333333333333333333", "accepted"));
    const messagingServiceSid = "MG0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    const result = await createTwilioSender({ ...config, messagingServiceSid }).send({
      channel: "sms",
      to: "+14155552671",
      text: "Refund issued.",
    });
    scope.done();
    expect(result.status).toBe("accepted");
    expect(Object.fromEntries(new URLSearchParams(bodies[0]))).toStrictEqual({
      To: "+14155552671",
      MessagingServiceSid: messagingServiceSid,
      Body: "Refund issued.",
    });
  });

  it("fails for good, with Twilio's code, when the recipient replied STOP (21610)", async () => {
    const { scope } = expectCreate(400, {
      code: 21610,
      message: "Attempt to send to unsubscribed recipient",
      more_info: "https://www.twilio.com/docs/errors/21610",
      status: 400,
    });
    const failure = await createTwilioSender(config, { timeoutMs: 5_000 })
      .send({ channel: "sms", to: "+14155552671", text: "Hello?" })
      .catch((error: unknown) => error);
    scope.done();
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({
      message:
        "Twilio answered HTTP 400, error 21610: the recipient replied STOP (https://www.twilio.com/docs/errors/21610)",
      twilioCode: twilioUnsubscribedRecipient,
      httpStatus: 400,
    });
  });

  it.each([
    [429, 20429, "Too Many Requests"],
    [503, 20503, "Service Unavailable"],
    [401, 20003, "Authenticate"],
  ])("retries HTTP %p (error %p)", async (status, code, message) => {
    const { scope } = expectCreate(status, {
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    });
    const failure = await createTwilioSender(config, { timeoutMs: 5_000 })
      .send({ channel: "sms", to: "+14155552671", text: "Hello?" })
      .catch((error: unknown) => error);
    scope.done();
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).not.toBeInstanceOf(PermanentError);
    expect((failure as Error).message).toBe(
      `Twilio answered HTTP ${status}, error ${code} (https://www.twilio.com/docs/errors/${code})`,
    );
  });

  it("retries when Twilio cannot be reached", async () => {
    const scope = nock("https://api.twilio.com")
      .post(messagesPath)
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const failure = await createTwilioSender(config, { timeoutMs: 5_000 })
      .send({ channel: "sms", to: "+14155552671", text: "Hello?" })
      .catch((error: unknown) => error);
    scope.done();
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toBe("Twilio could not be reached (ECONNRESET)");
  });

  it.each([
    [
      { channel: "sms" as const, to: "0800 FLOWERS", text: "Hi" },
      "the customer's number is not an international phone number",
    ],
    [{ channel: "sms" as const, to: "+14155552671", text: "  " }, "a message needs text or media"],
  ])("refuses without calling Twilio: %p", async (message, reason) => {
    await expect(createTwilioSender(config, { timeoutMs: 5_000 }).send(message)).rejects.toStrictEqual(
      new TwilioRejectedError(reason, undefined, undefined),
    );
  });

  it("refuses a WhatsApp reply when no WhatsApp sender is configured", async () => {
    const smsOnly = { ...config, numbers: ["+14155550100"] };
    await expect(
      createTwilioSender(smsOnly).send({ channel: "whatsapp", to: "+447700900123", text: "Hi" }),
    ).rejects.toThrow("no whatsapp number is configured");
  });
});
