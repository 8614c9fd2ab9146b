import type { Condition, Rule } from "./rules.schema";

/** The fields `text:` and `subject:` tests read; rules never change them, so one evaluation reads each once. */
export type TextField = "text" | "subject";

const WORD = /^[\p{L}\p{N}]+$/u;
const WORDS = /[\p{L}\p{N}]+/gu;

/** A keyword that is one whole word (letters and digits only). Phrases and keywords with punctuation are not. */
function isSingleWord(keyword: string): boolean {
  return WORD.test(keyword.trim());
}

/** The whole words inside a keyword: itself for a single word, each word of a phrase (`e-mail` has two). */
function wordsOf(keyword: string): string[] {
  return keyword.match(WORDS) ?? [];
}

/**
 * The regex source for a `contains` list, like the taxonomy's keywords: longest first, a letter or digit on either
 * side means the word is part of a longer one; a space in a phrase matches any run of white space. Compiled with
 * `iu`, so matching is case-insensitive.
 */
export function containsSource(words: readonly string[]): string {
  const alternatives = [...words]
    .map((word) => word.trim())
    .sort((a, b) => b.length - a.length)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+"));
  return `(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}])`;
}

/** One `contains` list as a regex. */
export function containsRegex(words: readonly string[]): RegExp {
  return new RegExp(containsSource(words), "iu");
}

/**
 * One pass over a text for every word the rules' `contains` lists are made of: the words of the text that are among
 * them, in text order, joined by spaces. Such a word only ever matches a whole word of the text, and every whole
 * word equal to one of them (ignoring case) is in the result, so a list of single words run on that short string
 * finds what it would find in the whole text, and the same first match. So 50 keyword rules cost one scan of a long
 * email instead of 50.
 */
export function keywordScanner(words: readonly string[]): (text: string) => string {
  const regex = new RegExp(containsSource([...new Set(words)]), "giu");
  return (text) => {
    let found = "";
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      found = found === "" ? match[0] : `${found} ${match[0]}`;
    }
    return found;
  };
}

/**
 * A `contains` list compiled for the scan: `source(found, text)` is the string its regex must run on to give the
 * answer it would give on the whole text. A phrase can only match when every word of it was found; until one may,
 * the found words are enough. Null when a keyword has no word at all (`!!!`): such a list always reads the text.
 */
export function scannedSource(list: readonly string[]): ((found: string, text: string) => string) | null {
  const phrases = list.filter((keyword) => !isSingleWord(keyword)).map(wordsOf);
  if (phrases.some((words) => words.length === 0)) return null;
  if (phrases.length === 0) return (found) => found;
  const tests = phrases.map((words) => words.map((word) => containsRegex([word])));
  return (found, text) => (tests.some((words) => words.every((word) => word.test(found))) ? text : found);
}

/** Every word of every `contains` list on `field` in the rules, for {@link keywordScanner}. */
export function scannedWords(rules: readonly Rule[], field: TextField): string[] {
  const words: string[] = [];
  const visit = (condition: Condition | undefined): void => {
    if (condition === undefined) return;
    const contains = condition[field]?.contains;
    if (contains !== undefined && scannedSource(contains) !== null) words.push(...contains.flatMap(wordsOf));
    condition.all?.forEach(visit);
    condition.any?.forEach(visit);
    visit(condition.not);
  };
  rules.forEach((rule) => visit(rule.if));
  return words;
}
