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

export function formatTable(rows: readonly TableRow[]): string {
  const header = { mode: "mode", metric: "metric", value: "value", target: "target", pass: "pass?" };
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
  writeFileSync(path.join(folder, suite === "intake" ? "latest.json" : `latest-${suite}.json`), text);
  return file;
}
