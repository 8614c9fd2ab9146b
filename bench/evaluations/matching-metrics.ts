/**
 * Precision, recall and F1 of "joins the same case" over labelled pairs, a threshold sweep, and the threshold
 * choice rule: precision first (wrongly merging two complaints is worse than missing a merge), then recall.
 */

export interface ScoredPair {
  same: boolean;
  score: number;
  /** Whether the category rule lets the pair join at all (always true when the rule is off). */
  categoryAllows: boolean;
}

export interface MatchingFigures {
  threshold: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

/** A join is predicted when the category rule allows it and the score reaches the threshold. */
export function figuresAt(pairs: readonly ScoredPair[], threshold: number): MatchingFigures {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  let trueNegatives = 0;
  for (const pair of pairs) {
    const join = pair.categoryAllows && pair.score >= threshold;
    if (join && pair.same) truePositives += 1;
    else if (join) falsePositives += 1;
    else if (pair.same) falseNegatives += 1;
    else trueNegatives += 1;
  }
  // No join predicted: precision is vacuously perfect, which is what a cautious threshold should be credited with.
  const precision = truePositives + falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives);
  const recall = truePositives + falseNegatives === 0 ? 1 : truePositives / (truePositives + falseNegatives);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, truePositives, falsePositives, falseNegatives, trueNegatives, precision, recall, f1 };
}

/** Thresholds from `from` to `to` in steps of `step`, rounded to two decimals. */
export function thresholdGrid(from = 0.2, to = 0.9, step = 0.02): number[] {
  const grid: number[] = [];
  for (let value = from; value <= to + 1e-9; value += step) grid.push(Math.round(value * 100) / 100);
  return grid;
}

export function sweep(pairs: readonly ScoredPair[], grid = thresholdGrid()): MatchingFigures[] {
  return grid.map((threshold) => figuresAt(pairs, threshold));
}

/**
 * The lowest threshold of the grid whose precision reaches `minPrecision` (the lowest such threshold has the
 * highest recall), or null when none does.
 */
export function chooseThreshold(figures: readonly MatchingFigures[], minPrecision: number): MatchingFigures | null {
  const meeting = figures.filter((row) => row.precision >= minPrecision);
  return meeting.reduce<MatchingFigures | null>(
    (best, row) =>
      best === null || row.recall > best.recall || (row.recall === best.recall && row.threshold < best.threshold)
        ? row
        : best,
    null,
  );
}
