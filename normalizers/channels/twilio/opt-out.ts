import type { TwilioParams } from "./twilio-form";
import { param } from "./twilio-form";

/**
 * Twilio's default keywords on long codes and toll-free numbers: a message that is exactly one of these (any case,
 * spaces around ignored) adds the sender to, or removes them from, Twilio's own block list for that number.
 * We mirror the same list so our identity's opt-out state matches what Twilio will let through.
 * @see https://help.twilio.com/articles/223134027-Twilio-support-for-opt-out-keywords-SMS-STOP-filtering-
 */
const stopKeywords = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]);
const startKeywords = new Set(["START", "YES", "UNSTOP"]);

export type OptOut = "stop" | "start";

/**
 * Whether the message opts the customer out or back in. `OptOutType` (sent when a Messaging Service has Advanced
 * Opt-Out, which may have custom or localised keywords) wins; otherwise the default keyword list decides.
 * `HELP` changes nothing.
 */
export function detectOptOut(params: TwilioParams): OptOut | undefined {
  const type = param(params, "OptOutType")?.toUpperCase();
  if (type === "STOP") return "stop";
  if (type === "START") return "start";
  if (type !== undefined) return undefined;
  const body = (param(params, "Body") ?? "").trim().toUpperCase();
  if (stopKeywords.has(body)) return "stop";
  if (startKeywords.has(body)) return "start";
  return undefined;
}
