/**
 * The text two messages are compared on: what the customer wrote about the complaint, without the parts that
 * change with the channel (greeting and sign-off lines, quoted history, mobile signatures, emoji, casing,
 * punctuation, spacing). Shared by the exact-repeat fingerprint and the similarity measure, so both see the same
 * words.
 */
import { stripQuotedText } from "../../channels/email/quote-stripping";

/**
 * A greeting alone on its line ("Hi,", "Hello team!", "Dear Sir or Madam,"): at most three words after it. Only
 * dropped when more lines follow, so a one-line "hi my card broke" keeps its words.
 */
const greetingLine =
  /^(?:hi|hello|hey|hiya|dear|good\s+(?:morning|afternoon|evening|day)|greetings|to\s+whom\s+it\s+may\s+concern)\b(?:[\s,]+[\p{L}.'-]+){0,3}\s*[,.!:]*$/iu;
/** A greeting opening a line that goes on with the complaint ("Hi, my card…", "Hello team - the app…"). */
const greetingPrefix =
  /^(?:(?:hi|hello|hey|hiya)(?:\s+(?:there|team|all|guys|support))?(?:\s*[,!:\-–]+\s*|\s+)|dear\s+\w+(?:\s+team)?\s*[,!:\-–]+\s*)/i;
/** A sign-off line; it and whatever follows it (name, title, phone) are dropped when near the end. */
const signOff =
  "(?:thanks?|thank\\s+you|thx|many\\s+thanks|cheers|regards|best|best\\s+regards|kind\\s+regards|warm\\s+regards|sincerely|yours\\s+(?:sincerely|truly|faithfully)|br|ty)\\b" +
  // then at most a few words: a name ("Anna Smith") or "in advance"; more words means a sentence, which is kept.
  "(?:\\s+(?:a\\s+lot|again|so\\s+much|in\\s+advance))?\\s*[,.!\\-–]*\\s*(?:[\\p{L}.'-]+(?:\\s+[\\p{L}.'-]+){0,2})?\\s*[.!]*";
const signOffLine = new RegExp(`^${signOff}$`, "iu");
/** A sign-off closing the last line after its last sentence ("… please help. Thanks, Anna"). */
const trailingSignOff = new RegExp(`(?<=[.!?])\\s+${signOff}$`, "iu");
/** How many lines from the end a sign-off may start: a "thanks" early in a long mail is part of the text. */
const signOffReach = 4;
/** Longest line that can follow a sign-off as part of the signature. */
const signatureLineLength = 40;
/** Mobile and webmail footers that survive when the mail had no quote ("Sent from my iPhone"). */
const sentFromLine = /^(?:sent\s+from\s+my\s|sent\s+from\s+(?:mail|outlook)|get\s+outlook\s+for\s|sent\s+via\s)/i;

/** Emoji, pictographs, their joiners and variation selectors, and skin-tone modifiers. */
const emoji = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0e|\ufe0f/gu;

/** The message body reduced to the lines that carry the complaint (still with its case and punctuation). */
export function complaintLines(text: string): string[] {
  const stripped = stripQuotedText(text);
  // A chat line or SMS that starts with ">" ("> 50 EUR missing") is not quoted history: keep it when stripping
  // would leave nothing.
  const body = /[\p{L}\p{N}]/u.test(stripped) ? stripped : text;
  const lines = body
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !sentFromLine.test(line));
  while (lines.length > 1 && greetingLine.test(lines[0] ?? "")) lines.shift();
  if (lines.length > 0) lines[0] = (lines[0] ?? "").replace(greetingPrefix, "");
  const from = Math.max(0, lines.length - signOffReach);
  for (let index = from; index < lines.length; index += 1) {
    // Only what a signature looks like may follow: short lines (name, title, phone), not a sentence of the complaint.
    const rest = lines.slice(index + 1);
    if (signOffLine.test(lines[index] ?? "") && rest.every((line) => line.length <= signatureLineLength)) {
      lines.length = index;
      break;
    }
  }
  const last = lines.length - 1;
  if (last >= 0) lines[last] = (lines[last] ?? "").replace(trailingSignOff, "");
  return lines.filter((line) => line !== "");
}

/**
 * The comparable form: lower case, accents folded, emoji and punctuation gone, apostrophes closed up ("don't" →
 * "dont", so it matches the SMS spelling), digits kept (amounts and order numbers tell complaints apart), one space
 * between words.
 */
export function normalizeComplaintText(text: string): string {
  return complaintLines(text)
    .join(" ")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(emoji, " ")
    .toLowerCase()
    .replace(/['’`]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
