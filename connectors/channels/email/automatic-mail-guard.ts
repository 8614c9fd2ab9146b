import type { SentAutomaticMessage } from "../../../core/connector-contract/connector";
import type { LoopProtectionConfig } from "./email.schema";
import { isNoReplyAddress } from "./reply-composer";

/** The recipient as the guard needs it. */
export interface GuardedRecipient {
  address: string;
  undeliverableUntil: Date | null;
  undeliverableReason: string | null;
}

/** An automatic mail already sent to this case or this recipient. */
export type SentAutomaticMail = SentAutomaticMessage;

/**
 * Why a mail must not go out, or null when it may. Any mail waits while the address is undeliverable (a
 * permanent bounce); automatic mail is also never sent to noreply-style addresses and stops at the caps, per
 * case and per recipient. Pure, so the rules are tested without a database.
 */
export function refusalReason(
  recipient: GuardedRecipient,
  automatic: boolean,
  alreadySent: readonly SentAutomaticMail[],
  caps: LoopProtectionConfig["automaticMailCaps"],
  now: Date,
): string | null {
  if (recipient.undeliverableUntil && recipient.undeliverableUntil > now) {
    const why = recipient.undeliverableReason ? ` (${recipient.undeliverableReason})` : "";
    return `${recipient.address} is undeliverable until ${recipient.undeliverableUntil.toISOString()}${why}`;
  }
  if (!automatic) return null;
  if (isNoReplyAddress(recipient.address)) return `automatic mail is never sent to "${recipient.address}"`;
  for (const cap of caps) {
    const since = now.getTime() - cap.minutes * 60_000;
    const recent = alreadySent.filter((mail) => mail.sentAt.getTime() >= since);
    const toCase = recent.filter((mail) => mail.sameCase).length;
    const toRecipient = recent.filter((mail) => mail.sameRecipient).length;
    const [count, whom] = toCase >= toRecipient ? [toCase, "this case"] : [toRecipient, recipient.address];
    if (count >= cap.count) {
      return `automatic mail cap reached: ${count} to ${whom} in ${cap.minutes} minutes (loopProtection.automaticMailCaps)`;
    }
  }
  return null;
}

/** How far back the caps look: the longest cap's window, in minutes (0 without caps). */
export function capsWindowMinutes(caps: LoopProtectionConfig["automaticMailCaps"]): number {
  return Math.max(0, ...caps.map((cap) => cap.minutes));
}
