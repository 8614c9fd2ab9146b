/**
 * Scoring labelled pairs and summarising them: what the evaluation script prints and what the corpus test asserts.
 * "Same category" uses the corpora's gold categories: the figures with the category rule are an upper bound that
 * the real classifier's errors will lower.
 */
import { readComplaints, type CorpusSplit } from "./matching-corpus";
import { buildMatchingPairs, buildSameIntentPairs, type LabelledPair, type PairType } from "./matching-pairs";
import {
  chooseThreshold,
  figuresAt,
  sweep,
  thresholdGrid,
  type MatchingFigures,
  type ScoredPair,
} from "./matching-metrics";
import { profileSimilarity, textProfile } from "../../normalizers/analysis/similarity/similarity";

/** The precision the product asks for, and the margin added when choosing on the tune pairs. */
export const targetPrecision = 0.98;
export const targetRecall = 0.9;
export const choiceMargin = 0.01;

export interface ScoredLabelledPair extends ScoredPair {
  type: PairType;
  source: LabelledPair["source"];
}

/** Best similarity of the new text against the case's texts, with the gold-category rule's verdict. */
export function scorePairs(pairs: readonly LabelledPair[], similarity = pairSimilarity): ScoredLabelledPair[] {
  return pairs.map((pair) => ({
    type: pair.type,
    source: pair.source,
    same: pair.same === true,
    score: similarity(pair),
    categoryAllows: pair.newCategory === pair.caseCategory,
  }));
}

export function pairSimilarity(pair: LabelledPair): number {
  const newProfile = textProfile(pair.newText);
  return pair.caseTexts.reduce((best, text) => Math.max(best, profileSimilarity(newProfile, textProfile(text))), 0);
}

/** The pairs scored with the category rule off (every pair may join) or on (gold categories must agree). */
export function withCategoryRule(pairs: readonly ScoredLabelledPair[], required: boolean): ScoredLabelledPair[] {
  return required ? [...pairs] : pairs.map((pair) => ({ ...pair, categoryAllows: true }));
}

export interface SplitPairs {
  main: LabelledPair[];
  sameIntent: LabelledPair[];
}

export function splitPairs(corporaDir: string, split: CorpusSplit): SplitPairs {
  const complaints = readComplaints(corporaDir, split);
  return { main: buildMatchingPairs(complaints), sameIntent: buildSameIntentPairs(complaints) };
}

/** The threshold the rule picks on scored tune pairs: precision ≥ target + margin by text alone, then recall. */
export function chooseDefaultThreshold(tune: readonly ScoredLabelledPair[]): MatchingFigures | null {
  return chooseThreshold(
    sweep(withCategoryRule(tune, false), thresholdGrid(0.2, 0.9, 0.01)),
    targetPrecision + choiceMargin,
  );
}

export interface TypeFigures {
  type: PairType;
  source: string;
  pairs: number;
  /** Share of pairs that join: recall for same-complaint types, false-join rate for different-complaint types. */
  joinRate: number;
}

/** Join rate per pair type (all sources together, then per source) at a threshold. */
export function figuresPerType(pairs: readonly ScoredLabelledPair[], threshold: number): TypeFigures[] {
  const keys = new Map<string, { type: PairType; source: string; pairs: ScoredLabelledPair[] }>();
  for (const pair of pairs) {
    for (const source of ["all", pair.source]) {
      const key = `${pair.type}/${source}`;
      const entry = keys.get(key) ?? { type: pair.type, source, pairs: [] };
      entry.pairs.push(pair);
      keys.set(key, entry);
    }
  }
  return [...keys.values()].map(({ type, source, pairs: group }) => ({
    type,
    source,
    pairs: group.length,
    joinRate: group.filter((pair) => pair.categoryAllows && pair.score >= threshold).length / group.length,
  }));
}

export { figuresAt, sweep, thresholdGrid };
