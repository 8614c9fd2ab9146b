/**
 * The scale-out mode's set-up and bookkeeping, shared by bench/intake.bench.ts and bench/channels.bench.ts: a fresh
 * database and queue, `plaint serve` (and later the workers) as children, the wait until nothing is pending, and the
 * server-side counters read per message.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { migrateOnly } from "../core/kernel/db/database";
import { BenchFailure, log, obliterate, serverProcesses, type BenchSetup, type Cleanup } from "./bench-run";
import { HubProcess } from "./hub-process";
import { round } from "./load";
import type { BenchOptions } from "./options";
import type { CpuWatch } from "./resources";
import { createBenchPostgres, withRedis, type BenchPostgres } from "./services";

export type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** 1 serve (running) and `options.workers` workers (once `startWorkers` ran) on a fresh database and queue. */
export interface ScaleOut {
  database: BenchPostgres;
  queueName: string;
  serve: HubProcess;
  workers: HubProcess[];
  /** serve, then the workers as they start: the list grows. */
  hubs: HubProcess[];
  workerPids: number[];
  baseUrl: string;
  /** Over a small pool of the bench's own, closed on cleanup. */
  query: Query;
  cpuWatch: CpuWatch;
  startWorkers: () => Promise<void>;
  /** Throws when a hub died on its own. */
  assertAlive: () => void;
}

/** A fresh database and queue for one run, and what the hub children and the bench reach them with. */
export interface ScaleOutStorage {
  database: BenchPostgres;
  queueName: string;
  /** `baseEnv` plus DATABASE_URL, REDIS_URL, PLAINT_QUEUE_NAME and PLAINT_DATA_DIR. */
  env: Record<string, string>;
  /** Over a small pool of the bench's own. */
  query: Query;
}

/**
 * Creates and migrates a database, names a queue, and opens a small pool on the database; the cleanup closes the
 * pool, obliterates the queue and drops the database.
 */
export async function freshStorage(
  options: Pick<BenchOptions, "postgresAdminUrl" | "redisUrl">,
  cleanup: Cleanup,
  setup: BenchSetup,
  baseEnv: Record<string, string> = setup.env,
): Promise<ScaleOutStorage> {
  const database = await createBenchPostgres(options.postgresAdminUrl);
  cleanup.add(`drop database ${database.name}`, () => database.drop());
  await withRedis(options.redisUrl, async (redis) => void (await redis.ping()));
  await migrateOnly({ databaseUrl: database.url, dataDir: setup.dir });
  const queueName = `plaint-bench-${randomUUID()}`;
  cleanup.add(`obliterate queue ${queueName}`, () => obliterate(options.redisUrl, queueName));
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  cleanup.add("close bench pg pool", () => pool.end());
  return {
    database,
    queueName,
    env: {
      ...baseEnv,
      DATABASE_URL: database.url,
      REDIS_URL: options.redisUrl,
      PLAINT_QUEUE_NAME: queueName,
      PLAINT_DATA_DIR: path.join(setup.dir, "data"),
    },
    query: async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[],
  };
}

export async function startScaleOut(options: BenchOptions, cleanup: Cleanup, setup: BenchSetup): Promise<ScaleOut> {
  const storage = await freshStorage(options, cleanup, setup);
  const { database, queueName, query } = storage;
  const env = { ...storage.env, PLAINT_WORKER_CONCURRENCY: String(options.workerConcurrency) };
  const serve = new HubProcess("serve", env, "serve", setup.nodeArgs);
  cleanup.add("stop serve", () => serve.stop());
  const hubs = [serve];
  const workers: HubProcess[] = [];
  const workerPids: number[] = [];
  const port = await serve.ready();
  const baseUrl = `http://127.0.0.1:${port ?? "?"}`;
  await expectReady(baseUrl);
  log(`plaint serve pid ${serve.pid} on ${baseUrl}; database ${database.name}; queue ${queueName}`);
  return {
    database,
    queueName,
    serve,
    workers,
    hubs,
    workerPids,
    baseUrl,
    query,
    cpuWatch: {
      pids: { bench: [process.pid], serve: [serve.pid], worker: workerPids },
      classify: serverProcesses(database.name),
    },
    startWorkers: async () => {
      for (let index = 0; index < options.workers; index++) {
        const worker = new HubProcess("worker", env, `worker${index + 1}`, setup.nodeArgs);
        cleanup.add(`stop ${worker.label}`, () => worker.stop());
        workers.push(worker);
        hubs.push(worker);
        workerPids.push(worker.pid);
      }
      await Promise.all(workers.map((worker) => worker.ready()));
      log(`${workers.length} plaint worker (pid ${workerPids.join(", ")}) x concurrency ${options.workerConcurrency}`);
    },
    assertAlive: () => hubs.forEach((hub) => hub.assertRunning()),
  };
}

export async function expectReady(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/readyz`);
  if (response.status !== 200)
    throw new BenchFailure(`${baseUrl}/readyz answered ${response.status}: ${await response.text()}`);
}

/** Where the intake log stands; `processed` is null when the mode cannot count cheaply (embedded, over HTTP). */
export interface Progress {
  pending: boolean;
  processed: number | null;
  /** Items that ended failed or rejected: the pipeline refused or gave up on them. */
  failed: number;
}

/** The hubs a drain waits for. */
export interface DrainTarget {
  options: Pick<BenchOptions, "stallTimeoutS">;
  assertAlive(): void;
  progress(): Promise<Progress>;
}

/** The intake log of one connector as `progress` reads it, on PostgreSQL. */
export async function connectorProgress(query: Query, connectorId: string): Promise<Progress> {
  const [row] = await query<{ pending: number; processed: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status IN ('received', 'processing'))::int AS pending,
            count(*) FILTER (WHERE status = 'processed')::int AS processed,
            count(*) FILTER (WHERE status IN ('failed', 'rejected'))::int AS failed
       FROM intake_items WHERE connector_id = $1`,
    [connectorId],
  );
  return { pending: (row?.pending ?? 0) > 0, processed: row?.processed ?? 0, failed: row?.failed ?? 0 };
}

/**
 * Waits until nothing is pending. Fails when a hub died, an item ended failed/rejected, or (PostgreSQL) the
 * processed count stood still for the stall timeout / (embedded, which cannot count over HTTP) the deadline passed.
 * @returns epoch ms when the queue was seen empty.
 */
export async function drain(target: DrainTarget, label: string, phaseAccepted: number): Promise<number> {
  const started = Date.now();
  const stallMs = target.options.stallTimeoutS * 1000;
  // Embedded: assume at least 10 msg/s, plus the stall allowance.
  const deadline = started + stallMs + (phaseAccepted / 10) * 1000;
  let lastProcessed = -1;
  let lastChange = started;
  for (;;) {
    target.assertAlive();
    const progress = await target.progress();
    const now = Date.now();
    if (progress.failed > 0)
      throw new BenchFailure(`${label}: ${progress.failed} intake item(s) ended failed or rejected`);
    if (!progress.pending) {
      log(`${label}: drained ${round((now - started) / 1000, 1)} s after the last answer`);
      return now;
    }
    if (progress.processed !== null) {
      if (progress.processed !== lastProcessed) {
        lastProcessed = progress.processed;
        lastChange = now;
      } else if (now - lastChange > stallMs) {
        throw new BenchFailure(
          `${label}: messages lost or stuck: processed count stayed at ${lastProcessed} for ${target.options.stallTimeoutS} s`,
        );
      }
    } else if (now > deadline) {
      throw new BenchFailure(
        `${label}: messages lost or stuck: items still pending ${round((now - started) / 1000)} s after the last answer`,
      );
    }
    await sleep(250);
  }
}

/** The end-to-end figures of a throughput phase. */
export interface ThroughputResult {
  messages: number;
  connections: number;
  /** Accepted requests per second while posting. */
  acceptRate: number;
  /** N / (last processed_at − first post). */
  endToEndRate: number;
  endToEndSeconds: number;
  /** The same from the bench's polling (coarser, an upper bound on the time). */
  endToEndRateByPolling: number;
  processedAfterLastAcceptMs: number;
}

/** PostgreSQL's and Redis's counters at one moment, for the per-message figures of a phase. */
export interface ServerCounters {
  db: DatabaseStats;
  redis: { total: number; scripts: number };
}

interface DatabaseStats {
  xact_commit: number;
  tup_inserted: number;
  tup_updated: number;
}

export async function serverCounters(query: Query, database: string, redisUrl: string): Promise<ServerCounters> {
  return { db: await databaseStats(query, database), redis: await redisCommandCalls(redisUrl) };
}

/**
 * What the hubs cost PostgreSQL and Redis per message between two readings. `ownTransactions` are the bench's own
 * (its drain polls), taken out. Call it after the pools have idled for a moment: PostgreSQL publishes a backend's
 * counters when it goes idle.
 */
export function perMessage(
  before: ServerCounters,
  after: ServerCounters,
  messages: number,
  ownTransactions: number,
): Record<string, number> {
  return {
    pgTransactions: round((after.db.xact_commit - before.db.xact_commit - ownTransactions) / messages, 2),
    pgRowsInserted: round((after.db.tup_inserted - before.db.tup_inserted) / messages, 2),
    pgRowsUpdated: round((after.db.tup_updated - before.db.tup_updated) / messages, 2),
    redisCommands: round((after.redis.total - before.redis.total) / messages, 2),
    redisScriptCalls: round((after.redis.scripts - before.redis.scripts) / messages, 2),
  };
}

async function databaseStats(query: Query, name: string): Promise<DatabaseStats> {
  const [row] = await query<DatabaseStats>(
    `SELECT xact_commit::float8 AS xact_commit, tup_inserted::float8 AS tup_inserted, tup_updated::float8 AS tup_updated
       FROM pg_stat_database WHERE datname = $1`,
    [name],
  );
  return row ?? { xact_commit: 0, tup_inserted: 0, tup_updated: 0 };
}

/** Commands Redis has run since it started (server-wide: run the bench on a Redis nobody else is loading). */
async function redisCommandCalls(url: string): Promise<{ total: number; scripts: number }> {
  const info = await withRedis(url, (redis) => redis.info("commandstats"));
  let total = 0;
  let scripts = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const calls = Number(match[2]);
    total += calls;
    if (match[1] === "evalsha" || match[1] === "eval") scripts += calls;
  }
  return { total, scripts };
}
