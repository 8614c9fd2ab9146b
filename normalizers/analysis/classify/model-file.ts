/**
 * The model file: versioned JSON with the weight arrays as base64 of their little-endian bytes, so a model is one
 * portable text file that loads back bit for bit.
 */
import { DEFAULT_TRAIN_OPTIONS, type ClassifierModel, type TrainOptions } from "./model";
import { err, ok, type Result } from "../../../core/kernel/result";

export const MODEL_FORMAT = "plaint-classifier/1";

/** The JSON shape of a model file. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  labels: string[];
  dims: number;
  /** Hashed feature index of each weight row (Int32Array, base64). */
  features: string;
  /** rows × labels, row-major (Float32Array, base64). */
  weights: string;
  /** One per label (Float32Array, base64). */
  bias: string;
  /** Per row (Float32Array, base64), or null when the model does not weigh by idf. */
  idf: string | null;
  options: TrainOptions;
  /** Softmax temperature; absent in files from before calibration, meaning 1. */
  temperature: number;
  trainedAt: string;
  examples: number;
}

function toBase64(array: Int32Array | Float32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString("base64");
}

/** Copies into a fresh buffer: Buffer.from(base64) may share a pool whose offset is not 4-byte aligned. */
function bytesOf(base64: string): ArrayBuffer {
  const bytes = Buffer.from(base64, "base64");
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}

export function serializeModel(model: ClassifierModel): string {
  const file: ModelFile = {
    format: MODEL_FORMAT,
    labels: model.labels,
    dims: model.options.dims,
    features: toBase64(model.features),
    weights: toBase64(model.weights),
    bias: toBase64(model.bias),
    idf: model.idf ? toBase64(model.idf) : null,
    options: model.options,
    temperature: model.temperature,
    trainedAt: model.trainedAt,
    examples: model.examples,
  };
  return JSON.stringify(file);
}

/** Reads a model file's text, checking the format and that the arrays fit together; the error says what is wrong. */
export function parseModel(text: string): Result<ClassifierModel, string> {
  let file: Partial<ModelFile>;
  try {
    file = JSON.parse(text) as Partial<ModelFile>;
  } catch (error) {
    return err(`not JSON: ${(error as Error).message}`);
  }
  if (typeof file !== "object" || file === null) return err("not a model file: expected a JSON object");
  if (file.format !== MODEL_FORMAT)
    return err(`unknown format ${JSON.stringify(file.format)}, expected "${MODEL_FORMAT}"`);
  if (!Array.isArray(file.labels) || file.labels.length === 0 || !file.labels.every((l) => typeof l === "string"))
    return err("labels: expected a non-empty array of strings");
  if (typeof file.features !== "string" || typeof file.weights !== "string" || typeof file.bias !== "string")
    return err("features, weights and bias: expected base64 strings");
  if (typeof file.dims !== "number" || !Number.isInteger(Math.log2(file.dims)))
    return err("dims: expected a power of two");
  const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...file.options, dims: file.dims };
  const badOption = Object.entries(DEFAULT_TRAIN_OPTIONS).find(
    ([key, value]) => typeof options[key as keyof TrainOptions] !== typeof value,
  );
  if (badOption) return err(`options.${badOption[0]}: expected a ${typeof badOption[1]}`);
  const features = new Int32Array(bytesOf(file.features));
  const weights = new Float32Array(bytesOf(file.weights));
  const bias = new Float32Array(bytesOf(file.bias));
  const idf = typeof file.idf === "string" ? new Float32Array(bytesOf(file.idf)) : null;
  if (weights.length !== features.length * file.labels.length)
    return err(
      `weights: ${weights.length} values do not fit ${features.length} features × ${file.labels.length} labels`,
    );
  if (bias.length !== file.labels.length) return err(`bias: ${bias.length} values for ${file.labels.length} labels`);
  if (idf && idf.length !== features.length) return err(`idf: ${idf.length} values for ${features.length} features`);
  if (features.some((index) => index < 0 || index >= options.dims)) return err("features: an index is outside dims");
  if (file.temperature !== undefined && !(typeof file.temperature === "number" && file.temperature > 0))
    return err("temperature: expected a positive number");
  if (options.idf !== (idf !== null)) return err("idf: present exactly when options.idf is true");
  return ok({
    labels: file.labels,
    options,
    features,
    weights,
    bias,
    idf,
    temperature: file.temperature ?? 1,
    trainedAt: typeof file.trainedAt === "string" ? file.trainedAt : "",
    examples: typeof file.examples === "number" ? file.examples : 0,
  });
}
