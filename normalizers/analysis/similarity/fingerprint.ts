/**
 * Exact-repeat fingerprint: the same complaint sent again (a resend, a second channel, a double tap) has the same
 * fingerprint once greeting, sign-off, quoted history, emoji, casing, spacing and punctuation are set aside. The
 * pipeline compares fingerprints of one customer's messages within minutes; equal means duplicate.
 */
import { createHash } from "node:crypto";
import { normalizeComplaintText } from "./normalize-text";

/** Fewer words than this carry no complaint ("ok", "thanks a lot", "STOP"): two of them are not duplicates. */
export const minFingerprintWords = 3;
/** …and fewer letters and digits than this ("ok ok ok", "no no no"). */
export const minFingerprintCharacters = 12;

/**
 * Replies that say nothing about a complaint, in normalised form. Longer than the limits above, so they are
 * listed: two customers' (or one customer's two) "thank you very much" are not one duplicate complaint.
 */
const contentFree = new Set([
  "thank you very much",
  "thanks for your help",
  "thank you for your help",
  "ok thank you",
  "ok thanks a lot",
  "any update on this",
  "any news on this",
  "is anyone there",
  "please call me back",
  "yes that is correct",
  "no that is not correct",
]);

/**
 * The fingerprint of a message text: 16 hex digits of the SHA-256 of its normalised form, or null when the text is
 * too short or too empty to be a complaint of its own.
 */
export function repeatFingerprint(text: string): string | null {
  const normalised = normalizeComplaintText(text);
  if (normalised === "" || contentFree.has(normalised)) return null;
  if (normalised.split(" ").length < minFingerprintWords) return null;
  if (normalised.replace(/ /g, "").length < minFingerprintCharacters) return null;
  return createHash("sha256").update(normalised, "utf8").digest("hex").slice(0, 16);
}
