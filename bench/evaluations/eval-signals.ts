/**
 * Evaluation of readSignals against the Bitext utterances (../shared/corpora/classify/bitext, see its README).
 * `npm run eval:signals`, or after `npm run build:tools`:  node dist/bench/evaluations/eval-signals.js [corpora-dir]
 * Mapping of Bitext intents to kinds: complaint → complaint, review → feedback, every other intent → question
 * (Bitext has no spam and no "other"). Prints counts and rates only, never texts. Exits 0 with
 * "skipped: corpus absent" when the folder is not there.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { findCorpora } from "./corpora";
import { MESSAGE_KINDS, readSignals, type MessageKind } from "../../normalizers/analysis/signals/index";

export interface Utterance {
  text: string;
  intent: string;
}

/** The Bitext intent mapping used for kind accuracy. */
export function expectedKind(intent: string): MessageKind {
  return intent === "complaint" ? "complaint" : intent === "review" ? "feedback" : "question";
}

/** Reads utterances.csv: flags,utterance,category,intent with RFC 4180 quoting. */
export function readUtterances(file: string): Utterance[] {
  const rows = parseCsv(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  const header = rows.shift() ?? [];
  const textAt = header.indexOf("utterance");
  const intentAt = header.indexOf("intent");
  return rows
    .filter((row) => row.length > Math.max(textAt, intentAt))
    .map((row) => ({ text: row[textAt] as string, intent: row[intentAt] as string }));
}

function parseCsv(input: string): string[][] {
  const rows: string[][] = [];
  const cell = /(?:"((?:[^"]|"")*)"|([^",\r\n]*))(,|\r?\n|$)/gy;
  let row: string[] = [];
  while (cell.lastIndex < input.length) {
    const m = cell.exec(input);
    if (m === null) break;
    row.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ""));
    if (m[3] !== ",") {
      rows.push(row);
      row = [];
    }
    if (m[0].length === 0) cell.lastIndex++;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

export interface KindReport {
  total: number;
  accuracy: number;
  perKind: Record<MessageKind, { precision: number; recall: number; support: number; predicted: number }>;
  /** Predicted kinds per Bitext intent, for reading where the mapping and the reading disagree. */
  byIntent: Record<string, Partial<Record<MessageKind, number>>>;
}

/**
 * A second reading of the same corpus: Bitext files "I got an error paying, my card was charged anyway" under
 * payment_issue, which a complaint hub treats as a complaint (a problem report). Reported beside the brief's mapping.
 */
export function problemReportKind(intent: string): MessageKind {
  return intent === "payment_issue" || intent === "registration_problems" ? "complaint" : expectedKind(intent);
}

export function evaluateKinds(utterances: readonly Utterance[], mapping = expectedKind): KindReport {
  const tp: Record<string, number> = {};
  const predicted: Record<string, number> = {};
  const support: Record<string, number> = {};
  const byIntent: KindReport["byIntent"] = {};
  let correct = 0;
  for (const u of utterances) {
    const want = mapping(u.intent);
    const got = readSignals(u.text).kind;
    support[want] = (support[want] ?? 0) + 1;
    predicted[got] = (predicted[got] ?? 0) + 1;
    if (want === got) {
      correct++;
      tp[got] = (tp[got] ?? 0) + 1;
    }
    const row = (byIntent[u.intent] ??= {});
    row[got] = (row[got] ?? 0) + 1;
  }
  const perKind = {} as KindReport["perKind"];
  for (const kind of MESSAGE_KINDS) {
    const hit = tp[kind] ?? 0;
    perKind[kind] = {
      precision: ratio(hit, predicted[kind] ?? 0),
      recall: ratio(hit, support[kind] ?? 0),
      support: support[kind] ?? 0,
      predicted: predicted[kind] ?? 0,
    };
  }
  return { total: utterances.length, accuracy: ratio(correct, utterances.length), perKind, byIntent };
}

/** Messages per second of readSignals on this process's one core, after a warm-up pass. */
export function measureThroughput(texts: readonly string[], minMillis = 2000): number {
  for (const text of texts.slice(0, 2000)) readSignals(text, "email");
  let count = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMillis) {
    for (const text of texts) readSignals(text, "whatsapp");
    count += texts.length;
    elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return Math.round((count / elapsed) * 1000);
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 1000) / 1000;
}

function main(): void {
  const root = findCorpora("classify", process.argv[2] ?? process.env["PLAINT_CORPORA"]);
  if (root === null) {
    console.log("skipped: corpus absent");
    return;
  }
  const utterances = readUtterances(path.join(root, "classify", "bitext", "utterances.csv"));
  const report = evaluateKinds(utterances);
  printReport("complaint → complaint, review → feedback, rest → question", report);
  printReport(
    "same, plus payment_issue and registration_problems → complaint",
    evaluateKinds(utterances, problemReportKind),
  );
  console.log("predicted kinds per intent:");
  for (const [intent, row] of Object.entries(report.byIntent).sort())
    console.log(`  ${intent.padEnd(26)} ${JSON.stringify(row)}`);
  const cfpb = readCfpbNarratives(path.join(root, "classify", "cfpb-ibm", "cfpb_train.json"));
  if (cfpb !== null)
    console.log(`cfpb narratives (all real complaints): ${cfpb.length}, read as ${JSON.stringify(tally(cfpb))}`);
  const perSecond = measureThroughput(utterances.map((u) => u.text));
  console.log(
    `readSignals throughput: ${perSecond} messages/s (one core, mean ${Math.round(avgLength(utterances))} chars)`,
  );
}

/** CFPB complaint narratives (lower-cased, stop words removed by the source): every one is a complaint. */
function readCfpbNarratives(file: string): string[] | null {
  try {
    const rows = JSON.parse(readFileSync(file, "utf8")) as { input: string }[];
    return rows.map((row) => row.input.replace(/^[\s\S]*?Comment: /, "").replace(/\nProduct:\s*$/, ""));
  } catch {
    return null;
  }
}

function tally(texts: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const text of texts) {
    const { kind, severity } = readSignals(text);
    counts[kind] = (counts[kind] ?? 0) + 1;
    counts[`severity ${severity}`] = (counts[`severity ${severity}`] ?? 0) + 1;
  }
  return counts;
}

function printReport(title: string, report: KindReport): void {
  console.log(`bitext utterances: ${report.total}; mapping: ${title}; kind accuracy ${report.accuracy}`);
  for (const [kind, r] of Object.entries(report.perKind)) {
    console.log(
      `  ${kind.padEnd(10)} precision ${r.precision}  recall ${r.recall}  support ${r.support}  predicted ${r.predicted}`,
    );
  }
}

function avgLength(utterances: readonly Utterance[]): number {
  return utterances.reduce((sum, u) => sum + u.text.length, 0) / Math.max(1, utterances.length);
}

if (require.main === module) main();
