import type { Database } from "../../../core/kernel/db/database";
import type { LoopProtectionConfig } from "./email.schema";
import { isNoReplyAddress } from "./reply-composer";

/** The recipient as the guard needs it. */
export interface GuardedRecipient {
  identityId: string;
  address: string;
  undeliverableUntil: Date | null;
  undeliverableReason: string | null;
}

/** An automatic mail already sent to this case or this recipient. */
export interface SentAutomaticMail {
  sameCase: boolean;
  sameRecipient: boolean;
  sentAt: Date;
}

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

/** The automatic mails sent to the case or the recipient within the longest cap's window. */
export async function sentAutomaticMail(
  database: Database,
  caseId: string,
  identityId: string,
  caps: LoopProtectionConfig["automaticMailCaps"],
  now: Date,
): Promise<SentAutomaticMail[]> {
  const longest = Math.max(0, ...caps.map((cap) => cap.minutes));
  if (longest === 0) return [];
  const rows = await database.sql<SentAutomaticMail>(
    `SELECT case_id = $1::uuid AS "sameCase", identity_id IS NOT DISTINCT FROM $2::uuid AS "sameRecipient",
            sent_at AS "sentAt"
     FROM messages
     WHERE direction = 'out' AND automatic AND external_id IS NOT NULL
       AND (case_id = $1::uuid OR identity_id = $2::uuid) AND sent_at >= $3`,
    [caseId, identityId, new Date(now.getTime() - longest * 60_000).toISOString()],
  );
  return rows.map((row) => ({ ...row, sentAt: new Date(row.sentAt) }));
}
