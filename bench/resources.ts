import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

/** Linux USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream kernel config). */
const TICKS_PER_SECOND = 100;

/** How often a monitor re-reads /proc, so a process that exits meanwhile (an idle pool connection) still counts. */
const SAMPLE_EVERY_MS = 200;

/**
 * Who to watch: our own processes by pid, and server processes by a classifier that sees each process's command
 * name and command line (a PostgreSQL backend's title names its database, so another user's backends stay out).
 */
export interface CpuWatch {
  pids: Record<string, number[]>;
  classify?: (comm: string, cmdline: string) => string | null;
}

export interface CpuMonitor {
  /**
   * CPU used since the monitor started, in percent of one core (200 % = both cores of a 2-core machine busy), per
   * group; `machine` is the whole machine and `other` what the rest of it used meanwhile (a large value means the
   * figures are disturbed).
   */
  stop(): Record<string, number>;
}

interface ProcessSample {
  group: string;
  ticks: number;
}

/**
 * Samples the watched processes every 200 ms. Counting per process (not per group total) matters: the ticks of a
 * process are gone from /proc the moment it exits, and PostgreSQL backends come and go with the pools' idle
 * timeouts; a before/after difference of group totals would then under-count, even go negative.
 */
export function startCpuMonitor(watch: CpuWatch): CpuMonitor {
  const startedAt = Date.now();
  const machineBefore = machineBusyTicks();
  const baseline = scan(watch);
  const latest = new Map(baseline);
  const sample = () => {
    for (const [key, value] of scan(watch)) latest.set(key, value);
  };
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const seconds = (Date.now() - startedAt) / 1000;
      const percent = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100);
      const used: Record<string, number> = {};
      for (const name of Object.keys(watch.pids)) used[name] = 0;
      for (const [key, now] of latest)
        used[now.group] = (used[now.group] ?? 0) + Math.max(0, now.ticks - (baseline.get(key)?.ticks ?? 0));
      const ours = Object.values(used).reduce((sum, ticks) => sum + ticks, 0);
      const machine = machineBusyTicks() - machineBefore;
      const usage: Record<string, number> = {};
      for (const [name, ticks] of Object.entries(used)) usage[name] = percent(ticks);
      usage["machine"] = percent(machine);
      usage["other"] = percent(Math.max(0, machine - ours));
      return usage;
    },
  };
}

/** Ticks per watched process, keyed by pid and start time (so a reused pid is another process). */
function scan(watch: CpuWatch): Map<string, ProcessSample> {
  const found = new Map<string, ProcessSample>();
  const own = new Set<number>();
  for (const [group, pids] of Object.entries(watch.pids)) {
    for (const pid of pids) {
      own.add(pid);
      const stat = readStat(pid);
      if (stat) found.set(`${pid}:${stat.start}`, { group, ticks: stat.ticks });
    }
  }
  if (!watch.classify) return found;
  let classified = classifiedBy.get(watch);
  if (!classified) classifiedBy.set(watch, (classified = new Map<string, string | null>()));
  for (const entry of safeReaddir("/proc")) {
    if (!/^\d+$/.test(entry) || own.has(Number(entry))) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (!stat) continue;
    const key = `${pid}:${stat.start}`;
    let group = classified.get(key);
    if (group === undefined) {
      group = watch.classify(stat.comm, readCmdline(pid));
      classified.set(key, group);
    }
    if (group) found.set(key, { group, ticks: stat.ticks });
  }
  return found;
}

/** Each watch's classification of each process (the command line is read once per process). */
const classifiedBy = new WeakMap<CpuWatch, Map<string, string | null>>();

/** Whether the rest of the machine was quiet before a phase, what it used, and how long the bench waited. */
export interface QuietReading {
  quiet: boolean;
  otherPercent: number;
  waitedMs: number;
}

/**
 * Waits until the rest of the machine is quiet (other processes using less than `maxPercent` of one core over a
 * second), for at most `timeoutMs`. Other people's test runs on a 2-core machine halve what the bench can measure.
 * @returns the last reading, and whether it was quiet.
 */
export async function waitForQuiet(watch: CpuWatch, maxPercent: number, timeoutMs: number): Promise<QuietReading> {
  const started = Date.now();
  for (;;) {
    const monitor = startCpuMonitor(watch);
    await sleep(1000);
    const other = monitor.stop()["other"] ?? 0;
    const waitedMs = Date.now() - started;
    if (other <= maxPercent) return { quiet: true, otherPercent: other, waitedMs };
    if (waitedMs >= timeoutMs) return { quiet: false, otherPercent: other, waitedMs };
  }
}

export function coreCount(): number {
  return cpus().length;
}

function readStat(pid: number): { comm: string; ticks: number; start: string } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // comm is in parentheses and may hold spaces; the numeric fields follow the last ")".
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15, starttime field 22.
  return { comm, ticks: Number(fields[11]) + Number(fields[12]), start: fields[19] ?? "" };
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

function machineBusyTicks(): number {
  let line: string;
  try {
    line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  } catch {
    return 0;
  }
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return total - idle;
}

function safeReaddir(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}
