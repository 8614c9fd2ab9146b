/**
 * Text similarity for "is this the same complaint?": the containment of character 4-grams of the normalised texts,
 * |A ∩ B| / min(|A|, |B|).
 *
 * Why this measure (measured; `npm run eval:matching` prints the comparison of ten candidates): a resend by SMS is
 * a cut or a terse retyping of the email, so the short text's shingles lie inside the long one, and Jaccard, which
 * divides by the union, punishes the length difference (recall 0.96 at precision 0.99, against 1.00). TF cosine
 * over 3–5-grams, with or without stop words, also lost recall (0.97–0.98). 4-, 5- and 6-grams tied or nearly so;
 * 4-grams joined the fewest hard negatives on the tune pairs. Stop words stay in: without them short texts shrink
 * to a few shingles and precision dropped. MinHash was not tried: it estimates Jaccard to save time on large
 * collections, and here one message meets the last few messages of a handful of cases.
 */
import { normalizeComplaintText } from "./normalize-text";
import { charShingles, containment } from "./shingles";

/** Shingle length in characters. */
export const shingleSize = 4;

/** A message text prepared once, to be compared with many others (the last messages of each open case). */
export interface TextProfile {
  readonly shingles: ReadonlySet<string>;
}

/**
 * Normalised characters a profile reads. The complaint is at the top of a message; the cap keeps a pasted log or
 * a megabyte mail from building a million-entry set.
 */
export const maxProfileCharacters = 20_000;

export function textProfile(text: string): TextProfile {
  return { shingles: charShingles(normalizeComplaintText(text).slice(0, maxProfileCharacters), shingleSize) };
}

/** Similarity in [0, 1] of two profiles; symmetric; 0 when either text is empty after normalisation. */
export function profileSimilarity(p: TextProfile, q: TextProfile): number {
  return containment(p.shingles, q.shingles);
}

/** Similarity in [0, 1] of two message texts (see the file comment for what it measures). */
export function textSimilarity(a: string, b: string): number {
  return profileSimilarity(textProfile(a), textProfile(b));
}
