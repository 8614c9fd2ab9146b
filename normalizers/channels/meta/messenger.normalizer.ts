import { noFlags, type Attachment, type CanonicalMessage } from "../../canonical-message";
import type { MetaItem } from "./meta-delivery";
import type { MessagingEvent } from "./meta-delivery.schema";
import { flattenReferral } from "./referral";

type MessagingItem = Extract<MetaItem, { source: "messaging" }>;
type MessengerAttachment = NonNullable<NonNullable<MessagingEvent["message"]>["attachments"]>[number];

/** Messenger and Instagram name an attachment's kind, not its MIME type. */
const attachmentContentTypes: Record<string, string> = {
  image: "image/*",
  video: "video/*",
  audio: "audio/*",
  file: "application/octet-stream",
};

/**
 * A Messenger or Instagram messaging event → canonical message. Both products share the Messenger Platform
 * format; the customer is the Page- (or Instagram-) scoped id in `sender`, our Page or account is `recipient`.
 * The splitter guarantees the event carries one of the handled parts.
 * @see https://developers.facebook.com/docs/messenger-platform/reference/webhook-events
 * @see https://developers.facebook.com/docs/instagram-platform/webhooks/examples
 */
export function normalizeMessagingEvent(item: MessagingItem, externalId: string): CanonicalMessage {
  const { event } = item;
  const customer = event.sender.id;
  const business = event.recipient.id;
  const common = {
    channel: item.channel,
    externalId,
    from: { handle: customer },
    to: [{ handle: business }],
    cc: [],
    subject: null,
    attachments: [],
    thread: { references: [], conversationId: `${business}:${customer}` },
    receivedAt: eventTime(event.timestamp).toISOString(),
    flags: { ...noFlags },
  };
  const referral = event.referral ?? event.message?.referral ?? event.postback?.referral;
  const withReferral = referral ? { referral: flattenReferral(referral) } : {};

  if (event.message?.is_deleted) {
    // Instagram reports an unsent message with the id of the message itself.
    return {
      ...common,
      text: "",
      fullText: "",
      flags: { ...noFlags, delete: true },
      kind: "delete",
      update: { targetExternalId: event.message.mid },
    };
  }
  if (event.message) {
    const { message } = event;
    const attachments = (message.attachments ?? []).flatMap(toAttachment);
    const text = message.text ?? (message.is_unsupported || attachments.length === 0 ? unsupportedText(message) : "");
    const reply = message.reply_to?.mid;
    return {
      ...common,
      text,
      fullText: text,
      attachments,
      thread: { ...common.thread, ...(reply && { inReplyTo: reply }) },
      kind: "message",
      ...(message.quick_reply && { choice: { id: message.quick_reply.payload, title: message.text ?? "" } }),
      ...withReferral,
    };
  }
  if (event.message_edit) {
    const { mid, text } = event.message_edit;
    return {
      ...common,
      text,
      fullText: text,
      flags: { ...noFlags, edit: true },
      kind: "edit",
      update: { targetExternalId: mid },
    };
  }
  if (event.reaction) {
    const { mid, action, emoji } = event.reaction;
    return {
      ...common,
      text: "",
      fullText: "",
      kind: "reaction",
      update: { targetExternalId: mid, reaction: action === "unreact" ? "" : (emoji ?? "") },
    };
  }
  if (event.postback) {
    // A button of ours the customer tapped: what they chose is their message.
    const { title, payload } = event.postback;
    return {
      ...common,
      text: title,
      fullText: title,
      kind: "message",
      choice: { id: payload, title },
      ...withReferral,
    };
  }
  // Delivery and read receipts: the event's sender is the customer who received our message.
  const target = item.deliveredMid ?? event.read?.mid ?? "";
  return {
    ...common,
    from: { handle: business },
    to: [{ handle: customer }],
    text: "",
    fullText: "",
    flags: { ...noFlags, status: true },
    kind: "status",
    update: { targetExternalId: target, status: item.deliveredMid !== undefined ? "delivered" : "read" },
  };
}

/** Messenger sends milliseconds; anything below 1e11 is seconds (the dashboard's samples), year 5138 in ms. */
function eventTime(timestamp: number | string): Date {
  const value = Number(timestamp);
  return new Date(value < 1e11 ? value * 1000 : value);
}

function toAttachment(attachment: MessengerAttachment): Attachment[] {
  const url = attachment.payload?.url;
  const contentType = attachmentContentTypes[attachment.type];
  if (!url) return [];
  return [
    {
      filename: attachment.payload?.title ?? attachment.type,
      // Shares, story mentions and reels are links to Instagram / Facebook content, not files.
      contentType: contentType ?? "text/uri-list",
      size: 0,
      url,
    },
  ];
}

function unsupportedText(message: NonNullable<MessagingEvent["message"]>): string {
  const types = (message.attachments ?? []).map((attachment) => attachment.type).join(", ");
  return `[unsupported message${types ? `: ${types}` : ""}]`;
}
