import { createHash, timingSafeEqual } from "node:crypto";
import { err, ok } from "../../../core/kernel/result";
import { verifyHmac } from "../../../core/kernel/security/hmac-signature";
import { itemAsDelivery, splitMetaDelivery } from "../../../normalizers/channels/meta/meta-delivery";
import {
  metaItemExternalId,
  normalizeMetaDelivery,
  normalizeMetaItem,
} from "../../../normalizers/channels/meta/meta.normalizer";
import { sendMetaReply } from "./meta-sender";
import {
  defineConnector,
  headerValue,
  type HttpAnswer,
  type IntakeCandidate,
} from "../../../core/connector-contract/connector";
import { metaConnectorConfigSchema } from "./meta.schema";

/**
 * Meta's messaging products (WhatsApp Cloud API, Messenger, Instagram) through one app webhook: the GET subscription
 * handshake, `X-Hub-Signature-256` on every POST, and one intake item per message, status, reaction, edit or delete
 * of a batched delivery. The canonical channel comes from each delivery's `object`, so the connector's own
 * `channel` is only the default the intake log records.
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
export const metaConnector = defineConnector({
  type: "meta",
  channel: "whatsapp",
  configSchema: metaConnectorConfigSchema,

  http: {
    /**
     * Meta signs the exact request bytes with the app secret: `sha256=` + hex HMAC-SHA256.
     * @see https://developers.facebook.com/docs/messenger-platform/webhooks#validate-payloads
     */
    verify(config, request) {
      return verifyHmac({
        secret: config.appSecret,
        algorithm: "sha256",
        encoding: "hex",
        prefix: "sha256=",
        signature: headerValue(request.headers, "X-Hub-Signature-256"),
        signedPayload: request.rawBody,
      });
    },

    accept(_config, request) {
      const items = splitMetaDelivery(request.rawBody.toString("utf8"));
      if (!items.ok) return items;
      const candidates: IntakeCandidate[] = [];
      for (const item of items.value) {
        // Normalizing here too costs microseconds and turns a payload the worker could never read into a 400 now.
        const checked = normalizeMetaItem(item);
        if (!checked.ok) return err(checked.error);
        candidates.push({ externalId: metaItemExternalId(item), rawBody: JSON.stringify(itemAsDelivery(item)) });
      }
      return ok(candidates);
    },

    /**
     * Meta treats any status but 200 as a failed delivery and redelivers it (for up to days), so the hub's 202
     * receipt would bring every delivery back: accepted and duplicate deliveries alike are answered 200.
     * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview
     */
    answer(): HttpAnswer {
      return { status: 200, contentType: "application/json", body: JSON.stringify({ status: "received" }) };
    },

    /**
     * The subscription check Meta makes when the webhook URL is saved: echo `hub.challenge` when the token is ours.
     * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
     */
    handshake(config, request): HttpAnswer {
      const { "hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge } = request.query;
      // Meta's challenge is a number; anything else is not echoed, so the endpoint cannot reflect arbitrary text.
      const plainChallenge = challenge !== undefined && /^[A-Za-z0-9_-]{1,256}$/.test(challenge);
      if (mode === "subscribe" && token !== undefined && sameSecret(token, config.verifyToken) && plainChallenge) {
        return { status: 200, contentType: "text/plain", body: challenge };
      }
      return { status: 403, contentType: "text/plain", body: "verification failed" };
    },
  },

  reply: {
    channels: ["whatsapp", "messenger", "instagram"],
    reportsDelivery: true,
    // Free text only within 24 hours of the customer's last message, on all three (Meta's standard messaging window).
    customerWindowHours: () => 24,
    async send(config, reply) {
      const sent = await sendMetaReply(config, {
        channel: reply.channel === "messenger" || reply.channel === "instagram" ? reply.channel : "whatsapp",
        to: reply.to,
        text: reply.text,
        ...(reply.inReplyTo && { inReplyTo: reply.inReplyTo }),
        idempotencyKey: reply.messageId,
      });
      return { externalId: sent.messageId };
    },
  },

  normalize(_config, item) {
    return normalizeMetaDelivery(item.rawBody);
  },

  rawFiles: { standalone: (raw) => normalizeMetaDelivery(raw.toString("utf8")) },
});

/** Constant-time comparison of two strings of any length: their digests have the same length. */
function sameSecret(received: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(received), digest(expected));
}
