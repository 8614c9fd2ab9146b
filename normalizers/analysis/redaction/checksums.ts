/**
 * Check-digit algorithms of the numbers the redactor masks. Each takes the bare value (no spaces or dashes) and
 * returns whether the check holds; none throws. A passing check is what lets us mask a number without context,
 * and a failing one is what keeps order numbers and phone numbers readable.
 */

/** Luhn (mod 10), payment cards. @see https://en.wikipedia.org/wiki/Luhn_algorithm */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * ISO 7064 mod 97-10 over an IBAN: the first four characters moved to the end, letters as 10…35, remainder 1.
 * Computed piecewise, so no big integers. @see https://en.wikipedia.org/wiki/International_Bank_Account_Number#Validating_the_IBAN
 */
export function ibanValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

/** Dutch BSN "elfproef": 9×d1 + 8×d2 + … + 2×d8 − d9 ≡ 0 (mod 11), not all zeros. */
export function bsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || digits === "000000000") return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** Spanish DNI / NIE check letter for the 8-digit number (NIE: X, Y, Z replaced by 0, 1, 2 first). */
export function dniLetter(number: string): string {
  return DNI_LETTERS[Number(number) % 23] as string;
}

const CF_ODD: Record<string, number> = {};
"1 0 5 7 9 13 15 17 19 21 2 4 18 20 11 3 6 8 12 14 16 10 22 25 24 23".split(" ").forEach((value, index) => {
  CF_ODD[String.fromCharCode(65 + index)] = Number(value);
  if (index < 10) CF_ODD[String(index)] = Number(value);
});

/** Check character of an Italian codice fiscale from its first 15 characters (upper case). */
export function codiceFiscaleCheck(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = first15[i] as string;
    // Positions count from 1: odd positions use the odd table, even positions the plain value.
    if (i % 2 === 0) sum += CF_ODD[ch] ?? 0;
    else sum += ch >= "0" && ch <= "9" ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/**
 * French NIR key: 97 − (13-digit number mod 97). Corsica's 2A / 2B count as 19 / 18.
 * @see https://fr.wikipedia.org/wiki/Num%C3%A9ro_de_s%C3%A9curit%C3%A9_sociale_en_France
 */
export function nirKey(first13: string): number {
  const upper = first13.toUpperCase();
  const numeric =
    upper.slice(0, 5) +
    (upper.slice(5, 7) === "2A" ? "19" : upper.slice(5, 7) === "2B" ? "18" : upper.slice(5, 7)) +
    upper.slice(7);
  let remainder = 0;
  for (const ch of numeric) remainder = (remainder * 10 + (ch.charCodeAt(0) - 48)) % 97;
  return 97 - remainder;
}

/**
 * German Steuer-ID: 11 digits, no leading zero, in the first ten one digit appears twice or three times and the
 * rest at most once, last digit by ISO 7064 MOD 11,10.
 */
export function steuerIdValid(digits: string): boolean {
  if (!/^[1-9]\d{10}$/.test(digits)) return false;
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[digits.charCodeAt(i) - 48]! += 1;
  const repeated = counts.filter((n) => n > 1);
  if (repeated.length !== 1 || (repeated[0] as number) > 3) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (digits.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = (11 - product) % 10;
  return check === digits.charCodeAt(10) - 48;
}
