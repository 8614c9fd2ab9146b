/**
 * Schedule micro-benchmark (not part of `npm run bench` yet): `addBusinessMinutes` and `businessMinutesBetween`
 * calls per second on one core, for a typical office calendar (Monday to Friday 09:00–12:30 and 13:30–17:00,
 * Europe/Berlin, DE-BE public holidays). The start instants are spread over 2026 (both DST changes and every
 * holiday included, open and closed times alike); the other end lies up to 1, 7 or 30 days later.
 *
 * Two regimes, since a schedule remembers the days it has turned into instants (core/routing/calendar/README.md):
 * warm (the days of the sample already seen, as in a hub that has been running) and cold (every day new to the
 * schedule: the cost of a first look at a date). Prints a table and writes bench/results/schedule.json.
 *
 *   npm run build:tools && node dist/bench/schedule.bench.js
 *   BENCH_SCHEDULE_MS=5000 …   (time per warm measurement, default 2000)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { VERSION as luxonVersion } from "luxon";
import type { CalendarInput } from "../core/routing/calendar/calendar.schema";
import { createSchedule, type Schedule } from "../core/routing/calendar/schedule";
import { formatTable, otherCpuRow, type TableRow } from "./report";
import { startCpuMonitor, waitForQuiet } from "./resources";

const weekdayHours = ["09:00-12:30", "13:30-17:00"];
const office: CalendarInput = {
  id: "office",
  timeZone: "Europe/Berlin",
  hours: { mon: weekdayHours, tue: weekdayHours, wed: weekdayHours, thu: weekdayHours, fri: weekdayHours },
  holidayRegions: ["DE-BE"],
};

const OFFSET_DAYS = [1, 7, 30] as const;
const SAMPLES = 2000;
const MEASURE_MS = Number(process.env["BENCH_SCHEDULE_MS"] ?? 2000);
/** Other processes' CPU (percent of one core) above which the figures are flagged, as in the other benches. */
const QUIET_PERCENT = Number(process.env["BENCH_QUIET_PERCENT"] ?? 20);
/** Cold runs: this many fresh schedules, each asked once about ten years it has never seen. */
const COLD_SCHEDULES = 5;
const COLD_YEARS = 10;

interface Sample {
  from: Date;
  to: Date;
  /** Business minutes from `from` to `to`: the amount `addBusinessMinutes` is asked to add. */
  minutes: number;
}

interface Rate {
  calls: number;
  seconds: number;
  callsPerSecond: number;
  microsPerCall: number;
}

/** The same pseudo-random sample on every run (a linear congruential generator with a fixed seed). */
function samples(schedule: Schedule, days: number): Sample[] {
  let seed = 42 + days;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const yearStart = Date.parse("2026-01-01T00:00:00Z");
  return Array.from({ length: SAMPLES }, () => {
    const from = new Date(yearStart + Math.floor(next() * 365 * 1440) * 60_000);
    const to = new Date(from.getTime() + Math.floor(next() * days * 1440) * 60_000);
    return { from, to, minutes: schedule.businessMinutesBetween(from, to) };
  });
}

function rate(calls: number, seconds: number): Rate {
  return {
    calls,
    seconds,
    callsPerSecond: Math.round(calls / seconds),
    microsPerCall: round1((seconds / calls) * 1e6),
  };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const now = () => Number(process.hrtime.bigint()) / 1e9;

/** Runs `call` over the sample again and again for MEASURE_MS; the checksum keeps the calls from being skipped. */
function measure(sample: readonly Sample[], call: (row: Sample) => number): Rate {
  let calls = 0;
  let checksum = 0;
  const started = now();
  while ((now() - started) * 1000 < MEASURE_MS) {
    for (const row of sample) checksum += call(row);
    calls += sample.length;
  }
  if (Number.isNaN(checksum)) throw new Error("a call returned NaN");
  return rate(calls, now() - started);
}

/** Fresh schedules, each walking ten years once: microseconds per day seen for the first time, and per creation. */
function coldFigures(): { createMicros: number; firstLookMicrosPerDay: number } {
  let createSeconds = 0;
  let walkSeconds = 0;
  let days = 0;
  for (let index = 0; index < COLD_SCHEDULES; index += 1) {
    const from = new Date(Date.UTC(2030 + index * COLD_YEARS, 0, 1));
    const to = new Date(Date.UTC(2030 + (index + 1) * COLD_YEARS, 0, 1));
    const created = now();
    const schedule = createSchedule(office);
    const walked = now();
    schedule.businessMinutesBetween(from, to);
    walkSeconds += now() - walked;
    createSeconds += walked - created;
    days += (to.getTime() - from.getTime()) / 86_400_000;
  }
  return {
    createMicros: round1((createSeconds / COLD_SCHEDULES) * 1e6),
    firstLookMicrosPerDay: round1((walkSeconds / days) * 1e6),
  };
}

/**
 * The inverse property on the benchmark's own sample: the due instant holds exactly the minutes asked for, and
 * lies at or before `to` (or, for 0 minutes from a closed time, at the next opening).
 */
function checkSample(schedule: Schedule, sample: readonly Sample[], days: number): string[] {
  return sample.flatMap(({ from, to, minutes }) => {
    const due = schedule.addBusinessMinutes(from, minutes);
    const back = schedule.businessMinutesBetween(from, due);
    const inReach =
      due.getTime() <= to.getTime() || (minutes === 0 && due.getTime() === schedule.nextOpen(from).getTime());
    if (inReach && back === minutes) return [];
    return [`offset ≤ ${days} d: from ${from.toISOString()} + ${minutes} min gave ${due.toISOString()} (${back})`];
  });
}

/** date-holidays exports its package.json; its data (and so the holidays found) changes with the version. */
function dateHolidaysVersion(): string {
  const file = require.resolve("date-holidays/package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function tableRows(warm: WarmMeasurement[], cold: ReturnType<typeof coldFigures>, otherCpu: number): TableRow[] {
  const row = (mode: string, metric: string, value: string): TableRow => ({
    mode,
    metric,
    value,
    target: "-",
    pass: null,
  });
  return [
    ...warm.map((m) =>
      row(
        m.operation,
        `warm: calls/s, offsets ≤ ${m.offsetUpToDays} d`,
        `${m.callsPerSecond.toLocaleString("en-US")} (${m.microsPerCall} µs)`,
      ),
    ),
    row("createSchedule", "cold: µs per schedule (validation included)", `${cold.createMicros} µs`),
    row("first look at a date", "cold: µs per day walked", `${cold.firstLookMicrosPerDay} µs`),
    otherCpuRow("all", "", otherCpu, QUIET_PERCENT),
  ];
}

type WarmMeasurement = Rate & { operation: string; offsetUpToDays: number };

function warmFigures(schedule: Schedule, sampled: readonly { days: number; sample: Sample[] }[]): WarmMeasurement[] {
  return sampled.flatMap(({ days, sample }) => [
    {
      operation: "addBusinessMinutes",
      offsetUpToDays: days,
      ...measure(sample, (r) => schedule.addBusinessMinutes(r.from, r.minutes).getTime()),
    },
    {
      operation: "businessMinutesBetween",
      offsetUpToDays: days,
      ...measure(sample, (r) => schedule.businessMinutesBetween(r.from, r.to)),
    },
  ]);
}

function writeResults(results: object): string {
  const folder = path.resolve(__dirname, "../../bench/results");
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, "schedule.json");
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const schedule = createSchedule(office);
  // Building the samples walks every day they touch once: the warm figures start from there.
  const sampled = OFFSET_DAYS.map((days) => ({ days, sample: samples(schedule, days) }));
  const problems = sampled.flatMap(({ days, sample }) => checkSample(schedule, sample, days)).slice(0, 10);
  const watch = { pids: { bench: [process.pid] } };
  const quietBefore = await waitForQuiet(watch, QUIET_PERCENT, 30_000);
  const monitor = startCpuMonitor(watch);
  const warm = warmFigures(schedule, sampled);
  const cold = coldFigures();
  const otherCpu = monitor.stop()["other"] ?? 0;
  const file = writeResults({
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ok: problems.length === 0,
    problems,
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version },
    packages: { luxon: luxonVersion, "date-holidays": dateHolidaysVersion() },
    calendar: office,
    setup: { samplesPerOffset: SAMPLES, measureMs: MEASURE_MS, startsSpreadOver: "2026", quietBefore },
    otherCpuPercent: otherCpu,
    warm,
    cold: { ...cold, schedules: COLD_SCHEDULES, yearsEach: COLD_YEARS },
  });
  process.stdout.write(`\n${formatTable(tableRows(warm, cold, otherCpu), "operation")}\n\n`);
  if (otherCpu > QUIET_PERCENT)
    process.stdout.write("DISTURBED: other processes took CPU; rerun on a quiet machine.\n");
  if (problems.length > 0) process.stdout.write(`BROKEN:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
