import { PermanentError } from "../../../core/kernel/errors";
import { graphSendError } from "./graph-errors";
import type { MetaConnectorConfig } from "./meta.schema";

export const graphApiBaseUrl = "https://graph.facebook.com";

/** A file to send by URL; Meta fetches it, so it must be publicly reachable over HTTPS. */
export interface MetaMedia {
  url: string;
  type: "image" | "video" | "audio" | "document";
  /** Shown for documents. */
  filename?: string;
}

/** One reply to a customer, in our own terms; {@link sendMetaReply} turns it into the product's Send API calls. */
export interface MetaReply {
  channel: "whatsapp" | "messenger" | "instagram";
  /** WhatsApp: the customer's number (`+16505551234` or WhatsApp's digits); Messenger / Instagram: the PSID / IGSID. */
  to: string;
  text: string;
  media?: MetaMedia;
  /** The customer's message this answers (a wamid or mid): WhatsApp and Messenger show the reply quoting it. */
  inReplyTo?: string;
  /**
   * Our id of the reply. Meta has no idempotency key for sends, so a send cannot be deduplicated by Meta; the key
   * travels as WhatsApp's `biz_opaque_callback_data` (echoed in status webhooks) and Messenger's `metadata` (echoed
   * in `is_echo` events), so our own message can be recognised when it comes back.
   */
  idempotencyKey?: string;
}

export interface MetaSendResult {
  /** The vendor's id of the last message sent (a wamid or mid): the one statuses and replies refer to. */
  messageId: string;
  /** Every message sent, in order: a long text or a file with text can take more than one. */
  messageIds: string[];
}

export interface MetaSenderOptions {
  /** Per request; default 15 s. A timeout is transient and retried. */
  timeoutMs?: number;
}

/** Longest text one message may carry: WhatsApp 4,096 characters, Messenger and Instagram 2,000 (and 1,000 bytes). */
const textLimits = { whatsapp: 4096, messenger: 2000, instagram: 1000 } as const;

/**
 * Sends a reply through the Graph API Send endpoints and returns Meta's message id. Throws
 * `PermanentError` subclasses for refusals no retry can fix (`OutsideCustomerWindowError` when the
 * 24-hour window is closed) and other errors for transient failures, as the outbox expects. Several calls are made
 * when the reply does not fit one message; a retry after a failure between them resends the earlier parts.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/message-api
 * @see https://developers.facebook.com/docs/messenger-platform/reference/send-api/
 */
export async function sendMetaReply(
  config: MetaConnectorConfig,
  reply: MetaReply,
  options: MetaSenderOptions = {},
): Promise<MetaSendResult> {
  if (!config.accessToken) throw new PermanentError(`connector ${config.id} has no accessToken to send with`);
  const endpoint = endpointFor(config, reply.channel);
  const messageIds: string[] = [];
  for (const body of sendBodies(reply)) {
    messageIds.push(await post(endpoint, config.accessToken, body, options.timeoutMs ?? 15_000));
  }
  const messageId = messageIds.at(-1);
  if (messageId === undefined) throw new PermanentError("the reply has neither text nor media");
  return { messageId, messageIds };
}

function endpointFor(config: MetaConnectorConfig, channel: MetaReply["channel"]): string {
  const base = `${graphApiBaseUrl}/${config.graphApiVersion}`;
  if (channel !== "whatsapp") return `${base}/me/messages`;
  if (!config.whatsapp) throw new PermanentError(`connector ${config.id} has no whatsapp.phoneNumberId`);
  return `${base}/${config.whatsapp.phoneNumberId}/messages`;
}

/** The request bodies of one reply, in sending order: the file first (with the text as caption where allowed). */
export function sendBodies(reply: MetaReply): object[] {
  const limit = textLimits[reply.channel];
  const whatsapp = reply.channel === "whatsapp";
  const captioned = whatsapp && reply.media !== undefined && reply.media.type !== "audio" && reply.text.length <= 1024;
  const texts = captioned ? [] : splitText(reply.text, limit);
  const bodies: object[] = [];
  if (reply.media) bodies.push(whatsapp ? waMedia(reply.media, captioned ? reply.text : "") : fbMedia(reply.media));
  for (const text of texts) bodies.push(whatsapp ? { type: "text", text: { body: text } } : { message: { text } });

  // Quote the customer's message on the first part only, and tag every part with our key.
  return bodies.map((content, index) =>
    whatsapp
      ? {
          messaging_product: "whatsapp",
          recipient_type: "individual",
          to: reply.to,
          ...(index === 0 && reply.inReplyTo && { context: { message_id: reply.inReplyTo } }),
          ...content,
          ...(reply.idempotencyKey && { biz_opaque_callback_data: reply.idempotencyKey }),
        }
      : {
          recipient: { id: reply.to },
          messaging_type: "RESPONSE",
          ...withMessengerExtras(content as { message: object }, index === 0 ? reply.inReplyTo : undefined, reply),
        },
  );
}

function waMedia(media: MetaMedia, caption: string): object {
  return {
    type: media.type,
    [media.type]: {
      link: media.url,
      ...(caption && { caption }),
      ...(media.type === "document" && media.filename && { filename: media.filename }),
    },
  };
}

function fbMedia(media: MetaMedia): object {
  const type = media.type === "document" ? "file" : media.type;
  return { message: { attachment: { type, payload: { url: media.url, is_reusable: false } } } };
}

function withMessengerExtras(content: { message: object }, inReplyTo: string | undefined, reply: MetaReply): object {
  return {
    message: {
      ...content.message,
      ...(inReplyTo && { reply_to: { mid: inReplyTo } }),
      ...(reply.idempotencyKey && { metadata: reply.idempotencyKey }),
    },
  };
}

/** Cuts a long text at the last line break or space before the limit, so no word is split. */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const cut = Math.max(window.lastIndexOf("\n"), window.lastIndexOf(" "));
    const at = cut > limit / 2 ? cut : limit;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

async function post(url: string, token: string, body: object, timeoutMs: number): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw graphSendError(response.status, json, response.headers.get("retry-after"));
  const id = sentMessageId(json);
  // Sent but unreadable: sending again would duplicate the message, so do not retry.
  if (!id) throw new PermanentError(`Graph API ${response.status} answered without a message id`);
  return id;
}

/** WhatsApp answers `{ messages: [{ id }] }`, Messenger and Instagram `{ recipient_id, message_id }`. */
function sentMessageId(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const { messages, message_id: messageId } = json as { messages?: { id?: unknown }[]; message_id?: unknown };
  const id = Array.isArray(messages) ? messages[0]?.id : messageId;
  return typeof id === "string" && id !== "" ? id : undefined;
}
