import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  LogLevel,
  type Logger,
} from "@slack/web-api";
import { TransientError } from "../../../core/kernel/errors";
import { PermanentError } from "../../../core/kernel/errors";
import type { CanonicalMessage } from "../../../normalizers/canonical-message";
import { parseSlackMessageId, slackMessageId } from "../../../normalizers/channels/slack-customer/slack-context";
import type { SlackCustomerConnectorConfig } from "./slack-customer.schema";

/** A reply to a customer in a customer channel. */
export interface SlackCustomerReply {
  /**
   * The thread to answer in, as the hub stores Slack messages: `<channel>:<ts>` of the thread's top message
   * ({@link slackThreadOf} finds it from any message of the case).
   */
  thread: string;
  /** Plain text; it is escaped, so `<`, `>` and `&` show as typed and cannot turn into mentions. */
  text: string;
  /**
   * Our key for this side effect. Slack has no idempotency key on `chat.postMessage`, so it travels as message
   * metadata: a post can then be recognised in the thread's history.
   */
  idempotencyKey?: string;
}

export interface SlackCustomerSendResult {
  /** The posted message as the hub stores Slack messages: `<channel>:<ts>`. */
  externalId: string;
}

export interface SlackCustomerSenderOptions {
  /** Slack's Web API base; only a test or a proxy changes it. */
  slackApiUrl?: string;
  /** Per request, in milliseconds; default 10 s. */
  timeoutMs?: number;
}

/**
 * `ok: false` errors that pass with time; every other Slack error (`channel_not_found`, `not_in_channel`,
 * `invalid_auth`, `is_archived`, `msg_too_long`, …) needs a person to fix something, so retrying cannot help.
 * @see https://docs.slack.dev/reference/methods/chat.postMessage#errors
 */
const transientSlackErrors = new Set([
  "ratelimited",
  "rate_limited",
  "message_limit_exceeded",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

/** Where a reply to this message goes: the top of its thread (the message itself when it opened the thread). */
export function slackThreadOf(message: Pick<CanonicalMessage, "externalId" | "thread">): string {
  return message.thread.inReplyTo ?? message.externalId;
}

/**
 * Posts replies in customer threads with the connector's bot token (`chat.postMessage`). The WebClient's own
 * retries and rate-limit waits are off: the outbox owns retries, so a failure surfaces at once, sorted into
 * {@link PermanentError} (the outbox gives up) or {@link TransientError} (it tries again, after
 * `retryAfterSeconds` when Slack said how long to wait).
 */
export function createSlackCustomerSender(
  config: Pick<SlackCustomerConnectorConfig, "botToken" | "channels">,
  options: SlackCustomerSenderOptions = {},
): { send(reply: SlackCustomerReply): Promise<SlackCustomerSendResult> } {
  const client = new WebClient(config.botToken, {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
    logger: silentLogger,
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
  });
  const customerChannels = new Set(config.channels.map((entry) => entry.channel));

  return {
    async send(reply) {
      const thread = parseSlackMessageId(reply.thread);
      if (!thread) throw new PermanentError(`not a Slack message id: ${reply.thread}`);
      // Never post outside a customer channel, whatever the case says: the bot may sit in internal channels too.
      if (!customerChannels.has(thread.channel)) {
        throw new PermanentError(`channel ${thread.channel} is not a customer channel of this connector`);
      }
      let posted: { ok?: boolean; channel?: string; ts?: string };
      try {
        posted = await client.chat.postMessage({
          channel: thread.channel,
          thread_ts: thread.ts,
          text: escapeSlackText(reply.text),
          ...(reply.idempotencyKey
            ? { metadata: { event_type: "plaint_reply", event_payload: { idempotency_key: reply.idempotencyKey } } }
            : {}),
        });
      } catch (error) {
        throw classifySlackError(error);
      }
      // A post without its ts cannot be referenced, and posting again would double it: do not retry.
      if (!posted.ts) throw new PermanentError("Slack accepted the post but returned no ts");
      return { externalId: slackMessageId(posted.channel ?? thread.channel, posted.ts) };
    },
  };
}

/** Sorts a WebClient failure by what retrying can do. Messages name Slack's error code, never the token. */
export function classifySlackError(error: unknown): Error {
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    return transientSlackErrors.has(code)
      ? new TransientError(`Slack chat.postMessage: ${code}`, { cause: error })
      : new PermanentError(`Slack chat.postMessage: ${code}`, { cause: error });
  }
  if (error instanceof WebAPIRateLimitedError) {
    return new TransientError(`Slack rate limit: retry after ${error.retryAfter} s`, {
      cause: error,
      retryAfterSeconds: error.retryAfter,
    });
  }
  if (error instanceof WebAPIHTTPError) {
    const status = error.statusCode;
    const retryable = status >= 500 || status === 408 || status === 429;
    const message = `Slack answered HTTP ${status}`;
    return retryable ? new TransientError(message, { cause: error }) : new PermanentError(message, { cause: error });
  }
  if (error instanceof WebAPIRequestError) {
    return new TransientError(`Slack unreachable: ${error.original.message}`, { cause: error });
  }
  // A timeout while reading the answer, or anything else on the way: the post may or may not have gone, and only a
  // later attempt can tell, so it is worth retrying.
  return new TransientError(`Slack request failed: ${String(error)}`, { cause: error });
}

/**
 * Slack reads `<…>` as links and mentions and `&` as the start of an entity; an agent's text is shown as typed.
 * @see https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The hub logs outcomes itself (through the outbox); the client's own console lines would bypass that. */
const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};
