import twilio from "twilio";
import { TransientError } from "../../../core/kernel/errors";
import { PermanentError } from "../../../core/kernel/errors";
import { normalizePhone } from "../../../normalizers/identity-values";
import { readTwilioAddress, type TwilioChannel } from "../../../normalizers/channels/twilio/twilio-address";
import type { TwilioConnectorConfig } from "./twilio.schema";

/** What the lead's outbox handler asks for: one SMS / MMS / WhatsApp message to one customer. */
export interface TwilioOutboundMessage {
  channel: TwilioChannel;
  /** The customer's number, E.164 (`+447700900123`); the `whatsapp:` prefix is added for WhatsApp. */
  to: string;
  text: string;
  /** Public URLs Twilio fetches and attaches (MMS, WhatsApp media). */
  mediaUrls?: readonly string[];
  /**
   * Our number the customer wrote to (the `To` of their message, as Twilio wrote it or in E.164), so the reply
   * comes from the same number and lands in the same chat. Without it: the Messaging Service, then the first
   * configured number of the channel.
   */
  from?: string;
  /** Where Twilio reports the delivery; default `statusCallbackUrl` of the config. */
  statusCallbackUrl?: string;
}

export interface TwilioSendResult {
  /** Twilio's Message SID (`SM…`): the external id status callbacks name as their target. */
  externalId: string;
  /** Twilio's first status, usually `queued` (or `accepted` through a Messaging Service). */
  status: string;
}

export interface TwilioSender {
  /**
   * Creates the message through Twilio's REST API. Throws {@link TwilioRejectedError} (a PermanentError)
   * when no retry can help, any other error when a retry may. Twilio has no idempotency key for message creation,
   * so a crash between Twilio's answer and the outbox marking the row done sends the message twice.
   */
  send(message: TwilioOutboundMessage): Promise<TwilioSendResult>;
}

/** Twilio's error for a recipient who replied STOP: the number is on Twilio's block list for our sender. */
export const twilioUnsubscribedRecipient = 21610;

/** Twilio refused the message for good (4xx other than 401 / 429), or it cannot be built from what we have. */
export class TwilioRejectedError extends PermanentError {
  constructor(
    message: string,
    /** Twilio's error code (`21610` recipient unsubscribed, `21211` invalid To, …), when Twilio gave one. */
    readonly twilioCode: number | undefined,
    readonly httpStatus: number | undefined,
  ) {
    super(message);
  }
}

type SenderConfig = Pick<
  TwilioConnectorConfig,
  "accountSid" | "authToken" | "numbers" | "messagingServiceSid" | "statusCallbackUrl"
>;

export interface TwilioSenderOptions {
  /** Longest wait for Twilio's answer before the attempt counts as failed (transient); default 30 s. */
  timeoutMs?: number;
}

/** One REST client per connector; it keeps its HTTPS connections alive between sends. */
export function createTwilioSender(config: SenderConfig, options: TwilioSenderOptions = {}): TwilioSender {
  const client = twilio(config.accountSid, config.authToken, { timeout: options.timeoutMs ?? 30_000 });
  return {
    async send(message) {
      const request = buildRequest(config, message);
      try {
        const created = await client.messages.create(request);
        return { externalId: created.sid, status: created.status };
      } catch (error) {
        throw classifyTwilioError(error);
      }
    },
  };
}

type CreateOptions = Parameters<ReturnType<typeof twilio>["messages"]["create"]>[0];

/** Our small message type → the REST client's options; throws TwilioRejectedError when it cannot be sent. */
export function buildRequest(config: SenderConfig, message: TwilioOutboundMessage): CreateOptions {
  const to = normalizePhone(message.to);
  if (!to)
    throw new TwilioRejectedError("the customer's number is not an international phone number", undefined, undefined);
  const mediaUrl = [...(message.mediaUrls ?? [])];
  if (message.text.trim() === "" && mediaUrl.length === 0)
    throw new TwilioRejectedError("a message needs text or media", undefined, undefined);
  const statusCallback = message.statusCallbackUrl ?? config.statusCallbackUrl;
  return {
    to: addressFor(message.channel, to),
    ...senderFor(config, message),
    body: message.text,
    ...(mediaUrl.length > 0 && { mediaUrl }),
    ...(statusCallback && { statusCallback }),
  };
}

function senderFor(
  config: SenderConfig,
  message: TwilioOutboundMessage,
): { from: string } | { messagingServiceSid: string } {
  if (message.from) {
    const from = readTwilioAddress(message.from);
    if (!from) throw new TwilioRejectedError(`cannot send from "${message.from}"`, undefined, undefined);
    return { from: addressFor(message.channel, from.phone ?? from.raw) };
  }
  if (config.messagingServiceSid) return { messagingServiceSid: config.messagingServiceSid };
  const configured = config.numbers.map(readTwilioAddress).find((number) => number?.channel === message.channel);
  if (!configured) throw new TwilioRejectedError(`no ${message.channel} number is configured`, undefined, undefined);
  return { from: configured.raw };
}

function addressFor(channel: TwilioChannel, number: string): string {
  const bare = number.replace(/^whatsapp:/i, "");
  return channel === "whatsapp" ? `whatsapp:${bare}` : bare;
}

/**
 * What a failed create means for the outbox. 4xx: the request itself is wrong (invalid or unsubscribed number,
 * unverified sender) and stays wrong, except 429 (slow down) and 401 (credentials, fixed by configuration, after
 * which the retry should go). 5xx and network errors are Twilio or the path to it being briefly unwell.
 * Messages carry codes and Twilio's reference link, never the customer's number or text.
 */
export function classifyTwilioError(error: unknown): Error {
  if (error instanceof TwilioRejectedError) return error;
  if (error instanceof twilio.RestException) {
    const code = typeof error.code === "number" ? error.code : undefined;
    const what = `Twilio answered HTTP ${error.status}${code === undefined ? "" : `, error ${code}`}`;
    const reference = error.moreInfo ? ` (${error.moreInfo})` : "";
    if (error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 401) {
      const why = code === twilioUnsubscribedRecipient ? ": the recipient replied STOP" : "";
      return new TwilioRejectedError(`${what}${why}${reference}`, code, error.status);
    }
    return new TransientError(`${what}${reference}`, { cause: error });
  }
  // Axios (under the REST client) failing to connect, time out or read: the network, worth a retry.
  const network = error as { isAxiosError?: unknown; code?: unknown } | null;
  if (network?.isAxiosError === true) {
    const code = typeof network.code === "string" ? ` (${network.code})` : "";
    return new TransientError(`Twilio could not be reached${code}`, { cause: error });
  }
  // Anything else is a bug of ours: passed on as it is, so the outbox retries it and the log says what it was.
  return error instanceof Error ? error : new Error(String(error));
}
