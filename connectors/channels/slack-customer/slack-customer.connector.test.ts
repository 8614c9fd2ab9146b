import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { isValidSlackRequest } from "@slack/bolt";
import type { InboundRequest } from "../../../core/connector-contract/connector";
import { slackCustomerConnector } from "./slack-customer.connector";
import { slackCustomerConnectorConfigSchema, type SlackCustomerConnectorConfig } from "./slack-customer.schema";

/** Slack's published test vector (../shared/corpora/README.md, from Slack's own SDK tests). */
const vector = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: 1531420618,
  body: [
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V",
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=",
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN",
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  ].join(""),
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};

const config: SlackCustomerConnectorConfig = slackCustomerConnectorConfigSchema.parse({
  id: "slack-customers",
  type: "slack-customer",
  signingSecret: vector.secret,
  botToken: "xoxb-1-test-token",
  channels: [{ channel: "C0ACMESHARED", customer: "Acme Corp" }],
});
const http = slackCustomerConnector.http;
const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "../../../normalizers/channels/slack-customer/fixtures", name), "utf8");

function request(body: string, headers: Record<string, string>, receivedAtSeconds: number): InboundRequest {
  return {
    rawBody: Buffer.from(body),
    headers,
    receivedAt: new Date(receivedAtSeconds * 1000),
    query: {},
    url: "https://plaint.example.com/v1/intake/webhook/slack-customers",
  };
}
const vectorHeaders = { "x-slack-signature": vector.signature, "x-slack-request-timestamp": String(vector.timestamp) };

function signed(body: string, now: number, secret = vector.secret): InboundRequest {
  const digest = createHmac("sha256", secret).update(`v0:${now}:${body}`).digest("hex");
  return request(body, { "x-slack-signature": `v0=${digest}`, "x-slack-request-timestamp": String(now) }, now);
}

describe("Slack customer-channel connector", () => {
  describe("verify", () => {
    it("accepts Slack's published vector with the clock near its timestamp, as Bolt's own check does", () => {
      const inbound = request(vector.body, vectorHeaders, vector.timestamp + 60);
      expect(http?.verify(config, inbound)).toStrictEqual({ valid: true });
      expect(
        isValidSlackRequest({
          signingSecret: vector.secret,
          body: vector.body,
          headers: { "x-slack-signature": vector.signature, "x-slack-request-timestamp": vector.timestamp },
          nowMilliseconds: (vector.timestamp + 60) * 1000,
        }),
      ).toBe(true);
    });

    it.each([
      ["a tampered body", vector.body.replace("roadrunner", "coyote"), vectorHeaders, 0, "mismatch"],
      ["a wrong secret", vector.body, vectorHeaders, 0, "mismatch"],
      ["no signature", vector.body, { "x-slack-request-timestamp": String(vector.timestamp) }, 0, "missing-signature"],
      ["no timestamp", vector.body, { "x-slack-signature": vector.signature }, 0, "stale-timestamp"],
      ["a timestamp over 5 minutes old", vector.body, vectorHeaders, 301, "stale-timestamp"],
      ["a timestamp over 5 minutes ahead", vector.body, vectorHeaders, -301, "stale-timestamp"],
      [
        "another signature version",
        vector.body,
        { ...vectorHeaders, "x-slack-signature": "v1=" + "0".repeat(64) },
        0,
        "malformed-signature",
      ],
    ])("refuses %s", (name, body, headers, skew, reason) => {
      const secret =
        name === "a wrong secret" ? { ...config, signingSecret: "0123456789abcdef0123456789abcdef" } : config;
      expect(http?.verify(secret, request(body, headers, vector.timestamp + skew))).toStrictEqual({
        valid: false,
        reason,
      });
    });

    it("accepts the edges of the replay window", () => {
      expect(http?.verify(config, request(vector.body, vectorHeaders, vector.timestamp + 300))).toStrictEqual({
        valid: true,
      });
    });
  });

  describe("accept and answer", () => {
    const now = 1764105605;

    it("answers the url_verification handshake with its challenge and stores nothing", () => {
      const body = JSON.stringify({
        token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        type: "url_verification",
      });
      const inbound = signed(body, now);
      expect(http?.accept(config, inbound)).toStrictEqual({ ok: true, value: [] });
      expect(http?.answer?.(config, inbound)).toStrictEqual({
        status: 200,
        contentType: "text/plain",
        body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      });
    });

    it("keys a customer message by channel and ts, the same for every retry of the event", () => {
      const body = fixture("message.json");
      expect(http?.accept(config, signed(body, now))).toStrictEqual({
        ok: true,
        value: [{ externalId: "C0ACMESHARED:1764105600.123456", rawBody: body }],
      });
      expect(http?.answer?.(config, signed(body, now))).toBeUndefined();
    });

    it("keys edits, deletes and reactions apart from the message they update", () => {
      const ids = ["message-changed.json", "message-deleted.json", "reaction-removed.json"].map((name) => {
        const accepted = http?.accept(config, signed(fixture(name), now));
        return accepted?.ok ? accepted.value.map((candidate) => candidate.externalId) : accepted;
      });
      expect(ids).toStrictEqual([
        ["C0ACMESHARED:1764105600.123456:edit:1764106500.000000"],
        ["C0ACMESHARED:1764105600.123456:delete"],
        ["C0ACMESHARED:1764108000.000800:reaction_removed:U0ACMEANA:white_check_mark:1764108100.000900"],
      ]);
    });

    it.each(["channel-join.json", "own-reply.json", "staff-message.json", "other-channel.json"])(
      "acknowledges %s without a candidate",
      (name) => {
        expect(http?.accept(config, signed(fixture(name), now))).toStrictEqual({ ok: true, value: [] });
      },
    );

    it("refuses a body that is not an Events API payload, saying where", () => {
      expect(http?.accept(config, signed(vector.body, now))).toMatchObject({ ok: false, error: { path: "" } });
    });

    it("normalizes a stored item the same way", async () => {
      const stored = { rawBody: fixture("thread-reply.json"), receivedAt: new Date(), meta: {} };
      const result = await slackCustomerConnector.normalize(config, stored);
      expect(result.ok && result.value.map((message) => [message.externalId, message.thread.inReplyTo])).toStrictEqual([
        ["C0ACMESHARED:1764109200.000200", "C0ACMESHARED:1764105600.123456"],
      ]);
      expect(
        await slackCustomerConnector.normalize(config, { ...stored, rawBody: fixture("own-reply.json") }),
      ).toStrictEqual({
        ok: true,
        value: [],
      });
    });
  });

  describe("config", () => {
    it("reports every mistake at once", () => {
      const parsed = slackCustomerConnectorConfigSchema.safeParse({
        id: "slack-customers",
        type: "slack-customer",
        signingSecret: "short",
        botToken: "xoxp-user-token",
        channels: [{ channel: "#acme" }, { channel: "C0ACME" }, { channel: "C0ACME" }],
      });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toStrictEqual([
        ["signingSecret", "use the app's signing secret (32 characters)"],
        ["botToken", "use the bot token, which starts with xoxb-"],
        ["channels.0.channel", "use the channel id (C0123ABCD), not its name"],
        ["channels", "each channel may be listed once"],
      ]);
    });
  });
});
