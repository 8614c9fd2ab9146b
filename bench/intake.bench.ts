/**
 * `npm run bench`: acceptance latency and end-to-end throughput of signed webhook intake, in the embedded mode
 * (PGlite + in-process queue) and the scale-out mode (PostgreSQL + Redis), against the floor of this machine.
 * See bench/README.md for what is measured, how, and the knobs.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { cpus } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PGlite } from "@electric-sql/pglite";
import { acquireEmbeddedLock } from "../core/kernel/db/embedded-lock";
import {
  BenchFailure,
  Cleanup,
  cleanUpOnSignals,
  runMain,
  log,
  migrateEmbedded,
  obliterate,
  resultsHeader,
  runModes,
  summarizeProfiles,
  writeSetup,
  type CpuProfiles,
} from "./bench-run";
import { measureFloor, type FloorResult } from "./floor";
import { HubProcess } from "./hub-process";
import { loadProblems, MessageSource, round, runAutocannon, runPaced, type LoadResult } from "./load";
import { readOptions, type BenchMode, type BenchOptions } from "./options";
import { finishRun, otherCpuRow, type TableRow } from "./report";
import { startCpuMonitor, waitForQuiet, type CpuWatch, type QuietReading } from "./resources";
import {
  connectorProgress,
  drain,
  expectReady,
  perMessage,
  serverCounters,
  startScaleOut,
  type Progress,
  type Query,
  type ThroughputResult,
} from "./scale-out";
import { serverVersions } from "./services";

const TARGETS = {
  postgresThroughput: 1000,
  postgresP99Ms: 50,
  embeddedThroughput: 100,
};

interface ModeContext {
  mode: BenchMode;
  baseUrl: string;
  source: MessageSource;
  options: BenchOptions;
  hubs: HubProcess[];
  cpuWatch: CpuWatch;
  assertAlive(): void;
  progress(): Promise<Progress>;
  /**
   * Scale-out only: the workers are not running yet. The phases then first measure the API alone, then the
   * workers alone (draining the backlog), and only then everything together.
   */
  startWorkers?: () => Promise<void>;
  query?: Query;
}

/** The scale-out mode taken apart: each half alone, before both share the machine. */
interface Decomposition {
  /** serve alone, paced at the latency phase's rate: acceptance latency without a worker competing for CPU. */
  acceptOnlyPaced: PhaseRecord | null;
  /** serve alone, N requests as fast as 50 connections go: the API's capacity. */
  acceptOnly: PhaseRecord;
  /** The worker(s) alone, draining the backlog the API-only phases left: the workers' capacity. */
  workerOnly: { items: number; seconds: number; rate: number; cpuPercentOfOneCore: Record<string, number> };
}

/** One load phase with the CPU every process group used meanwhile (the throughput phase: until drained). */
type PhaseRecord = LoadResult & {
  cpuPercentOfOneCore: Record<string, number>;
  quietBefore: QuietReading;
  attempts: number;
};

interface PhaseResults {
  decomposition: Decomposition | null;
  warmup: PhaseRecord | null;
  latency: PhaseRecord;
  paced: PhaseRecord | null;
  throughput: PhaseRecord;
  /** Epoch ms just before the first throughput request, and when the bench saw the queue empty. */
  throughputStartMs: number;
  drainObservedMs: number;
  /** 202s seen, and requests abandoned in flight at the end of a timed run (stored or not). */
  accepted: number;
  slack: number;
  /** Highest CPU share other processes took during a measured phase, % of one core. */
  maxOtherCpu: number;
}

interface Integrity {
  /** 202s the bench saw; up to `inFlightAtStop` more may have been stored as a timed run ended. */
  accepted: number;
  inFlightAtStop: number;
  stored: number;
  byStatus: Record<string, number>;
  messages: number;
  distinctMessageIds: number;
  cases: number;
  ok: boolean;
}

interface ModeResult {
  mode: BenchMode;
  processes: string[];
  settings: Record<string, unknown>;
  decomposition: Decomposition | null;
  warmup: PhaseRecord | null;
  latency: PhaseRecord;
  paced: PhaseRecord | null;
  throughputLoad: PhaseRecord;
  throughput: ThroughputResult;
  /** Highest CPU share other processes took during a measured phase, % of one core. */
  maxOtherCpu: number;
  integrity: Integrity;
  hubWarnings: Record<string, Record<string, number>>;
  /** BENCH_CPU_PROF=1: each hub process's self time by origin, % of its samples. */
  cpuProfiles?: CpuProfiles;
  perMessage?: Record<string, number>;
  floor?: FloorResult & { ratio: number; quietBefore: QuietReading };
}

async function main(): Promise<number> {
  const options = readOptions();
  const startedAt = new Date();
  const cleanup = new Cleanup();
  cleanUpOnSignals(cleanup);

  const versions = options.modes.includes("postgres")
    ? await serverVersions(options.postgresAdminUrl, options.redisUrl)
    : { postgres: null, redis: null };
  log(`modes ${options.modes.join(", ")}; ${cpus().length} cores; node ${process.version}`);

  const { results, problems } = await runModes(options.modes, cleanup, (mode) =>
    mode === "embedded" ? benchEmbedded(options, cleanup) : benchPostgres(options, cleanup),
  );
  const rows = tableRows(results, options);
  const output = {
    ...resultsHeader(startedAt, problems, versions, options),
    targets: TARGETS,
    table: rows,
    modes: results,
  };
  const disturbed = results.filter((result) => result.maxOtherCpu > options.quietPercent).map((result) => result.mode);
  return finishRun(output, rows, startedAt, { disturbed, problems });
}

// ---------------------------------------------------------------------------------------------------------------
// Modes

async function benchEmbedded(options: BenchOptions, cleanup: Cleanup): Promise<ModeResult> {
  const setup = writeSetup(cleanup, options);
  const dataDir = path.join(setup.dir, "data");
  await migrateEmbedded(dataDir);

  const hub = new HubProcess(
    "start",
    { ...setup.env, PLAINT_DATA_DIR: dataDir, PLAINT_WORKER_CONCURRENCY: String(options.workerConcurrency) },
    "start",
    setup.nodeArgs,
  );
  cleanup.add("stop embedded hub", () => hub.stop());
  const port = await hub.ready();
  const baseUrl = `http://127.0.0.1:${port}`;
  await expectReady(baseUrl);
  log(`embedded hub (plaint start) pid ${hub.pid} on ${baseUrl}, worker concurrency ${options.workerConcurrency}`);

  const any = async (status: string) => {
    const response = await fetch(`${baseUrl}/v1/intake?status=${status}&limit=1`, {
      headers: { authorization: `Bearer ${setup.viewerKey}` },
    });
    if (response.status !== 200) throw new BenchFailure(`GET /v1/intake answered ${response.status}`);
    return ((await response.json()) as { items: unknown[] }).items.length > 0;
  };
  const ctx: ModeContext = {
    mode: "embedded",
    baseUrl,
    source: new MessageSource(setup.secret, `e${randomBytes(3).toString("hex")}`),
    options,
    hubs: [hub],
    cpuWatch: { pids: { bench: [process.pid], hub: [hub.pid] } },
    assertAlive: () => hub.assertRunning(),
    progress: async () => {
      const [received, processing, failed, rejected] = await Promise.all(
        ["received", "processing", "failed", "rejected"].map(any),
      );
      return { pending: Boolean(received || processing), processed: null, failed: failed || rejected ? 1 : 0 };
    },
  };
  const phases = await runPhases(ctx);

  // PGlite lives inside the hub: stop it, then read the exact figures from its data folder.
  await hub.stop();
  const cpuProfiles = summarizeProfiles(setup.profileDir, [hub]);
  const lock = acquireEmbeddedLock(dataDir);
  const pglite = new PGlite({ dataDir: path.join(dataDir, "pglite") });
  try {
    await pglite.waitReady;
    const query = async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows;
    const { throughput, integrity } = await collect(query, ctx, phases);
    return {
      mode: "embedded",
      processes: [
        `plaint start (API + ${options.workerConcurrency} workers + PGlite + in-process queue), pid ${hub.pid}`,
        `bench (load generator), pid ${process.pid}`,
      ],
      settings: { workerConcurrency: options.workerConcurrency, rate: options.rate, durationS: options.durationS },
      decomposition: null,
      warmup: phases.warmup,
      latency: phases.latency,
      paced: phases.paced,
      throughputLoad: phases.throughput,
      throughput,
      maxOtherCpu: phases.maxOtherCpu,
      integrity,
      hubWarnings: { [hub.label]: Object.fromEntries(hub.warnings) },
      ...(cpuProfiles ? { cpuProfiles } : {}),
    };
  } finally {
    await pglite.close();
    lock();
  }
}

async function benchPostgres(options: BenchOptions, cleanup: Cleanup): Promise<ModeResult> {
  const setup = writeSetup(cleanup, options);
  const scaleOut = await startScaleOut(options, cleanup, setup);
  const { database, baseUrl, hubs, workers, serve, query } = scaleOut;
  if (!options.decompose) await scaleOut.startWorkers();

  let polls = 0;
  const ctx: ModeContext = {
    mode: "postgres",
    baseUrl,
    source: new MessageSource(setup.secret, `p${randomBytes(3).toString("hex")}`),
    options,
    hubs,
    cpuWatch: scaleOut.cpuWatch,
    assertAlive: scaleOut.assertAlive,
    progress: () => {
      polls++;
      return connectorProgress(query, "webform");
    },
    query,
    ...(options.decompose ? { startWorkers: scaleOut.startWorkers } : {}),
  };

  let countersBefore = await serverCounters(query, database.name, options.redisUrl);
  let pollsBefore = polls;
  const phases = await runPhases(ctx, async () => {
    countersBefore = await serverCounters(query, database.name, options.redisUrl);
    pollsBefore = polls;
  });
  // PostgreSQL publishes a backend's counters when it has been idle for a moment; let the pools go idle first.
  await sleep(2000);
  const countersAfter = await serverCounters(query, database.name, options.redisUrl);
  // Each drain poll was one transaction of the bench's own; they are not the hub's.
  const perMessageCounts = perMessage(
    countersBefore,
    countersAfter,
    phases.throughput.completed,
    polls - pollsBefore + 1,
  );

  for (const hub of hubs) await hub.stop();
  const cpuProfiles = summarizeProfiles(setup.profileDir, hubs);
  const { throughput, integrity } = await collect(query, ctx, phases);

  log(
    `floor: ${options.throughputMessages.postgres} x (INSERT + queue.add), concurrency ${options.floorConcurrency}, pool ${options.floorPoolSize}`,
  );
  let floor: FloorResult;
  let floorQuiet: QuietReading;
  for (let attempt = 1; ; attempt++) {
    floorQuiet = await waitForQuiet(ctx.cpuWatch, options.quietPercent, options.quietWaitS * 1000);
    if (!floorQuiet.quiet)
      log(`machine not quiet: other processes use ${floorQuiet.otherPercent} % of a core; measuring the floor anyway`);
    const floorQueue = `plaint-bench-floor-${randomUUID()}`;
    cleanup.add(`obliterate queue ${floorQueue}`, () => obliterate(options.redisUrl, floorQueue));
    floor = await measureFloor({
      databaseUrl: database.url,
      redisUrl: options.redisUrl,
      queueName: floorQueue,
      messages: options.throughputMessages.postgres,
      concurrency: options.floorConcurrency,
      poolSize: options.floorPoolSize,
      cpuWatch: ctx.cpuWatch,
    });
    log(
      `floor: ${floor.insertAndEnqueue} msg/s (INSERT only ${floor.insertOnly}/s, queue.add only ${floor.enqueueOnly}/s); ` +
        `CPU % of a core ${JSON.stringify(floor.cpuPercentOfOneCore)}`,
    );
    const other = floor.cpuPercentOfOneCore["other"] ?? 0;
    if (other <= options.quietPercent || attempt > options.disturbedRetries) {
      phases.maxOtherCpu = Math.max(phases.maxOtherCpu, other);
      break;
    }
    log(`floor: other processes took ${other} % of a core meanwhile; repeating it`);
  }

  return {
    mode: "postgres",
    processes: [
      `plaint serve (API), pid ${serve.pid}`,
      ...workers.map((w) => `plaint worker (concurrency ${options.workerConcurrency}), pid ${w.pid}`),
      `bench (load generator, drain polling, floor loop), pid ${process.pid}`,
      `PostgreSQL ${database.name} and Redis on 127.0.0.1 (shared servers)`,
    ],
    settings: {
      workers: options.workers,
      workerConcurrency: options.workerConcurrency,
      hubPoolSize: 10,
      rate: options.rate,
      durationS: options.durationS,
    },
    decomposition: phases.decomposition,
    warmup: phases.warmup,
    latency: phases.latency,
    paced: phases.paced,
    throughputLoad: phases.throughput,
    throughput,
    maxOtherCpu: phases.maxOtherCpu,
    integrity,
    hubWarnings: Object.fromEntries(hubs.map((hub) => [hub.label, Object.fromEntries(hub.warnings)])),
    ...(cpuProfiles ? { cpuProfiles } : {}),
    perMessage: perMessageCounts,
    floor: { ...floor, ratio: round(throughput.endToEndRate / floor.insertAndEnqueue, 3), quietBefore: floorQuiet },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Phases shared by both modes

async function runPhases(ctx: ModeContext, beforeThroughput?: () => Promise<void>): Promise<PhaseResults> {
  const { options } = ctx;
  let accepted = 0;
  let slack = 0;
  let maxOtherCpu = 0;
  /** Waits for a quiet machine, runs one load phase, checks every answer, and records the CPU it used. */
  /**
   * Waits for a quiet machine, runs one load phase, checks every answer, and records the CPU it used. A phase that
   * other processes disturbed (more than BENCH_QUIET_PERCENT of a core) is repeated, up to BENCH_DISTURBED_RETRIES
   * times, after draining what it left; `run` gets the phase name to use, so each attempt's messages stay apart.
   */
  const measure = async (
    basePhase: string,
    run: (phase: string) => Promise<LoadResult>,
    {
      afterLoad,
      inFlightAtStop = 0,
      preRoll = false,
      drainBeforeRetry = true,
      repeatIfDisturbed = true,
    }: {
      afterLoad?: () => Promise<unknown>;
      inFlightAtStop?: number;
      preRoll?: boolean;
      drainBeforeRetry?: boolean;
      repeatIfDisturbed?: boolean;
    } = {},
  ): Promise<PhaseRecord> => {
    for (let attempt = 1; ; attempt++) {
      const phase = attempt === 1 ? basePhase : `${basePhase}${attempt}`;
      const quietBefore = await waitForQuiet(ctx.cpuWatch, options.quietPercent, options.quietWaitS * 1000);
      if (!quietBefore.quiet)
        log(`machine not quiet: other processes use ${quietBefore.otherPercent} % of a core; measuring anyway`);
      if (preRoll && options.preRoll > 0) {
        const warm = await runAutocannon({
          ...load(ctx, "pre"),
          connections: Math.min(10, options.preRoll),
          amount: options.preRoll,
        });
        const problems = loadProblems(warm);
        if (problems.length > 0) throw new BenchFailure(problems.join("; "));
        accepted += warm.statusCounts["202"] ?? 0;
      }
      const monitor = startCpuMonitor(ctx.cpuWatch);
      const result = await run(phase);
      const problems = loadProblems(result);
      if (problems.length > 0) throw new BenchFailure(problems.join("; "));
      await afterLoad?.();
      const cpu = monitor.stop();
      accepted += result.statusCounts["202"] ?? 0;
      slack += inFlightAtStop;
      log(
        `${result.phase} (${result.tool}): ${result.completed} accepted in ${round(result.durationMs / 1000, 1)} s = ${result.achievedRate}/s; ` +
          `latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms; ` +
          `peak ${result.peakStartsPer100ms} starts/100 ms; ${tailNote(result)}CPU % of a core ${JSON.stringify(cpu)}`,
      );
      const other = cpu["other"] ?? 0;
      if (!repeatIfDisturbed) return { ...result, cpuPercentOfOneCore: cpu, quietBefore, attempts: attempt };
      if (other <= options.quietPercent || attempt > options.disturbedRetries) {
        maxOtherCpu = Math.max(maxOtherCpu, other);
        return { ...result, cpuPercentOfOneCore: cpu, quietBefore, attempts: attempt };
      }
      log(`${phase}: other processes took ${other} % of a core meanwhile; repeating the phase`);
      if (drainBeforeRetry && !afterLoad) await drain(ctx, `${phase} (before repeating it)`, result.completed);
    }
  };

  let warmup: PhaseRecord | null = null;
  if (options.warmupMessages > 0) {
    // Warming up needs no quiet machine: not repeated.
    warmup = await measure(
      "warm",
      (phase) => runAutocannon({ ...load(ctx, phase), connections: 10, amount: options.warmupMessages }),
      {
        repeatIfDisturbed: false,
      },
    );
    if (!ctx.startWorkers) await drain(ctx, "warm-up", warmup.completed);
  }

  let decomposition: Decomposition | null = null;
  if (ctx.startWorkers && ctx.query) {
    const query = ctx.query;
    const acceptOnlyPaced = options.paced.includes(ctx.mode)
      ? await measure(
          "ao-paced",
          (phase) =>
            runPaced({ ...load(ctx, phase), rate: options.rate, durationS: options.durationS, maxSockets: 64 }),
          { preRoll: true, drainBeforeRetry: false },
        )
      : null;
    const acceptOnly = await measure(
      "ao-tp",
      (phase) =>
        runAutocannon({
          ...load(ctx, phase),
          connections: options.throughputConnections,
          amount: options.throughputMessages[ctx.mode],
        }),
      { drainBeforeRetry: false },
    );
    const monitor = startCpuMonitor(ctx.cpuWatch);
    await ctx.startWorkers();
    await drain(ctx, "worker-only backlog", accepted);
    const cpu = monitor.stop();
    const [span] = await query<{ items: number; first_ms: number; last_ms: number }>(
      `SELECT count(*)::int AS items, (extract(epoch FROM min(processed_at)) * 1000)::float8 AS first_ms,
              (extract(epoch FROM max(processed_at)) * 1000)::float8 AS last_ms
         FROM intake_items WHERE connector_id = 'webform' AND status = 'processed'`,
    );
    const items = span?.items ?? 0;
    const seconds = ((span?.last_ms ?? 0) - (span?.first_ms ?? 0)) / 1000;
    const workerOnly = {
      items,
      seconds: round(seconds, 3),
      rate: round((items - 1) / seconds, 1),
      cpuPercentOfOneCore: cpu,
    };
    // The backlog is gone once drained: this diagnostic cannot be repeated; its table row says when it was disturbed.
    log(
      `worker-only: ${items} backlog items in ${workerOnly.seconds} s = ${workerOnly.rate} msg/s; CPU % of a core (incl. start-up) ${JSON.stringify(cpu)}`,
    );
    decomposition = { acceptOnlyPaced, acceptOnly, workerOnly };
  }

  // A duration-bound autocannon run abandons the requests in flight when time is up (at most one per connection:
  // no pipelining): the hub may have stored them without the bench seeing the 202. (autocannon's `sent` cannot
  // tell: it counts each connection's whole per-second quota as sent at the start.)
  const latency = await measure(
    "lat",
    (phase) =>
      runAutocannon({
        ...load(ctx, phase),
        connections: options.latencyConnections,
        overallRate: options.rate,
        durationS: options.durationS,
      }),
    { inFlightAtStop: options.latencyConnections, preRoll: true },
  );
  await drain(ctx, "latency", latency.completed);

  let paced: PhaseRecord | null = null;
  if (options.paced.includes(ctx.mode)) {
    paced = await measure(
      "paced",
      (phase) => runPaced({ ...load(ctx, phase), rate: options.rate, durationS: options.durationS, maxSockets: 64 }),
      {
        preRoll: true,
      },
    );
    await drain(ctx, "paced latency", paced.completed);
  }

  await beforeThroughput?.();
  const n = options.throughputMessages[ctx.mode];
  let throughputStartMs = 0;
  let drainObservedMs = 0;
  const throughput = await measure(
    "tp",
    (phase) => {
      throughputStartMs = Date.now();
      return runAutocannon({ ...load(ctx, phase), connections: options.throughputConnections, amount: n });
    },
    {
      afterLoad: async () => {
        drainObservedMs = await drain(ctx, "throughput", n);
      },
    },
  );
  if (throughput.completed !== n)
    throw new BenchFailure(`throughput: ${throughput.completed} of ${n} requests completed`);
  if (maxOtherCpu > options.quietPercent) {
    log(
      `WARNING: other processes used up to ${maxOtherCpu} % of a core during a measured phase: figures are disturbed`,
    );
  }
  return {
    decomposition,
    warmup,
    latency,
    paced,
    throughput,
    throughputStartMs,
    drainObservedMs,
    accepted,
    slack,
    maxOtherCpu,
  };
}

/** Where the slowest answers were: a tail spread over the run is load, one concentrated in a second or two a stall. */
function tailNote(result: LoadResult): string {
  if (result.perSecond.length < 2) return "";
  const worst = [...result.perSecond].sort((a, b) => b.max - a.max).slice(0, 3);
  const overall = result.latencyMs.p99;
  const above = result.perSecond.filter((second) => second.p99 > overall).length;
  return `slowest seconds ${worst.map((second) => `#${second.second} (p99 ${second.p99}, max ${second.max} ms)`).join(", ")}; ${above}/${result.perSecond.length} seconds above the overall p99; `;
}

function load(ctx: ModeContext, phase: string) {
  return { baseUrl: ctx.baseUrl, phase, source: ctx.source };
}

/** Exact end-to-end figures from the intake log, and the check that every accepted message became one case. */
async function collect(
  query: Query,
  ctx: ModeContext,
  phases: PhaseResults,
): Promise<{ throughput: ThroughputResult; integrity: Integrity }> {
  const n = phases.throughput.completed;
  const [tp] = await query<{ processed: number; last_ms: number | null }>(
    `SELECT count(*) FILTER (WHERE status = 'processed')::int AS processed,
            (extract(epoch FROM max(processed_at)) * 1000)::float8 AS last_ms
       FROM intake_items WHERE connector_id = 'webform' AND external_id LIKE $1`,
    [`${ctx.source.prefix(phases.throughput.phase)}%`],
  );
  if (!tp || tp.processed !== n || tp.last_ms === null) {
    throw new BenchFailure(`throughput: ${tp?.processed ?? 0} of ${n} posted messages were processed`);
  }
  const seconds = (tp.last_ms - phases.throughputStartMs) / 1000;
  const acceptEndMs = phases.throughputStartMs + phases.throughput.durationMs;
  const throughput: ThroughputResult = {
    messages: n,
    connections: ctx.options.throughputConnections,
    acceptRate: phases.throughput.achievedRate,
    endToEndRate: round(n / seconds, 1),
    endToEndSeconds: round(seconds, 3),
    endToEndRateByPolling: round(n / ((phases.drainObservedMs - phases.throughputStartMs) / 1000), 1),
    processedAfterLastAcceptMs: Math.round(tp.last_ms - acceptEndMs),
  };

  const statuses = await query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM intake_items WHERE connector_id = 'webform' GROUP BY status`,
  );
  const byStatus = Object.fromEntries(statuses.map((row) => [row.status, row.n]));
  const [messages] = await query<{ n: number; distinct_ids: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct_ids FROM messages`,
  );
  const [cases] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM cases`);
  const stored = statuses.reduce((sum, row) => sum + row.n, 0);
  const integrity: Integrity = {
    accepted: phases.accepted,
    inFlightAtStop: phases.slack,
    stored,
    byStatus,
    messages: messages?.n ?? 0,
    distinctMessageIds: messages?.distinct_ids ?? 0,
    cases: cases?.n ?? 0,
    ok: false,
  };
  integrity.ok =
    stored >= phases.accepted &&
    stored <= phases.accepted + phases.slack &&
    byStatus["processed"] === stored &&
    integrity.messages === stored &&
    integrity.distinctMessageIds === stored &&
    integrity.cases === stored;
  if (!integrity.ok)
    throw new BenchFailure(
      `integrity: ${JSON.stringify(integrity)} (expected every accepted message stored and processed once, as one case)`,
    );
  log(
    `${ctx.mode}: end to end ${throughput.endToEndRate} msg/s (${n} in ${throughput.endToEndSeconds} s; accepted at ${throughput.acceptRate}/s); ` +
      `integrity ok: ${stored} stored (${phases.accepted} answered 202) = processed = messages = cases`,
  );
  return { throughput, integrity };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function tableRows(results: readonly ModeResult[], options: BenchOptions): TableRow[] {
  const rows: TableRow[] = [];
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const rate = (value: number) => `${Math.round(value).toLocaleString("en-US")} msg/s`;
  for (const result of results) {
    const mode =
      result.mode === "postgres" ? `postgres+redis (1 serve + ${options.workers} worker)` : "embedded (plaint start)";
    const isPg = result.mode === "postgres";
    const offered = `${options.rate}/s for ${options.durationS} s`;
    const parts = result.decomposition;
    if (parts) {
      if (parts.acceptOnlyPaced) {
        rows.push({
          mode,
          metric: `API alone: acceptance p50 / p99 (paced ${options.rate}/s)`,
          value: `${ms(parts.acceptOnlyPaced.latencyMs.p50)} / ${ms(parts.acceptOnlyPaced.latencyMs.p99)}`,
          target: "",
          pass: null,
        });
      }
      rows.push({
        mode,
        metric: `API alone: accept capacity (${options.throughputConnections} conns)`,
        value: rate(parts.acceptOnly.achievedRate),
        target: "",
        pass: null,
      });
      const otherCpu = parts.workerOnly.cpuPercentOfOneCore["other"] ?? 0;
      rows.push({
        mode,
        metric: `worker alone: backlog drain (${options.workers} x conc ${options.workerConcurrency})`,
        value: rate(parts.workerOnly.rate),
        target: otherCpu > options.quietPercent ? `(disturbed: other ${otherCpu} %)` : "",
        pass: null,
      });
    }
    const rateReached = result.latency.achievedRate >= options.rate * 0.95;
    rows.push({
      mode,
      metric: `acceptance rate reached (autocannon, ${offered})`,
      value: `${result.latency.achievedRate}/s`,
      target: isPg ? `≥ ${options.rate * 0.95}/s` : "",
      pass: isPg ? rateReached : null,
    });
    rows.push({
      mode,
      metric: "acceptance p50 (autocannon)",
      value: ms(result.latency.latencyMs.p50),
      target: "",
      pass: null,
    });
    rows.push({
      mode,
      metric: "acceptance p99 (autocannon)",
      value: ms(result.latency.latencyMs.p99),
      target: isPg ? `≤ ${TARGETS.postgresP99Ms} ms at ${options.rate}/s` : "",
      pass: isPg ? result.latency.latencyMs.p99 <= TARGETS.postgresP99Ms && rateReached : null,
    });
    if (result.paced) {
      rows.push({
        mode,
        metric: "acceptance p50 (paced open-loop)",
        value: ms(result.paced.latencyMs.p50),
        target: "",
        pass: null,
      });
      rows.push({
        mode,
        metric: "acceptance p99 (paced open-loop)",
        value: ms(result.paced.latencyMs.p99),
        target: isPg ? "(cross-check)" : "",
        pass: null,
      });
    }
    rows.push({
      mode,
      metric: `accept rate while posting N=${result.throughput.messages}`,
      value: rate(result.throughput.acceptRate),
      target: "",
      pass: null,
    });
    const target = isPg ? TARGETS.postgresThroughput : TARGETS.embeddedThroughput;
    rows.push({
      mode,
      metric: `end-to-end throughput (N=${result.throughput.messages}, ${result.throughput.connections} conns)`,
      value: rate(result.throughput.endToEndRate),
      target: `≥ ${target.toLocaleString("en-US")} msg/s`,
      pass: result.throughput.endToEndRate >= target,
    });
    if (result.floor) {
      rows.push({
        mode,
        metric: `floor: INSERT + queue.add (conc ${result.floor.concurrency}, pool ${result.floor.poolSize})`,
        value: rate(result.floor.insertAndEnqueue),
        target: "",
        pass: null,
      });
      rows.push({
        mode,
        metric: "end-to-end / floor",
        value: `${(result.floor.ratio * 100).toFixed(1)} %`,
        target: "",
        pass: null,
      });
    }
    rows.push(otherCpuRow(mode, " (max)", result.maxOtherCpu, options.quietPercent));
  }
  return rows;
}

runMain(main);
