import type { Party } from "../../canonical-message";
import { normalizePhone } from "../../identity-values";

/** The Twilio channels a customer can write in through this connector. */
export type TwilioChannel = "sms" | "whatsapp";

/** A `From` / `To` value: `+14155550100`, `whatsapp:+14155550100`, or a short code / sender id (`12345`). */
export interface TwilioAddress {
  channel: TwilioChannel;
  /** E.164, or null for a short code or alphanumeric sender id (only ever our side). */
  phone: string | null;
  /** The value as Twilio wrote it. */
  raw: string;
}

/**
 * Reads an address; null for a channel this connector does not take (Twilio also carries `messenger:` and
 * `rcs:` addresses, which would need their own identity rules).
 */
export function readTwilioAddress(raw: string): TwilioAddress | null {
  const value = raw.trim();
  const prefixed = /^([a-z]+):(.*)$/i.exec(value);
  if (prefixed && prefixed[1]?.toLowerCase() !== "whatsapp") return null;
  const channel: TwilioChannel = prefixed ? "whatsapp" : "sms";
  const number = prefixed ? (prefixed[2] ?? "") : value;
  return { channel, phone: normalizePhone(number), raw: value };
}

/** Our side of the conversation as a party: a phone when it is one, otherwise the short code / sender id. */
export function ourParty(address: TwilioAddress): Party {
  return address.phone ? { phone: address.phone } : { handle: address.raw };
}

/**
 * The long-lived chat between one of our numbers and one customer number, the same whichever side wrote:
 * `whatsapp:+14155238886:+447700900123`.
 */
export function conversationId(ours: TwilioAddress, customerPhone: string): string {
  return `${ours.channel}:${ours.phone ?? ours.raw}:${customerPhone}`;
}

/**
 * Reads a {@link conversationId} back: where a reply on that chat goes (`customer`) and from which of our numbers
 * (`ours`, E.164 or a short code), so it lands in the same SMS thread or WhatsApp chat. Null when it is not one.
 */
export function parseConversationId(id: string): { channel: TwilioChannel; ours: string; customer: string } | null {
  const match = /^(sms|whatsapp):([^:]+):(\+\d+)$/.exec(id);
  if (!match) return null;
  return { channel: match[1] as TwilioChannel, ours: match[2] ?? "", customer: match[3] ?? "" };
}
