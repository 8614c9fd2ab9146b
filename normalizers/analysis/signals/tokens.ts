/**
 * One tokenisation shared by every signal, so a message is split once. Lower-case; English contractions are joined
 * ("can't" → "cant", "I'm" → "im") while other apostrophes split ("n'arrive" → "n", "arrive"; "dov'è" → "dov", "è"),
 * which keeps French and Italian elisions usable as cue words. Clause punctuation stays as a token of its own
 * (",", ".", "!", "?", ";", ":") so that negation and phrases do not reach across it ("no problem, thanks").
 */
export function tokenize(text: string): string[] {
  let lower = text.toLowerCase();
  if (lower.includes("'") || lower.includes("\u2019")) lower = lower.replace(CONTRACTION, "");
  return lower.match(WORD) ?? [];
}

const CONTRACTION = /['\u2019](?=(?:t|s|re|ve|ll|d|m)(?![\p{L}\p{N}]))/gu;
const WORD = /[\p{L}\p{N}]+|[,.;:!?]/gu;

/** True for the clause punctuation tokens `tokenize` keeps. */
export function isPunctuation(token: string): boolean {
  return token.length === 1 && ",.;:!?".includes(token);
}

/**
 * Words that turn the meaning of the next few words around, in the languages we read cues for. "ne"/"n" are left out
 * for French: "pas"/"jamais"/"plus" carry the negation there and follow the verb.
 */
// prettier-ignore
export const NEGATORS: ReadonlySet<string> = new Set([
  // en
  "not", "no", "never", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant", "cannot", "wont",
  "wouldnt", "couldnt", "shouldnt", "havent", "hasnt", "hadnt", "without", "hardly", "nor", "neither",
  // de
  "nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "ohne",
  // fr
  "pas", "jamais", "sans", "aucun", "aucune",
  // es / it / pt
  "nunca", "ni", "sin", "non", "mai", "senza", "nem", "não",
  // nl
  "niet", "geen", "nooit", "zonder",
]);

/** True when one of the `window` tokens before `index` is a negator. */
export function negatedBefore(tokens: readonly string[], index: number, window = 3): boolean {
  for (let i = index - 1; i >= Math.max(0, index - window); i--) {
    const token = tokens[i] as string;
    if (NEGATORS.has(token)) return true;
    if (isPunctuation(token)) return false;
  }
  return false;
}

/** Web addresses: with a scheme, with www., or a bare domain followed by a path. */
const LINK =
  /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|biz|info|xyz|top|io|ru|click|shop)\/\S*/gi;

/**
 * The text without its links, and how many there were. Link words ("https", "promo" in a path) are not the
 * customer's words, so cues are read from what is left.
 */
export function splitLinks(text: string): { text: string; links: number } {
  if (!text.includes("/") && !text.includes("www.")) return { text, links: 0 };
  let links = 0;
  const rest = text.replace(LINK, () => {
    links++;
    return " ";
  });
  return { text: rest, links };
}
