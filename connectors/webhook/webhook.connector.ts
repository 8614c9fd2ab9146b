import { isTimestampFresh, verifyHmac } from "../../core/security/hmac-signature";
import { err, ok } from "../../core/result";
import { normalizeWebhook } from "../../normalizers/webhook.normalizer";
import { defineConnector, headerValue } from "../connector";
import { webhookConnectorConfigSchema } from "./webhook.schema";

/**
 * Generic signed webhook: any system that can POST JSON with an HMAC header (web forms, in-house tools).
 * One request is one message; the mapping in config says where each canonical field is.
 */
export const webhookConnector = defineConnector({
  type: "webhook",
  channel: "webhook",
  configSchema: webhookConnectorConfigSchema,

  http: {
    verify(config, request) {
      const { signature } = config;
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
      const rawBody = request.rawBody.toString("utf8");
      const message = normalizeWebhook(rawBody, config.mapping, request.receivedAt);
      if (!message.ok) return message;
      return ok([{ externalId: message.value.externalId, rawBody }]);
    },
  },

  normalize(config, item) {
    const message = normalizeWebhook(item.rawBody, config.mapping, item.receivedAt);
    return message.ok ? ok([message.value]) : err(message.error);
  },
});
