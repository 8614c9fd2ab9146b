/**
 * Readers for the classification corpora (../shared/corpora/classify, see its README): CFPB narratives (JSON),
 * Banking77 (CSV) and Bitext (CSV with a byte-order mark). Used by the evaluation script and the corpus test only.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Example } from "../../normalizers/analysis/classify/model";

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. Returns rows of fields. */
export function parseCsv(source: string): string[][] {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** CSV rows as objects keyed by the header row. */
export function readCsvRecords(file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(file, "utf8"));
  if (!header) return [];
  return rows
    .filter((row) => row.length === header.length)
    .map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ""])));
}

export interface Split {
  train: Example[];
  test: Example[];
}

export function loadCfpb(classifyDir: string): Split {
  const read = (name: string): Example[] =>
    (
      JSON.parse(readFileSync(path.join(classifyDir, "cfpb-ibm", name), "utf8")) as { input: string; output: string }[]
    ).map((item) => ({ text: item.input, label: item.output }));
  return { train: read("cfpb_train.json"), test: read("cfpb_test.json") };
}

export function loadBanking77(classifyDir: string): Split {
  const read = (name: string): Example[] =>
    readCsvRecords(path.join(classifyDir, "banking77", name)).map((row) => ({
      text: row["text"] ?? "",
      label: row["category"] ?? "",
    }));
  return { train: read("train.csv"), test: read("test.csv") };
}

/** Bitext utterances with their intent as the label. */
export function loadBitext(classifyDir: string): Example[] {
  return readCsvRecords(path.join(classifyDir, "bitext", "utterances.csv")).map((row) => ({
    text: row["utterance"] ?? "",
    label: row["intent"] ?? "",
  }));
}

/** Accuracy and macro-F1 (the mean of per-label F1 over every label seen in truth or prediction). */
export function score(truth: string[], predicted: string[]): { accuracy: number; macroF1: number } {
  const labels = new Set([...truth, ...predicted]);
  let correct = 0;
  const stats = new Map<string, { tp: number; fp: number; fn: number }>();
  for (const label of labels) stats.set(label, { tp: 0, fp: 0, fn: 0 });
  truth.forEach((label, i) => {
    const guess = predicted[i] as string;
    if (guess === label) {
      correct++;
      (stats.get(label) as { tp: number }).tp++;
    } else {
      (stats.get(label) as { fn: number }).fn++;
      (stats.get(guess) as { fp: number }).fp++;
    }
  });
  let f1Sum = 0;
  for (const { tp, fp, fn } of stats.values()) f1Sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { accuracy: truth.length ? correct / truth.length : 0, macroF1: labels.size ? f1Sum / labels.size : 0 };
}

/**
 * Expected calibration error: predictions grouped in ten confidence bins, the gap between each bin's mean confidence
 * and its accuracy, weighted by the bin's share. 0 means a confidence of 0.8 is right 80% of the time.
 */
export function calibrationError(predictions: { confidence: number; correct: boolean }[]): number {
  const bins = Array.from({ length: 10 }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (const { confidence, correct } of predictions) {
    const bin = bins[Math.min(9, Math.floor(confidence * 10))] as {
      count: number;
      confidence: number;
      correct: number;
    };
    bin.count++;
    bin.confidence += confidence;
    bin.correct += correct ? 1 : 0;
  }
  const total = predictions.length || 1;
  return bins.reduce((sum, bin) => sum + Math.abs(bin.confidence - bin.correct) / total, 0);
}
