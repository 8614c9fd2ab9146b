import { err, ok, type Result } from "../../../core/kernel/result";
import {
  noFlags,
  type Attachment,
  type CanonicalMessage,
  type MessageKind,
  type Party,
  type SharedContact,
} from "../../canonical-message";
import { normalizeEmail, normalizePhone } from "../../identity-values";
import type { MetaItem, MetaPayloadProblem, WaContext } from "./meta-delivery";
import type { WaError, WaMessage } from "./meta-delivery.schema";
import { flattenReferral } from "./referral";

type WaMessageItem = Extract<MetaItem, { source: "whatsapp-message" }>;
type WaStatusItem = Extract<MetaItem, { source: "whatsapp-status" }>;

/** The media message types; each carries its object under the key of the same name. */
const mediaTypes = ["image", "audio", "voice", "video", "document", "sticker"] as const;
type MediaType = (typeof mediaTypes)[number];

/** What a message's type contributes beyond the common fields. */
type Content = Partial<CanonicalMessage> & { text: string };

/**
 * A customer's WhatsApp message (Cloud API) → canonical message. Reactions, edits and revokes are updates of an
 * earlier message; types the hub has no field for become a message whose text says what arrived, so nothing is
 * dropped silently.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
export function normalizeWhatsAppMessage(
  item: WaMessageItem,
  externalId: string,
): Result<CanonicalMessage, MetaPayloadProblem> {
  const { message, value } = item;
  const from = customer(message, value);
  if (!from) return err({ path: `${item.path}/from`, message: "no sender: neither a phone number nor a user id" });
  const content = messageContent(message, item.path);
  if (!content.ok) return content;
  const kind = content.value.kind ?? "message";
  return ok({
    channel: "whatsapp",
    externalId,
    from,
    to: [business(value)],
    cc: [],
    subject: null,
    fullText: content.value.text,
    attachments: [],
    thread: {
      references: [],
      ...(message.context?.id && { inReplyTo: message.context.id }),
      // The chat between our number and the customer's WhatsApp id, as WhatsApp writes both.
      conversationId: `${value.metadata.phone_number_id}:${message.from ?? from.handle ?? ""}`,
    },
    receivedAt: fromUnixSeconds(message.timestamp),
    flags: { ...noFlags, edit: kind === "edit", delete: kind === "delete" },
    kind,
    // A Click-to-WhatsApp ad or post the customer started the chat from.
    ...(message.referral && { referral: flattenReferral(message.referral) }),
    ...content.value,
  });
}

/**
 * A delivery report on a message we sent → a `status` update of that message. Never a case: the customer did not
 * write anything.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 */
export function normalizeWhatsAppStatus(item: WaStatusItem, externalId: string): CanonicalMessage {
  const { status, value } = item;
  const recipient = status.recipient_id ? phoneParty(status.recipient_id) : {};
  const error = describeWaErrors(status.errors);
  return {
    channel: "whatsapp",
    externalId,
    from: business(value),
    to: status.recipient_id ? [recipient] : [],
    cc: [],
    subject: null,
    text: "",
    fullText: "",
    attachments: [],
    thread: {
      references: [],
      ...(status.recipient_id && { conversationId: `${value.metadata.phone_number_id}:${status.recipient_id}` }),
    },
    receivedAt: fromUnixSeconds(status.timestamp),
    flags: { ...noFlags, status: true },
    kind: "status",
    update: { targetExternalId: status.id, status: status.status, ...(error && { error }) },
  };
}

function messageContent(message: WaMessage, path: string): Result<Content, MetaPayloadProblem> {
  const missing = (key: string) =>
    err({ path: `${path}/${key}`, message: `missing for a message of type "${message.type}"` });
  const type = message.type;
  if (isMediaType(type)) {
    const media = message[type];
    if (!media) return missing(type);
    const attachment: Attachment = {
      filename: media.filename ?? type,
      contentType: media.mime_type,
      size: 0,
      mediaId: media.id,
    };
    return ok({ text: media.caption ?? "", attachments: [attachment] });
  }
  switch (type) {
    case "text":
      return message.text ? ok({ text: message.text.body }) : missing("text");
    case "location": {
      if (!message.location) return missing("location");
      const { latitude, longitude, name, address } = message.location;
      return ok({ text: "", location: { latitude, longitude, ...(name && { name }), ...(address && { address }) } });
    }
    case "contacts":
      return message.contacts ? ok({ text: "", contacts: message.contacts.map(sharedContact) }) : missing("contacts");
    case "interactive": {
      const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
      if (!reply) return ok(unsupported(`interactive ${message.interactive?.type ?? "reply"}`));
      return ok({ text: reply.title, choice: { id: reply.id, title: reply.title } });
    }
    case "button":
      if (!message.button) return missing("button");
      return ok({ text: message.button.text, choice: { id: message.button.payload, title: message.button.text } });
    case "reaction":
      if (!message.reaction) return missing("reaction");
      return ok(update("reaction", message.reaction.message_id, { reaction: message.reaction.emoji ?? "" }));
    case "edit":
      if (!message.edit) return missing("edit");
      return ok({ ...update("edit", message.edit.original_message_id), text: editedText(message.edit.message) });
    case "revoke":
      return message.revoke ? ok(update("delete", message.revoke.original_message_id)) : missing("revoke");
    case "system":
      return ok(unsupported("system message", message.system?.body));
    default:
      return ok(unsupported(type, describeWaErrors(message.errors)));
  }
}

function isMediaType(type: string): type is MediaType {
  return (mediaTypes as readonly string[]).includes(type);
}

/** Words for a message the hub cannot show as it is, so an agent knows something arrived and can look in WhatsApp. */
function unsupported(what: string, detail?: string): Content {
  return { text: `[unsupported WhatsApp message: ${what}${detail ? ` (${detail})` : ""}]` };
}

function update(kind: MessageKind, targetExternalId: string, extra: { reaction?: string } = {}): Content {
  return { text: "", kind, update: { targetExternalId, ...extra } };
}

function editedText(edited: NonNullable<WaMessage["edit"]>["message"]): string {
  if (!edited) return "";
  return edited.text?.body ?? edited.image?.caption ?? edited.video?.caption ?? edited.document?.caption ?? "";
}

function sharedContact(card: NonNullable<WaMessage["contacts"]>[number]): SharedContact {
  return {
    name: card.name?.formatted_name ?? card.name?.first_name ?? "",
    phones: (card.phones ?? []).flatMap((phone) => {
      const raw = phone.phone ?? (phone.wa_id ? `+${phone.wa_id}` : undefined);
      return raw ? [normalizePhone(raw) ?? raw] : [];
    }),
    emails: (card.emails ?? []).flatMap((email) => (email.email ? [normalizeEmail(email.email) ?? email.email] : [])),
  };
}

/** The customer: the phone number in E.164 when WhatsApp shares it, else the business-scoped user id. */
function customer(message: WaMessage, value: WaContext): Party | null {
  const contact =
    value.contacts?.find((candidate) => candidate.wa_id !== undefined && candidate.wa_id === message.from) ??
    value.contacts?.[0];
  const name = contact?.profile?.name?.trim();
  const phone = message.from ? phoneParty(message.from).phone : undefined;
  const handle = phone ? undefined : (message.from_user_id ?? contact?.user_id);
  if (!phone && !handle) return null;
  return { ...(phone && { phone }), ...(handle && { handle }), ...(name && { name }) };
}

function business(value: WaContext): Party {
  return phoneParty(value.metadata.display_phone_number);
}

/** WhatsApp writes numbers as digits without `+`; they are always international. */
function phoneParty(digits: string): Party {
  const phone = normalizePhone(digits.startsWith("+") ? digits : `+${digits}`);
  return phone ? { phone } : { handle: digits };
}

/** `131047 Re-engagement message: <details>`: the code first, as the outbox and the lead's case note match on it. */
export function describeWaErrors(errors: WaError[] | undefined): string | undefined {
  const first = errors?.[0];
  if (!first) return undefined;
  const title = first.title ?? first.message ?? "error";
  const details = first.error_data?.details;
  return `${first.code ?? "?"} ${title}${details && details !== title ? `: ${details}` : ""}`;
}

function fromUnixSeconds(text: string): string {
  return new Date(Number(text) * 1000).toISOString();
}
