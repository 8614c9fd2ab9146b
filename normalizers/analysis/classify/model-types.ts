/**
 * The classifier model's types, in a file of their own: the trainer (model.ts) and the predictor (predictor.ts) both
 * need them, and neither should import the other for a type.
 */
import type { FeatureOptions } from "./features";

/** Training settings; kept in the model file so a model says how it was made. */
export interface TrainOptions extends FeatureOptions {
  /** Passes over the data. */
  epochs: number;
  /** Starting SGD step, decayed linearly to zero over all steps. */
  learningRate: number;
  /** L2 penalty per step (weight decay), applied to the rows an example touches. */
  l2: number;
  /** Weigh features by inverse document frequency (smoothed, as log((n + 1) / (df + 1)) + 1). */
  idf: boolean;
  /** Features in fewer training texts than this get no weight: one-off n-grams only help memorise. */
  minCount: number;
  /** Weigh each example by the inverse of its label's frequency, so a large class does not swallow small ones. */
  balance: boolean;
  /** Shuffling seed: the same data and options give the same model, bit for bit. */
  seed: number;
  /**
   * Fit a softmax temperature on a held-out tenth of the data (sets of 100 examples or more), so that confidence
   * means what it says: weight decay and early stopping leave a model under-confident, memorising over-confident.
   */
  calibrate: boolean;
}

/** A labelled training text. */
export interface Example {
  text: string;
  label: string;
}

/** A trained classifier, ready to predict. */
export interface ClassifierModel {
  labels: string[];
  options: TrainOptions;
  /** Hashed feature index of each weight row, in row order. */
  features: Int32Array;
  /** features.length rows × labels.length columns, row-major. */
  weights: Float32Array;
  bias: Float32Array;
  /** Per row, when options.idf; features never seen in training get the rarest weight. */
  idf: Float32Array | null;
  /** Logits are divided by this before the softmax; 1 when not calibrated. */
  temperature: number;
  trainedAt: string;
  examples: number;
}
