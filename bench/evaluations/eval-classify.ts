/**
 * Evaluation of the classifier against the development corpora (../shared/corpora/classify, see its README).
 * `npm run eval:classify`, or after `npm run build:tools`:  node dist/bench/evaluations/eval-classify.js
 * Reads $PLAINT_CORPORA, else ../shared/corpora beside the repository; prints "skipped: corpus absent" and exits 0
 * when it is not there. Prints figures only, never corpus texts; writes bench/results/eval-classify.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findCorpora } from "./corpora";
import { createClassifier } from "../../normalizers/analysis/classify/classifier";
import { calibrationError, loadBanking77, loadBitext, loadCfpb, score, type Split } from "./classify-corpus-data";
import { DEFAULT_TAXONOMY } from "../../normalizers/analysis/classify/default-taxonomy";
import { trainModel, type Example, type TrainOptions } from "../../normalizers/analysis/classify/model";
import { seededRandom, shuffleInPlace } from "../../core/kernel/random";
import bitextCategories from "../../normalizers/analysis/classify/bitext-categories.json";

/**
 * Settings per corpus. CFPB: few (700) long narratives, so weight decay keeps the model from memorising them and
 * class balancing stops the largest class from absorbing the rest. Banking77: many short lines, plain SGD does best.
 * Both drop n-grams seen in only one training text: the same accuracy from a model file half the size.
 */
export const CORPUS_OPTIONS = {
  cfpb: { epochs: 30, learningRate: 1, l2: 0.002, balance: true, minCount: 2 },
  banking77: { epochs: 20, learningRate: 0.5, minCount: 2 },
  bitext: { epochs: 10, learningRate: 0.5, minCount: 2 },
} satisfies Record<string, Partial<TrainOptions>>;

export interface SplitResult {
  train: number;
  test: number;
  labels: number;
  accuracy: number;
  macroF1: number;
  /** Expected calibration error of the confidences (10 bins). */
  calibrationError: number;
  baselineAccuracy: number;
  baselineMacroF1: number;
  trainSeconds: number;
  messagesPerSecond: number;
}

/** Trains on the split's train part and scores its test part next to always answering the commonest label. */
export function evaluateSplit(split: Split, options: Partial<TrainOptions>, measureSpeed = true): SplitResult {
  const started = process.hrtime.bigint();
  const model = trainModel(split.train, options);
  const trainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const classifier = createClassifier({ taxonomy: { categories: [] }, model });
  const texts = split.test.map((example) => example.text);
  const truth = split.test.map((example) => example.label);
  const results = texts.map((text) => classifier.classify(text));
  const quality = score(
    truth,
    results.map((result) => result.category),
  );
  const majority = commonest(split.train.map((example) => example.label));
  const baseline = score(
    truth,
    truth.map(() => majority),
  );
  return {
    train: split.train.length,
    test: split.test.length,
    labels: model.labels.length,
    accuracy: quality.accuracy,
    macroF1: quality.macroF1,
    calibrationError: calibrationError(
      results.map((result, i) => ({ confidence: result.confidence, correct: result.category === truth[i] })),
    ),
    baselineAccuracy: baseline.accuracy,
    baselineMacroF1: baseline.macroF1,
    trainSeconds,
    messagesPerSecond: measureSpeed ? throughput(texts, (text) => classifier.classify(text)) : 0,
  };
}

function commonest(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "";
}

/**
 * Messages per second on one core: the test texts classified over and over for at least two seconds of this
 * process's CPU time. CPU time rather than wall time, so other work on a shared machine does not count against us.
 */
function throughput(texts: string[], classify: (text: string) => unknown): number {
  const cpuSeconds = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const started = cpuSeconds();
  let done = 0;
  let elapsed: number;
  do {
    for (const text of texts) classify(text);
    done += texts.length;
    elapsed = cpuSeconds() - started;
  } while (elapsed < 2);
  return done / elapsed;
}

const intentMap = bitextCategories.intents as Record<string, { category: string; why: string }>;

/** Bitext utterances with their intent replaced by the mapped default-taxonomy id. */
export function mappedBitext(classifyDir: string): Example[] {
  return loadBitext(classifyDir).flatMap((example) => {
    const category = intentMap[example.label]?.category;
    return category ? [{ text: example.text, label: category }] : [];
  });
}

function evaluateBitext(classifyDir: string) {
  const examples = mappedBitext(classifyDir);
  const started = process.hrtime.bigint();
  const shipped = createClassifier({ taxonomy: DEFAULT_TAXONOMY });
  const createSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const results = examples.map((example) => shipped.classify(example.text));
  const correct = results.map((result, i) => result.category === examples[i]?.label);
  const shuffled = examples.slice();
  shuffleInPlace(shuffled, seededRandom(42));
  const cut = Math.floor(shuffled.length * 0.8);
  return {
    utterances: examples.length,
    defaultTaxonomy: {
      ...score(
        examples.map((example) => example.label),
        results.map((result) => result.category),
      ),
      calibrationError: calibrationError(results.map((result, i) => ({ ...result, correct: correct[i] === true }))),
      createSeconds,
      messagesPerSecond: throughput(
        examples.slice(0, 2000).map((example) => example.text),
        (text) => shipped.classify(text),
      ),
    },
    trainedOnSplit: evaluateSplit({ train: shuffled.slice(0, cut), test: shuffled.slice(cut) }, CORPUS_OPTIONS.bitext),
  };
}

function repositoryRoot(): string {
  // From dist/bench/evaluations when compiled, from bench/evaluations under ts tooling.
  return __dirname.split(path.sep).includes("dist")
    ? path.resolve(__dirname, "../../..")
    : path.resolve(__dirname, "../..");
}

type Row = { accuracy: number; macroF1: number; calibrationError?: number };

function row(name: string, result: Row, extra = ""): string {
  const figures = [result.accuracy, result.macroF1, result.calibrationError].map((value) =>
    (value === undefined ? "" : value.toFixed(3)).padStart(8),
  );
  return `${name.padEnd(36)} ${figures.join(" ")}  ${extra}`.trimEnd();
}

function baseline(result: SplitResult): string {
  return row("  majority baseline", { accuracy: result.baselineAccuracy, macroF1: result.baselineMacroF1 });
}

function formatTable(cfpb: SplitResult, banking77: SplitResult, bitext: ReturnType<typeof evaluateBitext>): string {
  const speed = (r: SplitResult) => `train ${r.trainSeconds.toFixed(2)} s, ${Math.round(r.messagesPerSecond)} msg/s`;
  const split = bitext.trainedOnSplit;
  const shipped = bitext.defaultTaxonomy;
  return [
    `${"".padEnd(36)} ${"accuracy".padStart(8)} ${"macro-F1".padStart(8)} ${"ECE".padStart(8)}`,
    row(`cfpb (${cfpb.train}/${cfpb.test}, ${cfpb.labels} labels)`, cfpb, speed(cfpb)),
    baseline(cfpb),
    row(`banking77 (${banking77.train}/${banking77.test}, ${banking77.labels} labels)`, banking77, speed(banking77)),
    baseline(banking77),
    row(
      `bitext, default taxonomy (${bitext.utterances})`,
      shipped,
      `created in ${shipped.createSeconds.toFixed(2)} s, ${Math.round(shipped.messagesPerSecond)} msg/s`,
    ),
    row(`bitext, trained 80/20 (${split.train}/${split.test})`, split, speed(split)),
    baseline(split),
  ].join("\n");
}

function main(): number {
  const corpora = findCorpora("classify");
  if (corpora === null) {
    const looked = process.env["PLAINT_CORPORA"] ?? path.resolve(repositoryRoot(), "../shared/corpora");
    process.stdout.write(`skipped: corpus absent (looked in ${looked})\n`);
    return 0;
  }
  const classifyDir = path.join(corpora, "classify");
  const cfpb = evaluateSplit(loadCfpb(classifyDir), CORPUS_OPTIONS.cfpb);
  const banking77 = evaluateSplit(loadBanking77(classifyDir), CORPUS_OPTIONS.banking77);
  const bitext = evaluateBitext(classifyDir);
  process.stdout.write(`${formatTable(cfpb, banking77, bitext)}\n`);
  const out = path.join(repositoryRoot(), "bench/results/eval-classify.json");
  mkdirSync(path.dirname(out), { recursive: true });
  const results = { node: process.version, options: CORPUS_OPTIONS, cfpb, banking77, bitext };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`written ${path.relative(process.cwd(), out)}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main();
