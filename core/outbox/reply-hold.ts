import type { Channel } from "../../normalizers/canonical-message";

/** The recipient of a reply as the hub's own checks see it. */
export interface ReplyRecipient {
  value: string;
  optedOutAt: Date | null;
  undeliverableUntil: Date | null;
  undeliverableReason: string | null;
}

/**
 * Why the hub holds a reply on any channel, or null: the customer opted out (STOP), the address is undeliverable
 * (a permanent bounce), or the channel's customer-service window has closed since the customer last wrote
 * (WhatsApp's 24 hours). A connector's own reasons (email's automatic-mail caps) come after these.
 */
export function hubHoldReason(
  recipient: ReplyRecipient,
  channel: Channel,
  customerLastWrote: Date,
  windowHours: number | undefined,
  now: Date,
): string | null {
  if (recipient.optedOutAt) return `${recipient.value} opted out on ${recipient.optedOutAt.toISOString()}`;
  if (recipient.undeliverableUntil && recipient.undeliverableUntil > now) {
    const why = recipient.undeliverableReason ? ` (${recipient.undeliverableReason})` : "";
    return `${recipient.value} is undeliverable until ${recipient.undeliverableUntil.toISOString()}${why}`;
  }
  if (windowHours !== undefined && now.getTime() - customerLastWrote.getTime() > windowHours * 3_600_000) {
    return (
      `the customer last wrote on ${customerLastWrote.toISOString()}: outside ${channel}'s ${windowHours}-hour ` +
      "customer-service window, only an approved template may be sent"
    );
  }
  return null;
}
