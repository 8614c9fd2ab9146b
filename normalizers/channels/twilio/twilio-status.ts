import type { MessageUpdate } from "../../canonical-message";

/**
 * Every `MessageStatus` Twilio documents for the Message resource.
 * @see https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
 */
export const twilioMessageStatuses = [
  "queued",
  "sending",
  "sent",
  "failed",
  "delivered",
  "undelivered",
  "receiving",
  "received",
  "accepted",
  "scheduled",
  "read",
  "partially_delivered",
  "canceled",
] as const;
export type TwilioMessageStatus = (typeof twilioMessageStatuses)[number];

export function isTwilioMessageStatus(value: string): value is TwilioMessageStatus {
  return (twilioMessageStatuses as readonly string[]).includes(value);
}

/**
 * Twilio's status of our outbound message → the canonical delivery state. States before the carrier has it
 * (accepted by a Messaging Service, scheduled, being sent) are all still "queued" for the case; a cancelled
 * scheduled message never left, which for the case is a failure. Null for `receiving` / `received`,
 * the states of a message that came in to us.
 */
export function deliveryStatus(status: TwilioMessageStatus): NonNullable<MessageUpdate["status"]> | null {
  switch (status) {
    case "accepted":
    case "scheduled":
    case "queued":
    case "sending":
      return "queued";
    case "sent":
      return "sent";
    case "delivered":
    case "partially_delivered":
      return "delivered";
    case "read":
      return "read";
    case "failed":
    case "canceled":
      return "failed";
    case "undelivered":
      return "undelivered";
    case "receiving":
    case "received":
      return null;
  }
}
