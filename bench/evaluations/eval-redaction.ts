/**
 * Redaction on the development corpora (../shared/corpora/classify, see its README): how many values the default
 * config masks in real customer texts that hold no card, IBAN or id (every finding there is a false positive), and
 * throughput. `npm run eval:redaction`, or after `npm run build:tools`:  node dist/bench/evaluations/eval-redaction.js [corpora-dir]
 * Prints counts only, never texts. Exits 0 with "skipped: corpus absent" when the folder is not there.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { findCorpora } from "./corpora";
import { readUtterances } from "./eval-signals";
import { redactionConfigSchema } from "../../normalizers/analysis/redaction/redaction.schema";
import { createRedactor, type Redactor } from "../../normalizers/analysis/redaction/redactor";

function bankingTexts(root: string): string[] {
  const lines = readFileSync(path.join(root, "classify", "banking77", "train.csv"), "utf8")
    .split("\n")
    .slice(1);
  // text,category with the text quoted when it holds a comma; the category never does.
  return lines
    .filter((line) => line.length > 0)
    .map((line) => line.slice(0, line.lastIndexOf(",")).replace(/^"|"$/g, ""));
}

function cfpbTexts(root: string): string[] {
  const rows = JSON.parse(readFileSync(path.join(root, "classify", "cfpb-ibm", "cfpb_train.json"), "utf8")) as {
    input: string;
  }[];
  return rows.map((row) => row.input);
}

function countFindings(redactor: Redactor, texts: readonly string[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const text of texts)
    for (const f of redactor.redact(text).findings) totals[f.kind] = (totals[f.kind] ?? 0) + f.count;
  return totals;
}

function perSecond(redactor: Redactor, texts: readonly string[], minMillis = 1500): number {
  let count = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMillis) {
    for (const text of texts) redactor.redact(text);
    count += texts.length;
    elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return Math.round((count / elapsed) * 1000);
}

function main(): void {
  const root = findCorpora("classify", process.argv[2] ?? process.env["PLAINT_CORPORA"]);
  if (root === null) {
    console.log("skipped: corpus absent");
    return;
  }
  const redactor = createRedactor(redactionConfigSchema.parse({}));
  const sets: [string, string[]][] = [
    ["bitext", readUtterances(path.join(root, "classify", "bitext", "utterances.csv")).map((u) => u.text)],
    ["banking77", bankingTexts(root)],
    ["cfpb", cfpbTexts(root)],
  ];
  for (const [name, texts] of sets) {
    const findings = JSON.stringify(countFindings(redactor, texts));
    console.log(
      `${name}: ${texts.length} texts, findings (false positives) ${findings}, ${perSecond(redactor, texts)} texts/s`,
    );
  }
  const megabyte = "Card 4242 4242 4242 4242, order 10023948571623, IBAN DE89 3704 0044 0532 0130 00. ".repeat(12_500);
  const started = process.hrtime.bigint();
  const { findings } = redactor.redact(megabyte);
  const millis = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${megabyte.length} chars with ids: ${Math.round(millis)} ms, findings ${JSON.stringify(findings)}`);
}

if (require.main === module) main();
