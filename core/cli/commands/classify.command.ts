import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { loadConfig } from "../../hub";
import { createClassifier, type Classifier } from "../../../normalizers/analysis/classify/classifier";
import { DEFAULT_TAXONOMY } from "../../../normalizers/analysis/classify/default-taxonomy";
import { parseModel } from "../../../normalizers/analysis/classify/model-file";
import type { Taxonomy } from "../../../normalizers/analysis/classify/taxonomy";
import { readSignals } from "../../../normalizers/analysis/signals/index";
import { err, ok, type Result } from "../../kernel/result";

export interface ClassifyCommandOptions {
  /** A model file from `plaint train`; absent, the taxonomy's own model. */
  model?: string | undefined;
  /** PLAINT_CONFIG: its taxonomy is used when it loads and has examples; the command works without it. */
  configPath?: string | undefined;
}

/** Output is written in chunks of about this size: one write per line would dominate the cost of a big input. */
const FLUSH_BYTES = 64 * 1024;

/**
 * `plaint classify`: JSON lines `{"id","text"}` in, one JSON line out per input line, in order. A bad line gets
 * `{"id"?,"error"}` and the run goes on. Returns the exit code: 1 when the model cannot be loaded or any line failed.
 */
export async function runClassify(options: ClassifyCommandOptions, input: Readable, output: Writable): Promise<number> {
  const classifier = openClassifier(options);
  if (!classifier.ok) {
    output.write(`${JSON.stringify(classifier.error)}\n`);
    return 1;
  }
  let pending = "";
  let failures = 0;
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === "") continue;
    // A byte-order mark, as some editors save, would make the first line look like bad JSON.
    const json = lineNumber === 1 ? line.replace(/^\uFEFF/, "") : line;
    const result = classifyLine(classifier.value, json, lineNumber);
    if ("error" in result) failures++;
    pending += `${JSON.stringify(result)}\n`;
    if (pending.length >= FLUSH_BYTES) {
      await writeChunk(output, pending);
      pending = "";
    }
  }
  if (pending !== "") await writeChunk(output, pending);
  return failures === 0 ? 0 : 1;
}

/** Waits for the stream to drain, so a slow reader downstream holds the input back instead of filling memory. */
function writeChunk(output: Writable, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (output.write(chunk)) resolve();
    else output.once("drain", resolve);
  });
}

function openClassifier(options: ClassifyCommandOptions): Result<Classifier, { error: string; message: string }> {
  const taxonomy = configuredTaxonomy(options.configPath) ?? DEFAULT_TAXONOMY;
  if (!options.model) return ok(createClassifier({ taxonomy }));
  let text: string;
  try {
    text = readFileSync(options.model, "utf8");
  } catch (error) {
    return err({ error: "unreadable_file", message: (error as Error).message });
  }
  const model = parseModel(text);
  if (!model.ok) return err({ error: "invalid_model", message: `${options.model}: ${model.error}` });
  return ok(createClassifier({ taxonomy, model: model.value }));
}

/** The config's taxonomy when the config loads and some category has examples to learn from; else null. */
function configuredTaxonomy(configPath: string | undefined): Taxonomy | null {
  if (!configPath || !existsSync(configPath)) return null;
  const loaded = loadConfig(configPath);
  if (!loaded.ok) return null;
  const taxonomy: Taxonomy = loaded.config.taxonomy;
  return taxonomy.categories.some((category) => (category.examples?.length ?? 0) > 0) ? taxonomy : null;
}

function classifyLine(classifier: Classifier, line: string, lineNumber: number): Record<string, unknown> {
  let item: unknown;
  try {
    item = JSON.parse(line);
  } catch {
    return { error: `line ${lineNumber}: not JSON` };
  }
  if (typeof item !== "object" || item === null || Array.isArray(item))
    return { error: `line ${lineNumber}: expected a JSON object` };
  const record = item as Record<string, unknown>;
  const id = record["id"] ?? null;
  const text = record["text"];
  if (typeof text !== "string") return { id, error: `line ${lineNumber}: "text" must be a string` };
  const channel = typeof record["channel"] === "string" ? record["channel"] : undefined;
  const classification = classifier.classify(text);
  const signals = readSignals(text, channel);
  return {
    id,
    category: classification.category,
    confidence: round(classification.confidence),
    kind: signals.kind,
    severity: signals.severity,
    sentiment: signals.sentiment,
    language: signals.language,
    triage: classification.triage,
    evidence: classification.evidence,
    alternatives: classification.alternatives.map((alternative) => ({
      category: alternative.category,
      confidence: round(alternative.confidence),
    })),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
