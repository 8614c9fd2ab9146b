import { createReadStream, openSync, closeSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { trainModel, type Example } from "../../../normalizers/analysis/classify/model";
import { serializeModel } from "../../../normalizers/analysis/classify/model-file";
import { err, ok, type Result } from "../../kernel/result";

export interface TrainCommandOptions {
  /** JSON lines with a `text` field and a label field. */
  input?: string | undefined;
  /** The label field. Default `category`. */
  label?: string | undefined;
  /** Where the model file is written. */
  out?: string | undefined;
}

type TrainError = { error: string; message: string; line?: number };

/**
 * `plaint train`: labelled JSON lines → a model file. Prints one JSON line, the summary
 * `{"examples","labels","seconds","out"}` or an error naming the line at fault. Returns the exit code.
 */
export async function runTrain(options: TrainCommandOptions, write: (line: string) => void): Promise<number> {
  const fail = (error: TrainError): number => {
    write(JSON.stringify(error));
    return 1;
  };
  if (!options.input || !options.out)
    return fail({ error: "usage", message: "plaint train --input FILE.jsonl [--label FIELD] --out MODEL" });
  const started = process.hrtime.bigint();
  const read = await readExamples(options.input, options.label ?? "category");
  if (!read.ok) return fail(read.error);
  const labels = new Set(read.value.map((example) => example.label));
  if (labels.size < 2)
    return fail({ error: "too_few_labels", message: `need at least two different labels, found ${labels.size}` });
  // On a large set, n-grams seen in one text only help memorise it: dropping them halves the model file at no cost
  // in accuracy (Banking77). On a small set they are much of what there is to learn from.
  const model = trainModel(read.value, { minCount: read.value.length >= 1000 ? 2 : 1 });
  try {
    writeFileSync(options.out, serializeModel(model));
  } catch (error) {
    return fail({ error: "unwritable_file", message: (error as Error).message });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  write(
    JSON.stringify({
      examples: model.examples,
      labels: model.labels.length,
      seconds: round(seconds),
      out: options.out,
    }),
  );
  return 0;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Streams the file line by line; the first bad line stops the run, since a model from half the data misleads. */
async function readExamples(file: string, labelField: string): Promise<Result<Example[], TrainError>> {
  try {
    closeSync(openSync(file, "r"));
  } catch (error) {
    return err({ error: "unreadable_file", message: (error as Error).message });
  }
  const examples: Example[] = [];
  let lineNumber = 0;
  for await (const line of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === "") continue;
    // A byte-order mark, as some editors save, would make the first line look like bad JSON.
    const json = lineNumber === 1 ? line.replace(/^\uFEFF/, "") : line;
    const example = parseExample(json, labelField, lineNumber);
    if (!example.ok) return example;
    examples.push(example.value);
  }
  if (examples.length === 0) return err({ error: "no_examples", message: `${file} has no examples` });
  return ok(examples);
}

function parseExample(line: string, labelField: string, lineNumber: number): Result<Example, TrainError> {
  let item: unknown;
  try {
    item = JSON.parse(line);
  } catch (error) {
    return err({ error: "bad_json", line: lineNumber, message: `line ${lineNumber}: ${(error as Error).message}` });
  }
  const record = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {};
  const text = record["text"];
  if (typeof text !== "string" || text.trim() === "")
    return err({
      error: "missing_text",
      line: lineNumber,
      message: `line ${lineNumber}: "text" must be a non-empty string`,
    });
  const label = record[labelField];
  if ((typeof label !== "string" || label.trim() === "") && typeof label !== "number")
    return err({
      error: "missing_label",
      line: lineNumber,
      message: `line ${lineNumber}: "${labelField}" must be a non-empty string or a number`,
    });
  return ok({ text, label: String(label) });
}
