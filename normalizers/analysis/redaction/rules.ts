import { bsnValid, codiceFiscaleCheck, dniLetter, ibanValid, luhnValid, nirKey, steuerIdValid } from "./checksums";
import type { NationalIdKind } from "./redaction.schema";

/**
 * One masking rule: a candidate regular expression (global, linear-time: bounded quantifiers, no nested
 * repetition) and a check that decides, per candidate, what part to mask. `check` returns the span of the candidate
 * to mask and the characters the descriptive mask may show, or null to leave it alone.
 */
export interface Rule {
  kind: string;
  pattern: RegExp;
  /** A word that must occur in the 48 characters before a candidate (numbers whose check is weak). */
  context?: RegExp;
  check(candidate: string, groups: readonly (string | undefined)[]): Masked | null;
}

export interface Masked {
  start: number;
  end: number;
  /** Shown by the descriptive style ("ending 4242"); empty for kinds that show nothing. */
  ending: string;
}

const whole = (candidate: string, ending = ""): Masked => ({ start: 0, end: candidate.length, ending });

// ---------------------------------------------------------------------------------------------------------------
// Payment cards

/** Brand-plausible issuer prefix for the length (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro, Mir). */
export function cardBrand(digits: string): string | null {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits[0] === "4" && (n === 13 || n === 16 || n === 19)) return "visa";
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return "mastercard";
  if ((p2 === 34 || p2 === 37) && n === 15) return "amex";
  if ((p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) && n >= 16)
    return "discover";
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14) return "diners";
  if (p4 >= 3528 && p4 <= 3589 && n >= 16) return "jcb";
  if (p2 === 62 && n >= 16) return "unionpay";
  if (p4 >= 2200 && p4 <= 2204 && n >= 16) return "mir";
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 13) return "maestro";
  return null;
}

function cardCheck(candidate: string): Masked | null {
  // Digit groups and the separators between them; the longest run of whole groups that is a card wins, so a card
  // followed by " 12" (a CVC, a quantity) is still found. Cards are written in groups of three or more digits
  // (4-4-4-4, 4-6-5), so runs with a shorter group are skipped: "1 2 3 4 …" lists stay, and so does the cost.
  const groups = candidate.split(/[ -]/);
  if (groups.length === 1)
    return cardDigits(candidate) ? { start: 0, end: candidate.length, ending: candidate.slice(-4) } : null;
  const starts: number[] = [];
  /** shortBefore[i]: how many groups before i have fewer than three digits. */
  const shortBefore: number[] = [0];
  let at = 0;
  for (const group of groups) {
    starts.push(at);
    at += group.length + 1;
    shortBefore.push((shortBefore[shortBefore.length - 1] as number) + (group.length < 3 ? 1 : 0));
  }
  if (shortBefore[groups.length] === groups.length) return null;
  for (let len = groups.length; len >= 1; len--) {
    for (let first = 0; first + len <= groups.length; first++) {
      const last = first + len - 1;
      if (shortBefore[last + 1] !== shortBefore[first]) continue;
      const end = (starts[last] as number) + (groups[last] as string).length;
      const digitCount = end - (starts[first] as number) - (len - 1);
      if (digitCount < 13 || digitCount > 19) continue;
      const digits = groups.slice(first, last + 1).join("");
      if (cardDigits(digits)) return { start: starts[first] as number, end, ending: digits.slice(-4) };
    }
  }
  return null;
}

function cardDigits(digits: string): boolean {
  return cardBrand(digits) !== null && luhnValid(digits);
}

export const cardRule: Rule = {
  kind: "card",
  // Not after "+" (an international phone number) nor inside a longer digit run.
  pattern: /(?<![\d+])\d(?:[ -]?\d){12,18}(?!\d)/g,
  check: (candidate) => cardCheck(candidate),
};

// ---------------------------------------------------------------------------------------------------------------
// IBAN

/**
 * IBAN length by country: every SEPA country and the other common IBAN countries.
 * @see https://www.swift.com/standards/data-standards/iban-international-bank-account-number (IBAN registry)
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  VA: 22,
  AE: 23,
  AL: 28,
  AZ: 28,
  BA: 20,
  BH: 22,
  BR: 29,
  CR: 22,
  DO: 28,
  EG: 29,
  GE: 22,
  GT: 28,
  IL: 23,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  MD: 24,
  ME: 22,
  MK: 19,
  MU: 30,
  PK: 24,
  QA: 29,
  RS: 22,
  SA: 24,
  TN: 24,
  TR: 26,
  UA: 29,
  XK: 20,
};

/** One alternative per country with its exact length, spaces allowed between characters (groups of four, usually). */
const IBAN_PATTERN = new RegExp(
  `\\b(?:${Object.entries(IBAN_LENGTHS)
    .map(([country, length]) => `${country}\\d{2}(?: ?[A-Z0-9]){${length - 4}}`)
    .join("|")})(?![A-Z0-9])`,
  "gi",
);

export const ibanRule: Rule = {
  kind: "iban",
  pattern: IBAN_PATTERN,
  check: (candidate) => {
    const iban = candidate.replace(/ /g, "").toUpperCase();
    return ibanValid(iban) ? whole(candidate, iban.slice(-4)) : null;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// National ids

const NINO_UNALLOCATED = new Set(["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]);
/** Advertised or test SSNs that appear in print and are not anyone's number. */
const SSN_NOT_ISSUED = new Set(["078051120", "219099999"]);

export const NATIONAL_ID_RULES: Record<NationalIdKind, Rule> = {
  "us-ssn": {
    kind: "us-ssn",
    pattern: /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g,
    check: (candidate, [area = "", , group = "", serial = ""]) => {
      const a = Number(area);
      if (a === 0 || a === 666 || a >= 900 || group === "00" || serial === "0000") return null;
      return SSN_NOT_ISSUED.has(area + group + serial) ? null : whole(candidate);
    },
  },
  "uk-nino": {
    kind: "uk-nino",
    pattern: /\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])\b/gi,
    check: (candidate, [prefix = ""]) => (NINO_UNALLOCATED.has(prefix.toUpperCase()) ? null : whole(candidate)),
  },
  "nl-bsn": {
    kind: "nl-bsn",
    pattern: /(?<![\d.-])(\d{9}|\d{4}\.\d{2}\.\d{3})(?![\d-]|\.\d)/g,
    // One random nine-digit number in eleven passes the check: without the word it would mask order numbers.
    context: /\b(?:bsn|burgerservicenummer|sofinummer|sofi-nummer|citizen service number)\b/i,
    check: (candidate) => (bsnValid(candidate.replace(/\./g, "")) ? whole(candidate) : null),
  },
  "es-dni": {
    kind: "es-dni",
    pattern: /\b(\d{8})[- ]?([A-Z])\b/gi,
    // "12345678 a" is more likely a sum and an article than a DNI: a letter after a space must be upper case.
    check: (candidate, [number = "", letter = ""]) =>
      dniLetter(number) === letter.toUpperCase() && !(candidate.includes(" ") && letter !== letter.toUpperCase())
        ? whole(candidate)
        : null,
  },
  "es-nie": {
    kind: "es-nie",
    pattern: /\b([XYZ])[- ]?(\d{7})[- ]?([A-Z])\b/gi,
    check: (candidate, [prefix = "", number = "", letter = ""]) => {
      const lead = String("XYZ".indexOf(prefix.toUpperCase()));
      return dniLetter(lead + number) === letter.toUpperCase() ? whole(candidate) : null;
    },
  },
  "it-codice-fiscale": {
    kind: "it-codice-fiscale",
    // Surname and name letters, year, month letter, day (+40 for women), municipality, check; digits may be
    // replaced by LMNPQRSTUV (omocodia).
    pattern: /\b[A-Z]{6}[\dLMNPQRSTUV]{2}[ABCDEHLMPRST][\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{3}[A-Z]\b/gi,
    check: (candidate) => {
      const upper = candidate.toUpperCase();
      return codiceFiscaleCheck(upper.slice(0, 15)) === upper[15] ? whole(candidate) : null;
    },
  },
  "fr-nir": {
    kind: "fr-nir",
    pattern:
      /(?<!\d)([12]) ?(\d{2}) ?(0[1-9]|1[0-2]|20|3\d|4[0-2]|[5-9]\d) ?(\d{2}|2[AB]) ?(\d{3}) ?(\d{3}) ?(\d{2})(?!\d)/gi,
    check: (candidate, groups) => {
      const parts = groups.slice(0, 7).join("");
      const key = Number(parts.slice(13));
      return key >= 1 && key <= 97 && nirKey(parts.slice(0, 13)) === key ? whole(candidate) : null;
    },
  },
  "de-steuer-id": {
    kind: "de-steuer-id",
    pattern: /(?<!\d ?)([1-9]\d{10}|[1-9]\d \d{3} \d{3} \d{3})(?![\d]| \d)/g,
    // The check digit catches one typo in ten, too weak for a bare eleven-digit number.
    context: /\b(?:steuer-?id|steueridentifikationsnummer|steuerliche identifikationsnummer|idnr|tax id|tin)\b/i,
    check: (candidate) => (steuerIdValid(candidate.replace(/ /g, "")) ? whole(candidate) : null),
  },
};
