/**
 * The similarity measures that were tried, kept so the evaluation can show the comparison again
 * (`npm run eval:matching` prints it). The one that won is what similarity.ts exports.
 */
import { normalizeComplaintText } from "./normalize-text";
import { charGramCounts, charShingles, containment, jaccard, sublinearCosine } from "./shingles";

export interface SimilarityCandidate {
  name: string;
  description: string;
  similarity(a: string, b: string): number;
}

/**
 * Words that carry no complaint: a customer's two different complaints share them ("i have not … my"), and with
 * them in, unrelated short texts overlap. Hand-written, English.
 */
export const stopWords = new Set(
  (
    "a an the and or but if so of to in on at for from by with about as into than then there here this that these " +
    "those it its is are was were be been being am do does did done have has had having i me my mine im ive id we " +
    "us our you your u ur he she they them their his her what which who whom when where why how can could would " +
    "should will shall may might must just also very really too still yet again please pls hi hello hey thanks " +
    "thank thx ok okay any some all no not dont didnt doesnt cant cannot wont isnt arent wasnt havent hasnt get got"
  ).split(" "),
);

export function contentWords(normalised: string): string {
  return normalised
    .split(" ")
    .filter((word) => word !== "" && !stopWords.has(word))
    .join(" ");
}

function setCandidate(
  name: string,
  description: string,
  prepare: (normalised: string) => string,
  size: number,
  measure: (a: Set<string>, b: Set<string>) => number,
): SimilarityCandidate {
  const shingles = (text: string): Set<string> => charShingles(prepare(normalizeComplaintText(text)), size);
  return { name, description, similarity: (a, b) => measure(shingles(a), shingles(b)) };
}

const asIs = (normalised: string): string => normalised;

/** Containment leaning to Jaccard when the shorter text has few shingles: a three-word text inside a long mail. */
function guardedContainment(a: Set<string>, b: Set<string>): number {
  const weight = Math.min(1, Math.min(a.size, b.size) / 24);
  return weight * containment(a, b) + (1 - weight) * jaccard(a, b);
}

function tfCosine(name: string, description: string, prepare: (normalised: string) => string): SimilarityCandidate {
  const counts = (text: string): Map<string, number> =>
    charGramCounts(prepare(normalizeComplaintText(text)), [3, 4, 5]);
  return { name, description, similarity: (a, b) => sublinearCosine(counts(a), counts(b)) };
}

export const similarityCandidates: SimilarityCandidate[] = [
  setCandidate("jaccard-char4", "Jaccard of character 4-grams", asIs, 4, jaccard),
  setCandidate("jaccard-char5", "Jaccard of character 5-grams", asIs, 5, jaccard),
  setCandidate("containment-char4", "containment of character 4-grams (the one kept)", asIs, 4, containment),
  setCandidate("containment-char5", "containment of character 5-grams", asIs, 5, containment),
  setCandidate("containment-char6", "containment of character 6-grams", asIs, 6, containment),
  setCandidate(
    "containment-char5-guarded",
    "containment of 5-grams, towards Jaccard under 24 shingles",
    asIs,
    5,
    guardedContainment,
  ),
  setCandidate("containment-char4-content", "containment of 4-grams, stop words removed", contentWords, 4, containment),
  setCandidate(
    "mean-char4-content",
    "mean of Jaccard and containment of 4-grams, stop words removed",
    contentWords,
    4,
    (a, b) => (jaccard(a, b) + containment(a, b)) / 2,
  ),
  tfCosine("tf-cosine-char3to5", "cosine of sublinear TF of character 3-, 4- and 5-grams", asIs),
  tfCosine("tf-cosine-char3to5-content", "the same, stop words removed", contentWords),
];
