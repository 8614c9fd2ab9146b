import { ok } from "../../../core/kernel/result";
import { parseTwilioForm } from "../../../normalizers/channels/twilio/twilio-form";
import { parseConversationId } from "../../../normalizers/channels/twilio/twilio-address";
import { normalizeTwilio } from "../../../normalizers/channels/twilio/twilio.normalizer";
import { defineConnector, headerValue } from "../../../core/connector-contract/connector";
import { verifyTwilioSignature } from "./twilio-signature";
import { RecipientOptedOutError } from "../../../core/connector-contract/connector";
import {
  createTwilioSender,
  TwilioRejectedError,
  twilioUnsubscribedRecipient,
  type TwilioSender,
} from "./twilio-sender";
import { twilioConnectorConfigSchema, type TwilioConnectorConfig } from "./twilio.schema";

/**
 * Twilio's answer to an inbound message webhook: TwiML. An empty `<Response/>` says "received, send nothing back";
 * replies go later through the REST API, from the outbox. Status callbacks ignore the body, so they get it too.
 * @see https://www.twilio.com/docs/messaging/twiml
 */
const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio Programmable Messaging: SMS, MMS and WhatsApp messages, and the status callbacks of our replies, POSTed
 * form-encoded and signed with the auth token over the URL Twilio called. One request is one intake item.
 * `channel` is the connector's default; each item and message carries its own (`sms` or `whatsapp`) from its address.
 */
export const twilioConnector = defineConnector({
  type: "twilio",
  channel: "sms",
  configSchema: twilioConnectorConfigSchema,

  http: {
    verify(config, request) {
      // Twilio signs the public URL it called; behind a proxy only the configured ones can match.
      const urls = [config.webhookUrl, config.statusCallbackUrl, request.url].filter((url): url is string => !!url);
      return verifyTwilioSignature({
        authToken: config.authToken,
        signature: headerValue(request.headers, "X-Twilio-Signature"),
        urls: [...new Set(urls)],
        params: parseTwilioForm(request.rawBody.toString("utf8")),
      });
    },

    accept(_config, request) {
      const rawBody = request.rawBody.toString("utf8");
      // Normalizing here too means a body the worker could not read is refused with its reason now, not later.
      const message = normalizeTwilio(rawBody, request.receivedAt);
      if (!message.ok) return message;
      return ok([{ externalId: message.value.externalId, rawBody, channel: message.value.channel }]);
    },

    answer() {
      return { status: 200, contentType: "text/xml", body: emptyTwiml };
    },
  },

  reply: {
    channels: ["sms", "whatsapp"],
    reportsDelivery: true,
    // WhatsApp allows free text for 24 hours after the customer's last message; SMS has no window.
    customerWindowHours: (_config, channel) => (channel === "whatsapp" ? 24 : undefined),
    send(config, reply) {
      // From the number the customer wrote to, so the answer lands in the same SMS thread or WhatsApp chat.
      const chat = reply.conversationId ? parseConversationId(reply.conversationId) : null;
      const statusCallbackUrl = config.statusCallbackUrl ?? config.webhookUrl;
      return senderFor(config)
        .send({
          channel: reply.channel === "whatsapp" ? "whatsapp" : "sms",
          to: reply.to,
          text: reply.text,
          ...(chat && { from: chat.ours }),
          ...(statusCallbackUrl && { statusCallbackUrl }),
        })
        .catch((error: unknown) => {
          if (error instanceof TwilioRejectedError && error.twilioCode === twilioUnsubscribedRecipient) {
            throw new RecipientOptedOutError(`Twilio ${twilioUnsubscribedRecipient}: ${error.message}`);
          }
          throw error;
        });
    },
  },

  // The body is form-encoded: "4111+1111+…" is only a card number once decoded.
  maskRawBody(item, redact) {
    const fields = [...new URLSearchParams(item.rawBody)].map(([name, value]): [string, string] => [
      name,
      redact(value),
    ]);
    return new URLSearchParams(fields).toString();
  },

  normalize(_config, item) {
    const message = normalizeTwilio(item.rawBody, item.receivedAt);
    return message.ok ? ok([message.value]) : message;
  },

  rawFiles: {
    standalone: (raw) => {
      const message = normalizeTwilio(raw.toString("utf8"), new Date());
      return message.ok ? ok([message.value]) : message;
    },
  },
});

/** One REST client per configured connector: creating one per reply would redo its set-up every time. */
const senders = new WeakMap<TwilioConnectorConfig, TwilioSender>();
function senderFor(config: TwilioConnectorConfig): TwilioSender {
  let sender = senders.get(config);
  if (!sender) {
    sender = createTwilioSender(config);
    senders.set(config, sender);
  }
  return sender;
}
