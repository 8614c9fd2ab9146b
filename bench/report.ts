import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface TableRow {
  mode: string;
  metric: string;
  value: string;
  target: string;
  /** true / false against a target; null when the row only informs. */
  pass: boolean | null;
}

/** `firstColumn` names the `mode` column (the channels bench's rows are per channel). */
/** The row that says whether the machine was quiet enough to trust the figures above it. */
export function otherCpuRow(mode: string, label: string, otherPercent: number, quietPercent: number): TableRow {
  return {
    mode,
    metric: `other processes' CPU during measurement${label}`,
    value: `${otherPercent} % of a core`,
    target: `≤ ${quietPercent} % to trust`,
    pass: null,
  };
}

export function formatTable(rows: readonly TableRow[], firstColumn = "mode"): string {
  const header = { mode: firstColumn, metric: "metric", value: "value", target: "target", pass: "pass?" };
  const cells = rows.map((row) => ({ ...row, pass: row.pass === null ? "-" : row.pass ? "PASS" : "FAIL" }));
  const all = [header, ...cells];
  const width = (key: keyof typeof header) => Math.max(...all.map((row) => row[key].length));
  const widths = {
    mode: width("mode"),
    metric: width("metric"),
    value: width("value"),
    target: width("target"),
    pass: width("pass"),
  };
  const line = (row: typeof header) =>
    `| ${row.mode.padEnd(widths.mode)} | ${row.metric.padEnd(widths.metric)} | ${row.value.padStart(widths.value)} | ${row.target.padEnd(widths.target)} | ${row.pass.padEnd(widths.pass)} |`;
  const rule = `|${Object.values(widths)
    .map((w) => "-".repeat(w + 2))
    .join("|")}|`;
  return [line(header), rule, ...cells.map(line)].join("\n");
}

/**
 * Writes bench/results/<suite>-<ISO time>.json and the suite's latest copy (bench/results/latest.json for the
 * intake bench, latest-<suite>.json for the others); returns the first path.
 */
export function writeResults(results: unknown, startedAt: Date, suite = "intake"): string {
  const folder = path.resolve(__dirname, "../../bench/results");
  mkdirSync(folder, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const file = path.join(folder, `${suite}-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, text);
  writeFileSync(path.join(folder, latestName(suite)), text);
  return file;
}

function latestName(suite: string): string {
  return suite === "intake" ? "latest.json" : `latest-${suite}.json`;
}

/**
 * The end of a bench run: writes the results, prints the table, what was disturbed or broke, and where the results
 * are. Returns the exit code: 1 when something broke (a missed target does not count).
 */
export function finishRun(
  results: unknown,
  rows: readonly TableRow[],
  startedAt: Date,
  run: { suite?: string; firstColumn?: string; disturbed?: readonly string[]; problems: readonly string[] },
): number {
  const suite = run.suite ?? "intake";
  const file = writeResults(results, startedAt, suite);
  process.stdout.write(`\n${formatTable(rows, run.firstColumn)}\n\n`);
  if (run.disturbed && run.disturbed.length > 0) {
    process.stdout.write(
      `DISTURBED: other processes took CPU while ${run.disturbed.join(", ")} was measured; rerun on a quiet machine.\n`,
    );
  }
  if (run.problems.length > 0)
    process.stdout.write(`BROKEN:\n${run.problems.map((problem) => `  - ${problem}`).join("\n")}\n\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), file)} (and bench/results/${latestName(suite)})\n`);
  return run.problems.length === 0 ? 0 : 1;
}
