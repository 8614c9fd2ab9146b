/**
 * What every bench run needs around its measurements: cleanup in reverse order, the failure type that makes the run
 * exit non-zero, the temporary hub setup, the migration of an embedded data folder, CPU profile summaries, and the
 * code version for the results file. Shared by bench/intake.bench.ts and bench/email.bench.ts.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { loadConfigOrThrow } from "../core/hub";
import { migrateOnly } from "../core/kernel/db/database";
import { acquireEmbeddedLock } from "../core/kernel/db/embedded-lock";
import { benchConfigYaml } from "./bench-config";
import { readProfiles, selfTimeByOrigin } from "./cpu-profile";
import type { HubProcess } from "./hub-process";
import { round } from "./load";
import type { BenchOptions } from "./options";

/** Stops what the bench started, newest first, whatever happened before. */
export class Cleanup {
  private readonly tasks: { label: string; run: () => Promise<unknown> }[] = [];
  add(label: string, run: () => Promise<unknown>): void {
    this.tasks.push({ label, run });
  }
  async run(): Promise<void> {
    for (let task = this.tasks.pop(); task; task = this.tasks.pop()) {
      try {
        await task.run();
      } catch (error) {
        log(`cleanup: ${task.label} failed: ${describe(error)}`);
      }
    }
  }
}

/** Something broke (as opposed to a target missed): the bench exits non-zero. */
export class BenchFailure extends Error {}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs a bench's `main` and exits with its code, or 1 when it threw. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      log(`FAILED: ${describe(error)}`);
      if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    },
  );
}

/** Ctrl-C or SIGTERM: stop everything the bench started, then exit 130 (a second signal exits at once). */
export function cleanUpOnSignals(cleanup: Cleanup): void {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: stopping everything the bench started`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

/**
 * Runs `bench` for each mode in turn and cleans up after each. A mode that throws becomes a problem (the run then
 * exits non-zero) and the next mode still runs.
 */
export async function runModes<M extends string, R>(
  modes: readonly M[],
  cleanup: Cleanup,
  bench: (mode: M) => Promise<R>,
  label = "",
): Promise<{ results: R[]; problems: string[] }> {
  const results: R[] = [];
  const problems: string[] = [];
  for (const mode of modes) {
    try {
      log(`--- ${label}${mode} ---`);
      results.push(await bench(mode));
    } catch (error) {
      const message = describe(error);
      problems.push(`${mode}: ${message.length > 2000 ? `${message.slice(0, 2000)} …` : message}`);
      log(`${mode} FAILED: ${message}`);
      if (!(error instanceof BenchFailure) && error instanceof Error && error.stack)
        process.stderr.write(`${error.stack}\n`);
    } finally {
      await cleanup.run();
    }
  }
  return { results, problems };
}

/** What every results file starts with: when, whether it broke, on what machine, which code, with which options. */
export function resultsHeader(
  startedAt: Date,
  problems: readonly string[],
  versions: Record<string, string | null>,
  options: Pick<BenchOptions, "postgresAdminUrl">,
) {
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ok: problems.length === 0,
    problems,
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version, ...versions },
    code: codeVersion(),
    options: { ...options, postgresAdminUrl: withoutPassword(options.postgresAdminUrl) },
  };
}

/** The temporary folder, config file, secrets and node arguments the hub children of one mode run with. */
export interface BenchSetup {
  dir: string;
  secret: string;
  viewerKey: string;
  env: Record<string, string>;
  profileDir: string | null;
  nodeArgs: string[];
}

/**
 * Writes `configYaml` (the webhook bench's config by default) into a fresh temporary folder, removed on cleanup.
 * The children get the config path, a webhook secret and a viewer key, plus `extraEnv`, in their environment.
 */
export function writeSetup(
  cleanup: Cleanup,
  options: Pick<BenchOptions, "cpuProfile">,
  configYaml: string = benchConfigYaml(),
  extraEnv: Record<string, string> = {},
): BenchSetup {
  const dir = mkdtempSync(path.join(tmpdir(), "plaint-bench-"));
  cleanup.add(`remove ${dir}`, () => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
  // Kept after the run, for Chrome DevTools.
  const profileDir = options.cpuProfile ? mkdtempSync(path.join(tmpdir(), "plaint-bench-cpuprofile-")) : null;
  const secret = randomBytes(24).toString("hex");
  const viewerKey = randomBytes(24).toString("hex");
  const configPath = path.join(dir, "plaint.yaml");
  writeFileSync(configPath, configYaml);
  const env: Record<string, string> = {
    PLAINT_CONFIG: configPath,
    BENCH_WEBHOOK_SECRET: secret,
    BENCH_VIEWER_KEY: viewerKey,
    ...extraEnv,
  };
  // The same loader the children use: a config problem shows here, once, instead of as a child's exit code.
  loadConfigOrThrow(configPath, env);
  const nodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  return { dir, secret, viewerKey, env, profileDir, nodeArgs };
}

/** Migrates an embedded data folder before the hub starts, so the measurement does not include it. */
export async function migrateEmbedded(dataDir: string): Promise<void> {
  const release = acquireEmbeddedLock(dataDir);
  try {
    await migrateOnly({ dataDir });
  } finally {
    release();
  }
}

/** Each hub process's self time by origin, % of its samples. */
export type CpuProfiles = Record<string, { file: string; selfTimePercent: Record<string, number> }>;

/** BENCH_CPU_PROF=1: what each (stopped) hub process spent its CPU on. */
export function summarizeProfiles(dir: string | null, hubs: readonly HubProcess[]): CpuProfiles | undefined {
  if (!dir) return undefined;
  const profiles = readProfiles(dir);
  const summary: CpuProfiles = {};
  for (const hub of hubs) {
    const found = profiles.get(hub.pid);
    if (!found) {
      log(`no CPU profile from ${hub.label} in ${dir}`);
      continue;
    }
    const shares = selfTimeByOrigin(found.profile).slice(0, 10);
    log(`CPU profile of ${hub.label} (${found.file}), self time by origin:`);
    for (const [origin, share] of shares)
      log(Number.isNaN(share) ? `  ${origin}` : `  ${share.toFixed(1).padStart(5)} %  ${origin}`);
    const busy = shares.filter(([, share]) => !Number.isNaN(share));
    summary[hub.label] = {
      file: found.file,
      selfTimePercent: Object.fromEntries(busy.map(([origin, share]) => [origin, round(share, 1)])),
    };
  }
  return summary;
}

export async function obliterate(redisUrl: string, name: string): Promise<void> {
  const queue = new Queue(name, { connection: { url: redisUrl, maxRetriesPerRequest: null } });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

/**
 * Classifies the shared servers' processes for the CPU monitor: Redis, and PostgreSQL's processes that work for
 * `database` (other databases' backends belong to someone else; server-wide ones such as the walwriter count).
 */
export function serverProcesses(database: string): (comm: string, cmdline: string) => string | null {
  return (comm, cmdline) => {
    if (comm === "redis-server") return "redis";
    if (comm !== "postgres") return null;
    // Client backends are titled "postgres: <cluster>: <user> <database> <host>(<port>) <state>".
    const backend = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(cmdline);
    return !backend || backend[1] === database ? "postgres" : null;
  };
}

/** Which code was measured: the commit, and the files that differed from it (dist/ is built from the tree). */
function codeVersion(): { commit: string; changedFiles: string[] } {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: path.resolve(__dirname, "../.."), encoding: "utf8" }).trim();
  try {
    const changed = git("status", "--porcelain", "--", "core", "connectors", "normalizers", "prisma")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.slice(3));
    return { commit: git("rev-parse", "HEAD"), changedFiles: changed };
  } catch {
    return { commit: "unknown", changedFiles: [] };
  }
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
