/** A trained model put to use: text in, label probabilities out. */
import { createFeaturizer, idfWeight, type SparseVector } from "./features";
import type { ClassifierModel } from "./model-types";

/** One label with its softmax probability. */
export interface LabelScore {
  label: string;
  probability: number;
}

/** A model ready for many predictions: the hash → row table is built once, and one featuriser reused. */
export interface Predictor {
  labels: string[];
  /** Probabilities per label, in `labels` order. */
  probabilities(text: string): Float64Array;
  /** Labels by probability, best first, at most `top`. */
  predict(text: string, top?: number): LabelScore[];
}

export function createPredictor(model: ClassifierModel): Predictor {
  const rowOf = new Int32Array(model.options.dims).fill(-1);
  model.features.forEach((index, row) => {
    rowOf[index] = row;
  });
  const featurize = createFeaturizer(model.options, idfTable(model));
  const width = model.labels.length;
  const probabilities = (text: string): Float64Array => {
    const scores = new Float64Array(width);
    scoreVector(model, rowOf, featurize(text), scores);
    if (model.temperature !== 1) for (let k = 0; k < width; k++) scores[k] = (scores[k] as number) / model.temperature;
    softmaxInPlace(scores);
    return scores;
  };
  return {
    labels: model.labels,
    probabilities,
    predict(text, top = 3) {
      const scores = probabilities(text);
      return rankLabels(model.labels, scores, top);
    },
  };
}

function idfTable(model: ClassifierModel): Float32Array | undefined {
  const { idf } = model;
  if (!idf) return undefined;
  const table = new Float32Array(model.options.dims).fill(idfWeight(model.examples, 0));
  model.features.forEach((index, row) => {
    table[index] = idf[row] as number;
  });
  return table;
}

function scoreVector(model: ClassifierModel, rowOf: Int32Array, vector: SparseVector, out: Float64Array): void {
  const width = model.labels.length;
  const { weights, bias } = model;
  for (let k = 0; k < width; k++) out[k] = bias[k] as number;
  for (let i = 0; i < vector.indices.length; i++) {
    const row = rowOf[vector.indices[i] as number] as number;
    if (row < 0) continue;
    const base = row * width;
    const value = vector.values[i] as number;
    for (let k = 0; k < width; k++) out[k] = (out[k] as number) + value * (weights[base + k] as number);
  }
}

/** The `top` best labels. A partial selection: sorting all 77 labels per message would cost more than scoring. */
export function rankLabels(labels: string[], scores: ArrayLike<number>, top: number): LabelScore[] {
  const best: LabelScore[] = [];
  for (let k = 0; k < labels.length; k++) {
    const probability = scores[k] as number;
    if (best.length === top && probability <= (best[top - 1] as LabelScore).probability) continue;
    let at = best.length;
    while (at > 0 && (best[at - 1] as LabelScore).probability < probability) at--;
    best.splice(at, 0, { label: labels[k] as string, probability });
    if (best.length > top) best.pop();
  }
  return best;
}

export function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const score of scores) if (score > max) max = score;
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    const value = Math.exp((scores[k] as number) - max);
    scores[k] = value;
    sum += value;
  }
  for (let k = 0; k < scores.length; k++) scores[k] = (scores[k] as number) / sum;
}
