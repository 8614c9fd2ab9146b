/**
 * A referral (the ad, post or link a chat started from) as flat text fields: Meta nests some of them
 * (`welcome_message.text`, `ads_context_data.ad_title`) and adds new ones over time, so every scalar is kept under
 * its dotted path rather than picking a fixed list.
 * @see https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messaging_referrals
 */
export function flattenReferral(referral: Record<string, unknown>, prefix = ""): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(referral)) {
    const name = prefix + key;
    if (typeof value === "string") flat[name] = value;
    else if (typeof value === "number" || typeof value === "boolean") flat[name] = String(value);
    else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      Object.assign(flat, flattenReferral(value as Record<string, unknown>, `${name}.`));
    }
  }
  return flat;
}
