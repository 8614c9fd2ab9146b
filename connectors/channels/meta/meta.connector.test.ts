import { readFileSync } from "node:fs";
import path from "node:path";
import { signHmac } from "../../../core/kernel/security/hmac-signature";
import type { InboundRequest } from "../../../core/connector-contract/connector";
import { metaConnector } from "./meta.connector";
import { metaConnectorConfigSchema } from "./meta.schema";

const config = metaConnectorConfigSchema.parse({
  id: "meta",
  type: "meta",
  // The X-Hub-Signature-256 vector GitHub publishes for the same scheme (Meta publishes none): this secret and
  // body give sha256=757107ea…3e17.
  appSecret: "It's a Secret to Everybody",
  verifyToken: "plaint-verify-token",
});
const http = metaConnector.http!;

function request(
  body: string,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
): InboundRequest {
  return {
    rawBody: Buffer.from(body),
    headers,
    receivedAt: new Date("2026-01-01T00:00:00Z"),
    query,
    url: "https://plaint.example.com/v1/intake/webhook/meta",
  };
}

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "../../../normalizers/channels/meta/fixtures", `${name}.json`), "utf8");

describe("Meta connector", () => {
  describe("verify", () => {
    it("accepts the published X-Hub-Signature-256 vector", () => {
      const signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
      expect(http.verify(config, request("Hello, World!", { "x-hub-signature-256": signature }))).toEqual({
        valid: true,
      });
    });

    it.each([
      ["a tampered body", "Hello, World?", config.appSecret, "mismatch"],
      ["a wrong secret", "Hello, World!", "another-app-secret-0123", "mismatch"],
    ])("refuses %s", (_name, body, secret, reason) => {
      const signature = `sha256=${signHmac(secret, "sha256", "hex", "Hello, World!")}`;
      expect(http.verify(config, request(body, { "x-hub-signature-256": signature }))).toEqual({
        valid: false,
        reason,
      });
    });

    it("refuses a missing header, and the legacy SHA-1 header alone", () => {
      const sha1 = `sha1=${signHmac(config.appSecret, "sha1", "hex", "Hello, World!")}`;
      expect(http.verify(config, request("Hello, World!"))).toEqual({ valid: false, reason: "missing-signature" });
      expect(http.verify(config, request("Hello, World!", { "x-hub-signature": sha1 }))).toEqual({
        valid: false,
        reason: "missing-signature",
      });
    });
  });

  describe("handshake", () => {
    const subscribe = (token: string, mode = "subscribe") =>
      http.handshake!(
        config,
        request("", {}, { "hub.mode": mode, "hub.verify_token": token, "hub.challenge": "1158201444" }),
      );

    it("echoes the challenge when the verify token is ours", () => {
      expect(subscribe("plaint-verify-token")).toEqual({ status: 200, contentType: "text/plain", body: "1158201444" });
    });

    it.each([
      ["a wrong token", () => subscribe("plaint-verify-tokeN")],
      ["a prefix of the token", () => subscribe("plaint-verify")],
      ["another mode", () => subscribe("plaint-verify-token", "unsubscribe")],
      ["no parameters", () => http.handshake!(config, request(""))],
      [
        "a challenge that is not a plain token",
        () =>
          http.handshake!(
            config,
            request(
              "",
              {},
              { "hub.mode": "subscribe", "hub.verify_token": "plaint-verify-token", "hub.challenge": "<b>" },
            ),
          ),
      ],
    ])("403s %s", (_name, attempt) => {
      expect(attempt()).toEqual({ status: 403, contentType: "text/plain", body: "verification failed" });
    });
  });

  it("answers every accepted delivery 200, since Meta redelivers on any other status", () => {
    expect(http.answer!(config, request("{}"))).toEqual({
      status: 200,
      contentType: "application/json",
      body: '{"status":"received"}',
    });
  });

  describe("accept", () => {
    it("makes one intake item per message and status, each a delivery of its own", () => {
      const accepted = http.accept(config, request(fixture("whatsapp-updates")));
      if (!accepted.ok) throw new Error(accepted.error.message);
      expect(accepted.value.map((candidate) => candidate.externalId)).toEqual([
        "status:wamid.OURS1:sent",
        "status:wamid.OURS1:delivered",
        "status:wamid.OURS1:read",
        "status:wamid.OURS3:failed",
        "wamid.REACTION",
        "wamid.UNREACTION",
        "wamid.EDIT",
        "wamid.REVOKE",
      ]);
      expect(JSON.parse(accepted.value[4]!.rawBody)).toEqual({
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
                  contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: "16505551234" }],
                  messages: [
                    {
                      from: "16505551234",
                      id: "wamid.REACTION",
                      timestamp: "1749416600",
                      type: "reaction",
                      reaction: { message_id: "wamid.OURS1", emoji: "👍" },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
    });

    it("stores each item so that normalizing it gives the same message as normalizing the whole delivery", async () => {
      for (const name of ["whatsapp-batch", "whatsapp-updates", "messenger-batch", "instagram-batch"]) {
        const body = fixture(name);
        const accepted = http.accept(config, request(body));
        const whole = await metaConnector.normalize(config, { rawBody: body, receivedAt: new Date(), meta: {} });
        if (!accepted.ok || !whole.ok) throw new Error(`${name} was refused`);
        const one = await Promise.all(
          accepted.value.map((candidate) =>
            Promise.resolve(
              metaConnector.normalize(config, { rawBody: candidate.rawBody, receivedAt: new Date(), meta: {} }),
            ),
          ),
        );
        expect(one.flatMap((result) => (result.ok ? result.value : []))).toEqual(whole.value);
      }
    });

    it("splits a Messenger delivery receipt listing two messages into two items", () => {
      const accepted = http.accept(config, request(fixture("messenger-batch")));
      expect(accepted.ok && accepted.value.map((candidate) => candidate.externalId)).toEqual([
        "m_TEXT",
        "m_IMAGE",
        "m_QUICK",
        "edit:m_TEXT:1",
        "reaction:m_OURS1:6912223218815236:react:1749417005000",
        "status:m_OURS1:delivered",
        "status:m_OURS2:delivered",
        "m_POSTBACK",
      ]);
    });

    it("refuses a malformed delivery with the JSON path, also for problems only the normalizer sees", () => {
      const body = JSON.parse(fixture("whatsapp-batch"));
      delete body.entry[0].changes[1].value.messages[2].button;
      expect(http.accept(config, request(JSON.stringify(body)))).toEqual({
        ok: false,
        error: {
          path: "/entry/0/changes/1/value/messages/2/button",
          message: 'missing for a message of type "button"',
        },
      });
      expect(http.accept(config, request(JSON.stringify({ object: "page", entry: [{ messaging: [] }] })))).toEqual({
        ok: false,
        error: { path: "/entry/0/id", message: expect.any(String) },
      });
    });

    it("keeps nothing from a delivery that only echoes our own message", () => {
      const echo = {
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
                message: { mid: "m_ECHO", is_echo: true, text: "We are looking into it." },
              },
            ],
          },
        ],
      };
      expect(http.accept(config, request(JSON.stringify(echo)))).toEqual({ ok: true, value: [] });
    });
  });
});
