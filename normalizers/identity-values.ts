import { parsePhoneNumberFromString } from "libphonenumber-js";

/**
 * Normalised identity values: the same person written two ways must become the same (kind, value) key.
 * Provider-specific email rules (dots, plus tags) are deliberately not applied here: they are only safe for
 * some providers, and merging two people is worse than missing a merge.
 */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

/** E.164 when the number is valid international (or has a default country); null when it is not a phone number. */
export function normalizePhone(raw: string, defaultCountry?: string): string | null {
  const phone = parsePhoneNumberFromString(
    raw.trim(),
    defaultCountry as Parameters<typeof parsePhoneNumberFromString>[1],
  );
  return phone?.isPossible() ? phone.number : null;
}
