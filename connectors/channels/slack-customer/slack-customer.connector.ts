import { err, ok } from "../../../core/kernel/result";
import { normalizeSlackCustomer } from "../../../normalizers/channels/slack-customer/slack-customer.normalizer";
import { defineConnector } from "../../../core/connector-contract/connector";
import { PermanentError } from "../../../core/kernel/errors";
import { createSlackCustomerSender, slackThreadOf } from "./slack-customer-sender";
import { slackCustomerConnectorConfigSchema, type SlackCustomerConnectorConfig } from "./slack-customer.schema";
import { verifySlackSignature } from "./slack-signature";

/**
 * Slack Connect customer channels (the customer-facing role; the agents' own Slack workspace is another connector).
 * Slack's Events API posts one event per request. A customer's message is one intake item keyed `<channel>:<ts>`,
 * so Slack's retries (`X-Slack-Retry-Num`, same event) are duplicates; edits, deletes and reactions are items of
 * their own kind; everything else is acknowledged with 200 and not stored. The hub answers before any processing,
 * well inside Slack's 3-second limit.
 * @see https://docs.slack.dev/apis/events-api
 */
export const slackCustomerConnector = defineConnector({
  type: "slack-customer",
  channel: "slack",
  configSchema: slackCustomerConnectorConfigSchema,

  http: {
    verify(config, request) {
      return verifySlackSignature(config.signingSecret, request);
    },

    accept(config, request) {
      const rawBody = request.rawBody.toString("utf8");
      const intake = normalizeSlackCustomer(rawBody, config);
      if (!intake.ok) return intake;
      return ok(intake.value.kind === "message" ? [{ externalId: intake.value.message.externalId, rawBody }] : []);
    },

    /** The `url_verification` handshake Slack sends when the request URL is saved: echo the challenge. */
    answer(config, request) {
      const rawBody = request.rawBody.toString("utf8");
      // Only the handshake needs an answer of its own; skip parsing every event a second time.
      if (!rawBody.includes("url_verification")) return undefined;
      const intake = normalizeSlackCustomer(rawBody, config);
      if (!intake.ok || intake.value.kind !== "handshake") return undefined;
      return { status: 200, contentType: "text/plain", body: intake.value.challenge };
    },
  },

  reply: {
    channels: ["slack"],
    reportsDelivery: true,
    async send(config, reply) {
      if (!reply.inReplyTo) throw new PermanentError("no Slack message of the customer to answer in a thread");
      // In the customer's thread: the thread their latest message is in, or the thread it starts.
      const answered = { externalId: reply.inReplyTo, thread: reply.answeredThread ?? { references: [] } };
      return senderFor(config).send({
        thread: slackThreadOf(answered),
        text: reply.text,
        idempotencyKey: reply.messageId,
      });
    },
  },

  normalize(config, item) {
    const intake = normalizeSlackCustomer(item.rawBody, config);
    if (!intake.ok) return err(intake.error);
    return ok(intake.value.kind === "message" ? [intake.value.message] : []);
  },

  rawFiles: {
    aliases: ["slack"],
    standalone: (raw) => {
      const body = raw.toString("utf8");
      // Every channel counts as a customer channel here: the event's own channel is the one configured.
      const channel = eventChannel(body);
      const intake = normalizeSlackCustomer(body, {
        channels: channel ? [{ channel }] : [],
        ignoreOwnWorkspace: false,
      });
      if (!intake.ok) return intake;
      return ok(intake.value.kind === "message" ? [intake.value.message] : []);
    },
  },
});

/** The channel a saved Slack event happened in, if it names one. */
function eventChannel(body: string): string | undefined {
  try {
    const envelope = JSON.parse(body) as { event?: { channel?: unknown; item?: { channel?: unknown } } };
    const channel = envelope.event?.channel ?? envelope.event?.item?.channel;
    return typeof channel === "string" ? channel : undefined;
  } catch {
    return undefined;
  }
}

/** One Web API client per configured connector. */
const senders = new WeakMap<SlackCustomerConnectorConfig, ReturnType<typeof createSlackCustomerSender>>();
function senderFor(config: SlackCustomerConnectorConfig): ReturnType<typeof createSlackCustomerSender> {
  let sender = senders.get(config);
  if (!sender) {
    sender = createSlackCustomerSender(config);
    senders.set(config, sender);
  }
  return sender;
}
