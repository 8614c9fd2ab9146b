import { readFileSync } from "node:fs";
import type { SqlClient } from "../kernel/db/database";
import type { PlaintConfig } from "../config/config.schema";
import {
  createClassifier,
  parseModel,
  serializeModel,
  taxonomyExamples,
  trainModel,
  type Classifier,
  type ClassifierModel,
  type Taxonomy,
} from "../../normalizers/analysis/classify/index";
import { findNewestModel, insertModel, listLabelExamples } from "../store/classification.store";
import { taxonomyOf } from "./taxonomy-of";

/** Where the classifier in use came from, for the event trail and the API. */
export type ModelSource = { kind: "taxonomy" } | { kind: "file"; path: string } | { kind: "retrained"; id: string };

/**
 * The classifier a process uses, swappable while it runs: a worker starts with the configured model file or one
 * trained from the taxonomy, and picks up a model retrained from agents' corrections (stored in the database, so
 * every process of a scale-out hub converges on the same one).
 */
export class ClassifierHolder {
  private classifier: Classifier;
  private source: ModelSource;

  constructor(
    readonly taxonomy: Taxonomy,
    private readonly triageBelow: number,
    readonly modelFile: string | undefined,
  ) {
    const model = modelFile ? readModelFile(modelFile) : undefined;
    this.classifier = createClassifier({ taxonomy, triageBelow, ...(model && { model }) });
    this.source = modelFile ? { kind: "file", path: modelFile } : { kind: "taxonomy" };
  }

  get current(): Classifier {
    return this.classifier;
  }

  get modelSource(): ModelSource {
    return this.source;
  }

  /** Uses the newest retrained model when it is not the one in use. A configured model file always wins. */
  async refresh(db: SqlClient): Promise<boolean> {
    if (this.modelFile) return false;
    const newest = await findNewestModel(db);
    if (!newest || (this.source.kind === "retrained" && this.source.id === newest.id)) return false;
    const parsed = parseModel(newest.model);
    if (!parsed.ok) throw new Error(`classifier model ${newest.id} in the database is unreadable: ${parsed.error}`);
    this.use(parsed.value, newest.id);
    return true;
  }

  /**
   * Trains on the taxonomy's examples plus every label agents gave (a case's text with its corrected category),
   * stores the model and uses it. Labels outside the taxonomy are kept: an agent may know a category the
   * taxonomy file does not list yet.
   */
  async retrain(db: SqlClient, reason: string): Promise<{ id: string; examples: number; labels: number }> {
    if (this.modelFile) {
      throw new RetrainRefusedError(
        `classification.model is set (${this.modelFile}): train a new file with \`plaint train\` from ` +
          "GET /v1/classification/labels instead",
      );
    }
    const corrections = await listLabelExamples(db);
    const examples = [...taxonomyExamples(this.taxonomy), ...corrections];
    const model = trainModel(examples);
    const id = await insertModel(db, {
      serialized: serializeModel(model),
      examples: examples.length,
      labels: model.labels.length,
      reason,
    });
    this.use(model, id);
    return { id, examples: examples.length, labels: model.labels.length };
  }

  private use(model: ClassifierModel, id: string): void {
    this.classifier = createClassifier({ taxonomy: this.taxonomy, triageBelow: this.triageBelow, model });
    this.source = { kind: "retrained", id };
  }
}

/** Retraining does not apply to this hub's configuration. */
export class RetrainRefusedError extends Error {}

export function createClassifierHolder(config: Pick<PlaintConfig, "taxonomy" | "classification">): ClassifierHolder {
  return new ClassifierHolder(taxonomyOf(config), config.classification.triageBelow, config.classification.model);
}

function readModelFile(file: string): ClassifierModel {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(
      `classification.model: cannot read ${file} (${error instanceof Error ? error.message : String(error)}); ` +
        "write one with `plaint train --input FILE.jsonl --out MODEL` or remove the setting",
      { cause: error },
    );
  }
  const parsed = parseModel(text);
  if (!parsed.ok) throw new Error(`classification.model: ${file} is not a Plaint model: ${parsed.error}`);
  return parsed.value;
}
