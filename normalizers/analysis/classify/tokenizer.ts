/**
 * Splits text into lower-cased words of letters and digits, one character code at a time, without building
 * strings: the featuriser hashes words straight from the buffer. Apostrophes vanish so "don't" and "dont" agree.
 */

/** Per UTF-16 code unit: its lower-case form, or 0 when it is not part of a word. Filled on first sight. */
const wordCode = new Uint16Array(65536);
const known = new Uint8Array(65536);

function classify(code: number): number {
  const char = String.fromCharCode(code);
  if (!/[\p{L}\p{N}]/u.test(char)) return 0;
  const lower = char.toLowerCase();
  // A few letters lower-case to two code units ("İ"); they keep their own code rather than change length.
  return lower.length === 1 ? lower.charCodeAt(0) : code;
}

function lowerWordCode(code: number): number {
  if (known[code] === 0) {
    wordCode[code] = classify(code);
    known[code] = 1;
  }
  return wordCode[code] as number;
}

const APOSTROPHE = 0x27;
const RIGHT_QUOTE = 0x2019;

/**
 * Calls `onWord(codes, length)` for each word; `codes` is reused between calls. Words longer than the buffer are
 * reported with their first `codes.length` code units: past that length a token is an id or a URL, not a word.
 */
export function scanWords(
  text: string,
  codes: Uint16Array,
  onWord: (codes: Uint16Array, length: number) => void,
): void {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === APOSTROPHE || code === RIGHT_QUOTE) continue;
    const lower = code < 128 ? asciiWordCode(code) : lowerWordCode(code);
    if (lower !== 0) {
      if (length < codes.length) codes[length++] = lower;
    } else if (length > 0) {
      onWord(codes, length);
      length = 0;
    }
  }
  if (length > 0) onWord(codes, length);
}

function asciiWordCode(code: number): number {
  if (code >= 97 && code <= 122) return code; // a-z
  if (code >= 65 && code <= 90) return code + 32; // A-Z
  if (code >= 48 && code <= 57) return code; // 0-9
  return 0;
}

/** The words of a text as strings (for tests and inspection; the featuriser scans without them). */
export function tokenize(text: string, maxWordChars = 64): string[] {
  const words: string[] = [];
  scanWords(text, new Uint16Array(maxWordChars), (codes, length) => {
    words.push(String.fromCharCode(...codes.subarray(0, length)));
  });
  return words;
}
