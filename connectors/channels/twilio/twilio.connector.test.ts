import { readFileSync } from "node:fs";
import path from "node:path";
import twilio from "twilio";
import type { InboundRequest } from "../../../core/connector-contract/connector";
import { verifyTwilioSignature } from "./twilio-signature";
import { twilioConnector } from "./twilio.connector";
import { twilioConnectorConfigSchema, type TwilioConnectorConfig } from "./twilio.schema";

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "../../../normalizers/channels/twilio/fixtures", `${name}.form`), "utf8");

describe("verifyTwilioSignature: Twilio's published vector (../shared/corpora/README.md)", () => {
  const vector = {
    authToken: "12345",
    signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
    params: {
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675309",
      Digits: "1234",
      From: "+14158675309",
      To: "+18005551212",
    },
  };

  it.each(["https://mycompany.com/myapp.php?foo=1&bar=2", "https://mycompany.com:443/myapp.php?foo=1&bar=2"])(
    "accepts %s",
    (url) => {
      expect(verifyTwilioSignature({ ...vector, urls: [url] })).toStrictEqual({ valid: true });
    },
  );

  it.each([
    ["another URL", { urls: ["https://mycompany.com/myapp.php?foo=1&bar=3"] }, "mismatch"],
    ["a tampered parameter", { params: { ...vector.params, Digits: "1235" } }, "mismatch"],
    ["an extra parameter", { params: { ...vector.params, Body: "hi" } }, "mismatch"],
    ["a wrong auth token", { authToken: "12346" }, "mismatch"],
    ["no signature", { signature: undefined }, "missing-signature"],
    ["an empty signature", { signature: "" }, "missing-signature"],
    ["a signature that is no SHA-1 digest", { signature: "RSOYDt4T1cUTdK1PDd93" }, "malformed-signature"],
    ["no auth token", { authToken: "" }, "missing-secret"],
  ])("refuses %s", (_name, change, reason) => {
    const check = { ...vector, urls: ["https://mycompany.com/myapp.php?foo=1&bar=2"], ...change };
    expect(verifyTwilioSignature(check)).toStrictEqual({ valid: false, reason });
  });
});

describe("twilio connector", () => {
  const config: TwilioConnectorConfig = twilioConnectorConfigSchema.parse({
    id: "twilio-main",
    type: "twilio",
    accountSid: "ACa1b2c3d4e5f60718293a4b5c6d7e8f90",
    authToken: "0123456789abcdef0123456789abcdef",
    numbers: ["+14155550100", "whatsapp:+14155238886"],
  });
  const publicUrl = "https://plaint.example.com/v1/intake/webhook/twilio-main";
  const sign = (url: string, body: string, token = config.authToken) =>
    twilio.getExpectedTwilioSignature(token, url, Object.fromEntries(new URLSearchParams(body)));
  const request = (body: string, headers: Record<string, string>, url = publicUrl): InboundRequest => ({
    rawBody: Buffer.from(body),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    receivedAt: new Date("2026-11-25T14:32:10.000Z"),
    query: {},
    url,
  });
  const http = twilioConnector.http;
  if (!http) throw new Error("the twilio connector takes HTTP requests");

  it("verifies a signed inbound SMS against the URL Twilio called", () => {
    const body = fixture("sms-inbound");
    expect(http.verify(config, request(body, { "x-twilio-signature": sign(publicUrl, body) }))).toStrictEqual({
      valid: true,
    });
  });

  it("refuses a body changed after signing, and a signature made with another token", () => {
    const body = fixture("sms-inbound");
    const tampered = body.replace("broken", "fine");
    expect(http.verify(config, request(tampered, { "x-twilio-signature": sign(publicUrl, body) }))).toStrictEqual({
      valid: false,
      reason: "mismatch",
    });
    const foreign = sign(publicUrl, body, "fedcba9876543210fedcba9876543210");
    expect(http.verify(config, request(body, { "x-twilio-signature": foreign }))).toStrictEqual({
      valid: false,
      reason: "mismatch",
    });
    expect(http.verify(config, request(body, {}))).toStrictEqual({ valid: false, reason: "missing-signature" });
  });

  it("checks the configured webhookUrl when a proxy rewrites the path Twilio called", () => {
    const external = "https://gateway.example.com/hooks/twilio?tenant=7";
    const proxied = { ...config, webhookUrl: external };
    const body = fixture("whatsapp-reply");
    // The hub sees its own path; Twilio signed the gateway's URL.
    expect(http.verify(proxied, request(body, { "x-twilio-signature": sign(external, body) }))).toStrictEqual({
      valid: true,
    });
    expect(http.verify(config, request(body, { "x-twilio-signature": sign(external, body) }))).toStrictEqual({
      valid: false,
      reason: "mismatch",
    });
  });

  it("checks status callbacks against the configured statusCallbackUrl", () => {
    const callbackUrl = "https://gateway.example.com/hooks/twilio-status";
    const body = fixture("status-delivered");
    const withCallback = {
      ...config,
      webhookUrl: "https://gateway.example.com/hooks/twilio",
      statusCallbackUrl: callbackUrl,
    };
    expect(http.verify(withCallback, request(body, { "x-twilio-signature": sign(callbackUrl, body) }))).toStrictEqual({
      valid: true,
    });
  });

  it("accepts an inbound message under its MessageSid and answers with empty TwiML", () => {
    const body = fixture("mms-inbound");
    expect(http.accept(config, request(body, {}))).toStrictEqual({
      ok: true,
      value: [{ externalId: "MM8d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a", rawBody: body, channel: "sms" }],
    });
    expect(http.answer?.(config, request(body, {}))).toStrictEqual({
      status: 200,
      contentType: "text/xml",
      body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
    });
  });

  it("gives each state of a status callback its own external id, so none is dropped as a redelivery", () => {
    const delivered = fixture("status-delivered");
    const sent = delivered.replace(/(Sms|Message)Status=delivered/g, "$1Status=sent");
    const ids = [delivered, sent].map((body) => {
      const accepted = http.accept(config, request(body, {}));
      return accepted.ok ? accepted.value[0]?.externalId : accepted.error;
    });
    expect(ids).toStrictEqual([
      "status:SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b:delivered",
      "status:SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b:sent",
    ]);
  });

  it("refuses a body without MessageSid, naming it", () => {
    expect(http.accept(config, request("From=%2B14155552671&Body=hello", {}))).toStrictEqual({
      ok: false,
      error: { path: "MessageSid", message: "missing: not a Twilio messaging webhook" },
    });
  });

  it("normalizes a stored item to one canonical message", async () => {
    const result = await twilioConnector.normalize(config, {
      rawBody: fixture("whatsapp-status-read"),
      receivedAt: new Date("2026-11-25T14:32:10.000Z"),
      meta: {},
    });
    expect(result.ok && result.value.map((message) => [message.channel, message.kind])).toStrictEqual([
      ["whatsapp", "status"],
    ]);
  });

  it("rejects configs with a malformed SID or number, listing each", () => {
    const parsed = twilioConnectorConfigSchema.safeParse({
      id: "twilio-main",
      type: "twilio",
      accountSid: "AC123",
      authToken: "x",
      numbers: ["0800 FLOWERS"],
      statusCallbackUrl: "ftp://example.com/status",
    });
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join("."))).toStrictEqual([
      "accountSid",
      "numbers.0",
      "statusCallbackUrl",
    ]);
  });
});

describe("twilio connector: masking a stored body", () => {
  it("masks the decoded form values and keeps the form readable", async () => {
    const body = new URLSearchParams({
      MessageSid: "SM0001",
      From: "+14155550100",
      Body: "card 4111 1111 1111 1111 please",
    }).toString();
    expect(body).toContain("4111+1111");
    const redact = (text: string) => text.replace(/4111 1111 1111 1111/g, "[card]");
    const masked = await twilioConnector.maskRawBody?.({ rawBody: body, meta: {} }, redact);
    expect(Object.fromEntries(new URLSearchParams(masked))).toStrictEqual({
      MessageSid: "SM0001",
      From: "+14155550100",
      Body: "card [card] please",
    });
  });
});
