/**
 * The linear model: multinomial logistic regression (softmax) over hashed features, trained with seeded SGD.
 * Only the hash rows seen in training get weights (`features` maps them), so the model file holds what was learned
 * rather than the whole hash space.
 */
import { createFeaturizer, DEFAULT_FEATURE_OPTIONS, idfWeight } from "./features";
import type { ClassifierModel, Example, TrainOptions } from "./model-types";
import { createPredictor, softmaxInPlace } from "./predictor";
import { seededRandom, shuffleInPlace } from "../../../core/kernel/random";

export type { ClassifierModel, Example, TrainOptions } from "./model-types";

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  ...DEFAULT_FEATURE_OPTIONS,
  epochs: 20,
  learningRate: 0.5,
  l2: 0,
  idf: false,
  balance: false,
  minCount: 1,
  seed: 1,
  calibrate: true,
};

interface RowVector {
  rows: Int32Array;
  values: Float32Array;
  label: number;
}

/**
 * Trains a softmax classifier. Labels are sorted, so their order in the model does not depend on the data's order;
 * the same data in the same order with the same options gives the same model, bit for bit.
 */
export function trainModel(examples: Example[], options: Partial<TrainOptions> = {}): ClassifierModel {
  const settings: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  if (examples.length === 0) throw new Error("no training examples");
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  const { data, features, idf } = vectorize(examples, labels, settings);
  const model: ClassifierModel = {
    labels,
    options: settings,
    features,
    weights: new Float32Array(features.length * labels.length),
    bias: new Float32Array(labels.length),
    idf,
    temperature: 1,
    trainedAt: new Date().toISOString(),
    examples: examples.length,
  };
  runSgd(model, data, settings);
  if (settings.calibrate && examples.length >= MIN_CALIBRATION_EXAMPLES)
    model.temperature = fitTemperature(examples, settings);
  return model;
}

/** The examples as weight-row vectors; rows are numbered in first-seen order, skipping features under minCount. */
function vectorize(examples: Example[], labels: string[], settings: TrainOptions) {
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const counts = settings.idf || settings.minCount > 1 ? documentFrequencies(examples, settings) : undefined;
  const idfByIndex =
    settings.idf && counts ? Float32Array.from(counts, (count) => idfWeight(examples.length, count)) : undefined;
  const featurize = createFeaturizer(settings, idfByIndex);
  const rowOf = new Map<number, number>();
  const features: number[] = [];
  const data: RowVector[] = examples.map((example) => {
    const vector = featurize(example.text);
    const rows: number[] = [];
    const values: number[] = [];
    vector.indices.forEach((index, i) => {
      if (counts && (counts[index] as number) < settings.minCount) return;
      let row = rowOf.get(index);
      if (row === undefined) {
        row = features.length;
        rowOf.set(index, row);
        features.push(index);
      }
      rows.push(row);
      values.push(vector.values[i] as number);
    });
    const label = labelIndex.get(example.label) as number;
    return { rows: Int32Array.from(rows), values: Float32Array.from(values), label };
  });
  const idf = idfByIndex ? Float32Array.from(features, (index) => idfByIndex[index] as number) : null;
  return { data, features: Int32Array.from(features), idf };
}

const MIN_CALIBRATION_EXAMPLES = 100;

/**
 * The temperature that minimises the log-loss of a model trained on nine tenths of the data on the tenth it did not
 * see. The final model, trained on everything, is a little more sure of itself than this one; close enough.
 */
function fitTemperature(examples: Example[], settings: TrainOptions): number {
  const shuffled = examples.slice();
  shuffleInPlace(shuffled, seededRandom(settings.seed + 1));
  const cut = Math.floor(shuffled.length * 0.9);
  const predictor = createPredictor(trainModel(shuffled.slice(0, cut), { ...settings, calibrate: false }));
  const known = new Map(predictor.labels.map((label, index) => [label, index]));
  // Log-probabilities are the logits up to a constant per text, which the softmax ignores.
  const held = shuffled.slice(cut).flatMap((example) => {
    const label = known.get(example.label);
    if (label === undefined) return [];
    return [{ logits: predictor.probabilities(example.text).map((p) => Math.log(Math.max(p, 1e-12))), label }];
  });
  if (held.length === 0) return 1;
  const loss = (temperature: number): number =>
    held.reduce((sum, { logits, label }) => {
      const scaled = logits.map((logit) => logit / temperature);
      softmaxInPlace(scaled);
      return sum - Math.log(Math.max(scaled[label] as number, 1e-12));
    }, 0);
  // Golden-section search on log(temperature) in [1/20, 20]: the loss is unimodal in it.
  let low = Math.log(0.05);
  let high = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const a = high - ratio * (high - low);
    const b = low + ratio * (high - low);
    if (loss(Math.exp(a)) < loss(Math.exp(b))) high = b;
    else low = a;
  }
  return Math.exp((low + high) / 2);
}

/** How many examples each hashed index occurs in. */
function documentFrequencies(examples: Example[], settings: TrainOptions): Uint32Array {
  const featurize = createFeaturizer(settings);
  const df = new Uint32Array(settings.dims);
  for (const example of examples) {
    for (const index of new Set(featurize(example.text).indices)) df[index] = (df[index] as number) + 1;
  }
  return df;
}

function runSgd(model: ClassifierModel, data: RowVector[], settings: TrainOptions): void {
  const { weights, bias } = model;
  const width = model.labels.length;
  const scores = new Float64Array(width);
  const random = seededRandom(settings.seed);
  const order = data.slice();
  const counts = new Float64Array(width);
  for (const example of data) counts[example.label] = (counts[example.label] as number) + 1;
  const classWeight = Float64Array.from(counts, (count) =>
    settings.balance && count > 0 ? data.length / (width * count) : 1,
  );
  const totalSteps = settings.epochs * data.length;
  let stepCount = 0;
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const example of order) {
      const rate = settings.learningRate * (1 - stepCount++ / totalSteps) * (classWeight[example.label] as number);
      scoreRows(weights, bias, width, example.rows, example.values, scores);
      softmaxInPlace(scores);
      scores[example.label] = (scores[example.label] as number) - 1;
      const decay = 1 - rate * settings.l2;
      for (let i = 0; i < example.rows.length; i++) {
        const base = (example.rows[i] as number) * width;
        const step = rate * (example.values[i] as number);
        for (let k = 0; k < width; k++) {
          const gradient = scores[k] as number;
          // Labels the example barely moves are skipped: most of 77 classes sit near zero probability.
          if (gradient > -1e-5 && gradient < 1e-5 && decay === 1) continue;
          weights[base + k] = (weights[base + k] as number) * decay - step * gradient;
        }
      }
      for (let k = 0; k < width; k++) bias[k] = (bias[k] as number) - rate * (scores[k] as number);
    }
  }
}

function scoreRows(
  weights: Float32Array,
  bias: Float32Array,
  width: number,
  rows: Int32Array,
  values: Float32Array,
  out: Float64Array,
): void {
  for (let k = 0; k < width; k++) out[k] = bias[k] as number;
  for (let i = 0; i < rows.length; i++) {
    const base = (rows[i] as number) * width;
    const value = values[i] as number;
    for (let k = 0; k < width; k++) out[k] = (out[k] as number) + value * (weights[base + k] as number);
  }
}
