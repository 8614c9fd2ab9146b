import { err, ok, type Result } from "../../../core/kernel/result";
import {
  noFlags,
  type Attachment,
  type CanonicalMessage,
  type MessageUpdate,
  type SharedLocation,
} from "../../canonical-message";
import { detectOptOut } from "./opt-out";
import { conversationId, ourParty, readTwilioAddress, type TwilioAddress } from "./twilio-address";
import { param, parseTwilioForm, type TwilioParams } from "./twilio-form";
import { deliveryStatus, isTwilioMessageStatus, type TwilioMessageStatus } from "./twilio-status";

/** Why a body is not a Twilio message or status callback: `path` is the form parameter at fault. */
export interface TwilioProblem {
  path: string;
  message: string;
}

/**
 * Twilio Programmable Messaging webhook (form-encoded) → canonical message. Pure: the raw body in, the message out.
 * Two kinds of request arrive: an inbound SMS / MMS / WhatsApp message, and a status callback about one of our
 * replies (`MessageStatus` other than received). `receivedAt` is when the hub took the request: Twilio's inbound
 * webhook carries no timestamp of its own.
 * @see https://www.twilio.com/docs/messaging/guides/webhook-request
 * @see https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks
 */
export function normalizeTwilio(rawBody: string, receivedAt: Date): Result<CanonicalMessage, TwilioProblem> {
  const params = parseTwilioForm(rawBody);
  const sid = param(params, "MessageSid") ?? param(params, "SmsMessageSid") ?? param(params, "SmsSid");
  if (!sid) return err({ path: "MessageSid", message: "missing: not a Twilio messaging webhook" });
  const status = param(params, "MessageStatus");
  if (status !== undefined) {
    if (!isTwilioMessageStatus(status)) return err({ path: "MessageStatus", message: `unknown status "${status}"` });
    // `received` / `receiving` describe a message that came in: that is the message itself.
    const delivery = deliveryStatus(status);
    if (delivery) return normalizeStatus(params, sid, status, delivery, receivedAt);
  }
  return normalizeInbound(params, sid, receivedAt);
}

function normalizeInbound(
  params: TwilioParams,
  sid: string,
  receivedAt: Date,
): Result<CanonicalMessage, TwilioProblem> {
  const from = readAddressParam(params, "From");
  if (!from.ok) return from;
  const customer = from.value;
  if (!customer.phone) return err({ path: "From", message: "is not a phone number" });
  const to = readAddressParam(params, "To");
  if (!to.ok) return to;

  const attachments = readMedia(params);
  if (!attachments.ok) return attachments;
  const location = readLocation(params);
  if (!location.ok) return location;

  const buttonText = param(params, "ButtonText");
  const buttonPayload = param(params, "ButtonPayload");
  const text = param(params, "Body") ?? buttonText ?? "";
  const name = param(params, "ProfileName")?.trim();
  const inReplyTo = param(params, "OriginalRepliedMessageSid");
  const optOut = detectOptOut(params);
  const referral = readReferral(params);

  return ok({
    channel: customer.channel,
    externalId: sid,
    from: { phone: customer.phone, ...(name && { name }) },
    to: [ourParty(to.value)],
    cc: [],
    subject: null,
    text,
    fullText: text,
    attachments: attachments.value,
    thread: {
      references: [],
      conversationId: conversationId(to.value, customer.phone),
      ...(inReplyTo && { inReplyTo }),
    },
    receivedAt: receivedAt.toISOString(),
    flags: { ...noFlags, ...(optOut && { optOut }) },
    kind: "message",
    ...(location.value && { location: location.value }),
    ...((buttonPayload ?? buttonText) && {
      choice: { id: buttonPayload ?? buttonText ?? "", title: buttonText ?? buttonPayload ?? "" },
    }),
    ...(referral && { referral }),
  });
}

/**
 * A delivery report on one of our messages. Its external id names the state too (`status:SM…:delivered`): Twilio
 * sends one request per state, and each must reach the pipeline instead of being dropped as a redelivery.
 */
function normalizeStatus(
  params: TwilioParams,
  sid: string,
  status: TwilioMessageStatus,
  delivery: NonNullable<MessageUpdate["status"]>,
  receivedAt: Date,
): Result<CanonicalMessage, TwilioProblem> {
  const from = readAddressParam(params, "From");
  if (!from.ok) return from;
  const to = readAddressParam(params, "To");
  if (!to.ok) return to;
  const customer = to.value;
  if (!customer.phone) return err({ path: "To", message: "is not a phone number" });
  const errorCode = param(params, "ErrorCode");
  const errorMessage = param(params, "ErrorMessage");
  return ok({
    channel: customer.channel,
    externalId: statusExternalId(sid, status),
    from: ourParty(from.value),
    to: [{ phone: customer.phone }],
    cc: [],
    subject: null,
    text: "",
    fullText: "",
    attachments: [],
    thread: { references: [], conversationId: conversationId(from.value, customer.phone) },
    receivedAt: receivedAt.toISOString(),
    flags: { ...noFlags, status: true },
    kind: "status",
    update: {
      targetExternalId: sid,
      status: delivery,
      ...(errorCode && { error: errorMessage ? `${errorCode}: ${errorMessage}` : errorCode }),
    },
  });
}

/** The external id of a status callback: one per message and state. */
export function statusExternalId(messageSid: string, status: string): string {
  return `status:${messageSid}:${status}`;
}

function readAddressParam(params: TwilioParams, name: "From" | "To"): Result<TwilioAddress, TwilioProblem> {
  const raw = param(params, name);
  if (!raw) return err({ path: name, message: "missing" });
  const address = readTwilioAddress(raw);
  if (!address)
    return err({ path: name, message: `"${raw.split(":")[0]}:" addresses are not taken by this connector` });
  return ok(address);
}

/** MMS / WhatsApp media: `NumMedia` entries of `MediaUrlN` + `MediaContentTypeN`, served by Twilio (basic auth). */
function readMedia(params: TwilioParams): Result<Attachment[], TwilioProblem> {
  const countText = param(params, "NumMedia") ?? "0";
  if (!/^\d{1,2}$/.test(countText)) return err({ path: "NumMedia", message: "must be a small whole number" });
  const attachments: Attachment[] = [];
  for (let index = 0; index < Number(countText); index++) {
    const url = param(params, `MediaUrl${index}`);
    if (!url || !URL.canParse(url)) return err({ path: `MediaUrl${index}`, message: "missing or not a URL" });
    const contentType = param(params, `MediaContentType${index}`) ?? "application/octet-stream";
    // Twilio gives no file name; the media SID ending the URL is unique and stable.
    const filename = new URL(url).pathname.split("/").filter(Boolean).at(-1) ?? `media-${index}`;
    attachments.push({ filename, contentType, size: 0, url });
  }
  return ok(attachments);
}

/** A WhatsApp location message: `Latitude` / `Longitude`, with `Label` (the place's name) and `Address`. */
function readLocation(params: TwilioParams): Result<SharedLocation | undefined, TwilioProblem> {
  const latitudeText = param(params, "Latitude");
  const longitudeText = param(params, "Longitude");
  if (latitudeText === undefined && longitudeText === undefined) return ok(undefined);
  const latitude = Number(latitudeText);
  const longitude = Number(longitudeText);
  if (latitudeText === undefined || !Number.isFinite(latitude) || Math.abs(latitude) > 90)
    return err({ path: "Latitude", message: "must be a latitude in degrees" });
  if (longitudeText === undefined || !Number.isFinite(longitude) || Math.abs(longitude) > 180)
    return err({ path: "Longitude", message: "must be a longitude in degrees" });
  const name = param(params, "Label");
  const address = param(params, "Address");
  return ok({ latitude, longitude, ...(name && { name }), ...(address && { address }) });
}

/**
 * Click-to-WhatsApp ad fields (`ReferralBody`, `ReferralSourceUrl`, …), kept under Twilio's own names.
 * `ReferralNumMedia` comes with every WhatsApp message, so it alone is no referral.
 */
function readReferral(params: TwilioParams): Record<string, string> | undefined {
  const entries = Object.keys(params)
    .filter((name) => name.startsWith("Referral") && name !== "ReferralNumMedia")
    .map((name) => [name, param(params, name)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
