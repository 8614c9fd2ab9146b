/**
 * Evaluation of "is this the same complaint?" on labelled pairs built from the classification corpora
 * (../shared/corpora/classify, see its README).
 * `npm run eval:matching`, or after `npm run build:tools`:  node dist/bench/evaluations/eval-matching.js [corpora-dir]
 * Without an argument it reads $PLAINT_CORPORA, else ../shared/corpora beside the repository. Exits 0, printing
 * "skipped: corpus absent (looked in …)" when the folder is not there.
 *
 * The pairs (built in matching-pairs.ts, seeded, identical on every run; its header has the details):
 * - "tune" pairs come from banking77 train.csv, even bitext rows and cfpb_train.json; "report" pairs from
 *   test.csv, odd bitext rows and cfpb_test.json. Measures are compared and the threshold is chosen on "tune";
 *   every figure that counts is on "report".
 * - Per corpus, 500 / 400 / 150 base complaints (banking77 / bitext / CFPB). Each gives two same-complaint pairs
 *   (cross-channel resends: email → SMS cut, email → terse SMS, email → web form, SMS → chat, web form → retyped;
 *   the case holds one version, sometimes two) and two different-complaint pairs of the same customer (another
 *   intent of the same gold category — the hard negatives — and one of another category).
 * - Secondary, outside the main score: two different texts of the same intent (banking77, bitext), i.e. two people
 *   asking about the same kind of thing. Only the share that would join is reported: the corpora cannot say
 *   whether such a pair is one complaint.
 * - "Same category" is the corpora's gold category (banking77 intents grouped into seven categories by us, bitext's
 *   own categories, CFPB's product), so the figures with the category rule are an upper bound for the classifier;
 *   the line "as the pipeline" makes the pipeline's own decision: the default taxonomy classifier's categories, and a
 *   near-copy (similarity ≥ textAloneThreshold) joining whatever the categories.
 *
 * Prints figures only, never corpus text. Writes bench/results/eval-matching.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findCorpora } from "./corpora";
import { findPackageRoot } from "../../core/kernel/db/migrate";
import { createClassifier, DEFAULT_TAXONOMY } from "../../normalizers/analysis/classify/index";
import { fingerprintFigures, timing } from "./eval-fingerprint-speed";
import {
  chooseDefaultThreshold,
  figuresAt,
  figuresPerType,
  scorePairs,
  splitPairs,
  sweep,
  targetPrecision,
  targetRecall,
  thresholdGrid,
  withCategoryRule,
  type ScoredLabelledPair,
} from "./matching-evaluation";
import { chooseThreshold, type MatchingFigures } from "./matching-metrics";
import type { LabelledPair } from "./matching-pairs";
import { DEFAULT_MATCHING, sameComplaint } from "../../normalizers/analysis/similarity/same-complaint";
import { similarityCandidates } from "../../normalizers/analysis/similarity/similarity-candidates";

const percent = (value: number): string => value.toFixed(3);

function figuresLine(label: string, row: MatchingFigures): string {
  return `${label.padEnd(34)} P ${percent(row.precision)}  R ${percent(row.recall)}  F1 ${percent(row.f1)}  (TP ${row.truePositives}, FP ${row.falsePositives}, FN ${row.falseNegatives}, TN ${row.trueNegatives})`;
}

/**
 * Each candidate measure, text only: on the tune pairs, the best recall at precision ≥ 0.99 and ≥ 0.98 and the
 * hard negatives joined at the first; then that threshold applied to the report pairs.
 */
function compareCandidates(tune: LabelledPair[], report: LabelledPair[]): object[] {
  console.log("\n== similarity measures compared (text only, no category rule; thresholds chosen on tune) ==");
  console.log(
    "measure                        t@P≥.99  R@P≥.99  t@P≥.98  R@P≥.98  hard-neg joins@t.99  report P@t.99  report R@t.99  pairs/s",
  );
  return similarityCandidates.map((candidate) => {
    const started = process.hrtime.bigint();
    const scored = scorePairs(tune, (pair) =>
      pair.caseTexts.reduce((best, text) => Math.max(best, candidate.similarity(pair.newText, text)), 0),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const comparisons = tune.reduce((sum, pair) => sum + pair.caseTexts.length, 0);
    const grid = sweep(withCategoryRule(scored, false), thresholdGrid(0.05, 0.95, 0.01));
    const strict = chooseThreshold(grid, 0.99);
    const target = chooseThreshold(grid, 0.98);
    const hard = scored.filter((pair) => pair.type === "other-intent-same-category");
    const hardJoins =
      strict === null ? null : hard.filter((pair) => pair.score >= strict.threshold).length / hard.length;
    const similarity = (pair: LabelledPair): number =>
      pair.caseTexts.reduce((best, text) => Math.max(best, candidate.similarity(pair.newText, text)), 0);
    // Text only on the report pairs too, like the tune columns.
    const held =
      strict === null ? null : figuresAt(withCategoryRule(scorePairs(report, similarity), false), strict.threshold);
    const row = {
      name: candidate.name,
      description: candidate.description,
      thresholdAtPrecision99: strict?.threshold ?? null,
      recallAtPrecision99: strict?.recall ?? null,
      thresholdAtPrecision98: target?.threshold ?? null,
      recallAtPrecision98: target?.recall ?? null,
      hardNegativeJoinRate: hardJoins,
      reportPrecision: held?.precision ?? null,
      reportRecall: held?.recall ?? null,
      pairsPerSecond: Math.round(comparisons / seconds),
    };
    const cell = (value: number | null | undefined): string =>
      value === null || value === undefined ? "  -  " : percent(value);
    console.log(
      `${candidate.name.padEnd(30)} ${cell(row.thresholdAtPrecision99).padStart(7)}  ${cell(row.recallAtPrecision99).padStart(7)}  ${cell(row.thresholdAtPrecision98).padStart(7)}  ${cell(row.recallAtPrecision98).padStart(7)}  ${cell(hardJoins).padStart(19)}  ${cell(row.reportPrecision).padStart(13)}  ${cell(row.reportRecall).padStart(13)}  ${String(row.pairsPerSecond).padStart(7)}`,
    );
    return row;
  });
}

function printSweep(pairs: ScoredLabelledPair[]): object[] {
  console.log("\n== threshold sweep, report pairs ==");
  console.log("threshold | text only: P      R      F1    | same gold category: P      R      F1");
  const textOnly = sweep(withCategoryRule(pairs, false), thresholdGrid(0.3, 0.8, 0.02));
  const withCategory = sweep(withCategoryRule(pairs, true), thresholdGrid(0.3, 0.8, 0.02));
  return textOnly.map((row, index) => {
    const other = withCategory[index] as MatchingFigures;
    const mark = row.threshold === DEFAULT_MATCHING.threshold ? " ◀ default" : "";
    console.log(
      `  ${row.threshold.toFixed(2)}    |        ${percent(row.precision)}  ${percent(row.recall)}  ${percent(row.f1)} |                     ${percent(other.precision)}  ${percent(other.recall)}  ${percent(other.f1)}${mark}`,
    );
    return { threshold: row.threshold, textOnly: row, sameCategory: other };
  });
}

function printPerType(pairs: ScoredLabelledPair[]): object[] {
  const threshold = DEFAULT_MATCHING.threshold;
  console.log(
    `\n== per pair type at threshold ${threshold} (join rate: recall for resends, false joins for the others) ==`,
  );
  const order = (rows: ReturnType<typeof figuresPerType>): ReturnType<typeof figuresPerType> =>
    rows.sort((a, b) =>
      a.source === b.source
        ? a.type.localeCompare(b.type)
        : a.source === "all"
          ? -1
          : b.source === "all"
            ? 1
            : a.source.localeCompare(b.source),
    );
  const textOnly = order(figuresPerType(withCategoryRule(pairs, false), threshold));
  const withCategory = order(figuresPerType(withCategoryRule(pairs, true), threshold));
  return textOnly.map((row, index) => {
    const other = withCategory[index];
    console.log(
      `${row.type.padEnd(28)} ${row.source.padEnd(10)} n=${String(row.pairs).padStart(4)}  text only ${percent(row.joinRate)}  same category ${percent(other?.joinRate ?? 0)}`,
    );
    return { ...row, joinRateSameCategory: other?.joinRate ?? null };
  });
}

function printSameIntent(pairs: LabelledPair[]): object[] {
  console.log("\n== secondary: same intent, another writer (not one customer's resend; not in the main score) ==");
  const scored = scorePairs(pairs);
  return figuresPerType(withCategoryRule(scored, false), DEFAULT_MATCHING.threshold)
    .filter((row) => row.source !== "all")
    .map((row) => {
      console.log(`${row.source.padEnd(10)} n=${row.pairs}  would join: ${percent(row.joinRate)}`);
      return row;
    });
}

/**
 * The decision as the pipeline makes it: the categories are not the corpora's gold ones but what the shipped default
 * taxonomy's classifier says (its best guess, as the matcher uses it), for the new text and for the case's first text.
 */
function asThePipelineDecides(pairs: LabelledPair[], threshold: number): MatchingFigures {
  const classifier = createClassifier({ taxonomy: DEFAULT_TAXONOMY });
  const categoryOf = (text: string): string => classifier.classify(text).category;
  const decided = pairs.map((pair) => {
    const decision = sameComplaint(
      { ...pair, newCategory: categoryOf(pair.newText), caseCategory: categoryOf(pair.caseTexts[0] ?? "") },
      { ...DEFAULT_MATCHING, threshold },
    );
    return {
      type: pair.type,
      source: pair.source,
      same: pair.same === true,
      score: decision.join ? 1 : 0,
      categoryAllows: true,
    };
  });
  return figuresAt(decided, 0.5);
}

function main(): void {
  const explicit = process.argv[2] ?? process.env["PLAINT_CORPORA"];
  const corporaDir = findCorpora("classify", explicit);
  if (corporaDir === null) {
    const looked = explicit ?? path.resolve(findPackageRoot(__dirname), "../shared/corpora");
    console.log(`skipped: corpus absent (looked in ${looked})`);
    return;
  }
  const tune = splitPairs(corporaDir, "tune");
  const report = splitPairs(corporaDir, "report");
  console.log(`corpora: ${corporaDir}`);
  console.log(
    `pairs: tune ${tune.main.length} (+${tune.sameIntent.length} secondary), report ${report.main.length} (+${report.sameIntent.length} secondary)`,
  );
  const candidates = compareCandidates(tune.main, report.main);

  const tuneScored = scorePairs(tune.main);
  const chosen = chooseDefaultThreshold(tuneScored);
  console.log(
    `\n== threshold choice on the tune pairs: precision ≥ ${targetPrecision} + 0.01 margin by text alone, then recall ==`,
  );
  console.log(
    chosen === null ? "no threshold reaches the precision" : figuresLine(`chosen ${chosen.threshold}`, chosen),
  );
  if (chosen !== null && chosen.threshold !== DEFAULT_MATCHING.threshold) {
    console.log(
      `NOTE: DEFAULT_MATCHING.threshold is ${DEFAULT_MATCHING.threshold}; the rule now picks ${chosen.threshold}`,
    );
  }

  const reportScored = scorePairs(report.main);
  const threshold = DEFAULT_MATCHING.threshold;
  const textOnly = figuresAt(withCategoryRule(reportScored, false), threshold);
  const withCategory = figuresAt(withCategoryRule(reportScored, true), threshold);
  // The decision function itself, on the report pairs, must agree with the figures computed from the scores.
  const decided = report.main.filter((pair) => sameComplaint(pair, DEFAULT_MATCHING).join).length;
  console.log(`\n== report pairs at DEFAULT_MATCHING (threshold ${threshold}) ==`);
  console.log(figuresLine("text only", textOnly));
  console.log(figuresLine("same gold category required", withCategory));
  console.log(
    `sameComplaint() joins ${decided} pairs (TP + FP with the category rule: ${withCategory.truePositives + withCategory.falsePositives})`,
  );
  // Pairs here are 1 : 1; a customer with several open cases gives each new message more wrong cases to meet.
  const atRatio = (row: MatchingFigures, negativesPerPositive: number): number => {
    const recall = row.recall;
    const falseJoinRate = row.falsePositives / (row.falsePositives + row.trueNegatives);
    return recall / (recall + negativesPerPositive * falseJoinRate);
  };
  const prevalence = [1, 3, 5, 10].map((ratio) => ({
    negativesPerPositive: ratio,
    precisionTextOnly: atRatio(textOnly, ratio),
    precisionSameCategory: atRatio(withCategory, ratio),
  }));
  console.log(
    `precision if each resend came with k different-complaint pairs: ${prevalence
      .map(
        (row) =>
          `k=${row.negativesPerPositive}: ${percent(row.precisionTextOnly)} / ${percent(row.precisionSameCategory)}`,
      )
      .join("; ")} (text only / with category)`,
  );
  const verdict = (row: MatchingFigures): string =>
    `precision ${row.precision >= targetPrecision ? "PASS" : "FAIL"} (≥ ${targetPrecision}), recall ${row.recall >= targetRecall ? "PASS" : "FAIL"} (≥ ${targetRecall})`;
  console.log(`targets, text only: ${verdict(textOnly)}; with category: ${verdict(withCategory)}`);
  const pipeline = asThePipelineDecides(report.main, threshold);
  console.log(figuresLine("as the pipeline (shipped classifier)", pipeline));
  console.log(`targets, as the pipeline decides: ${verdict(pipeline)}`);

  const result = {
    generatedAt: new Date().toISOString(),
    measure: "containment of character 4-grams of the normalised texts (similarity.ts)",
    defaultMatching: DEFAULT_MATCHING,
    pairs: { tune: tune.main.length, report: report.main.length, secondaryReport: report.sameIntent.length },
    candidatesOnTune: candidates,
    choiceOnTune: chosen,
    report: {
      textOnly,
      sameGoldCategory: withCategory,
      shippedClassifierCategory: pipeline,
      precisionAtOtherRatios: prevalence,
      sweep: printSweep(reportScored),
      perType: printPerType(reportScored),
    },
    secondarySameIntent: printSameIntent(report.sameIntent),
    fingerprint: fingerprintFigures(corporaDir),
    speed: timing(report.main),
  };
  const out = path.resolve(__dirname, "../../../bench/results/eval-matching.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

main();
