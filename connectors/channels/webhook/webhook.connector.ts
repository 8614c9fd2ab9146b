import { isTimestampFresh, verifyHmac } from "../../../core/kernel/security/hmac-signature";
import { ok } from "../../../core/kernel/result";
import {
  readStoredWebhook,
  readWebhookRequest,
  type WebhookReading,
} from "../../../normalizers/channels/webhook/webhook-batch";
import { defineConnector, headerValue } from "../../../core/connector-contract/connector";
import { webhookPresets } from "./webhook.presets";
import {
  resolvedMapping,
  resolvedSignature,
  webhookConnectorConfigSchema,
  type WebhookConnectorConfig,
} from "./webhook.schema";

/**
 * Generic signed webhook: any system that can POST JSON with an HMAC header (web forms, in-house tools), or a
 * known form tool through a preset (Typeform, Tally). One request is one message, or one per element of the
 * array at `mapping.items`; the mapping in config says where each canonical field is.
 */
export const webhookConnector = defineConnector({
  type: "webhook",
  channel: "webhook",
  configSchema: webhookConnectorConfigSchema,

  http: {
    verify(config, request) {
      const signature = resolvedSignature(config);
      let signedPayload: Buffer = request.rawBody;
      if (signature.timestampHeader) {
        const timestamp = headerValue(request.headers, signature.timestampHeader);
        if (!isTimestampFresh(timestamp, signature.toleranceSeconds, request.receivedAt.getTime())) {
          return { valid: false, reason: "stale-timestamp" };
        }
        signedPayload = Buffer.concat([Buffer.from(`${timestamp}.`), request.rawBody]);
      }
      return verifyHmac({
        secret: config.secret,
        algorithm: signature.algorithm,
        encoding: signature.encoding,
        prefix: signature.prefix,
        signature: headerValue(request.headers, signature.header),
        signedPayload,
      });
    },

    accept(config, request) {
      const read = readWebhookRequest(request.rawBody.toString("utf8"), readingOf(config), request.receivedAt);
      if (!read.ok) return read;
      return ok(read.value.map(({ externalId, rawBody }) => ({ externalId, rawBody })));
    },
  },

  normalize(config, item) {
    return readStoredWebhook(item.rawBody, readingOf(config), item.receivedAt);
  },

  // A body is only readable with its connector's mapping: `plaint parse` needs a configured one.
  rawFiles: { fallback: true },
});

function readingOf(config: WebhookConnectorConfig): WebhookReading {
  const mapping = resolvedMapping(config);
  return config.preset === undefined ? { mapping } : { mapping, view: webhookPresets[config.preset].view };
}
