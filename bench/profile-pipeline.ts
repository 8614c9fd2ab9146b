/**
 * `npm run build:tools && node dist/bench/profile-pipeline.js`: where a worker's time goes, without HTTP or BullMQ.
 * On a fresh PostgreSQL database it drives the real pipeline code (recordIntake + createIntakeHandler) in this
 * process, on the Database core's openDatabase returns (so the same pool, Prisma client and raw-SQL paths as a
 * hub), counting every statement at the pg driver (whichever layer sent it), and prints:
 *  - per message: queries (by statement), round trips inside the transaction, wall time, CPU time;
 *  - pipeline-only throughput at a few concurrencies (the worker's ceiling on one core; the pipeline gathers
 *    concurrent jobs into micro-batches, so concurrency is also the largest batch);
 *  - for comparison, the original one-job-at-a-time statements (before micro-batching) written by hand with `pg`;
 *  - the same writes as two statements (read the item, then one data-modifying CTE), to show what fewer round
 *    trips save PostgreSQL;
 *  - BullMQ alone (a no-op worker draining the same number of jobs), to show what the queue costs a worker.
 * With PROFILE_CPU=1 the V8 CPU profiler records each concurrent run; the self time is printed by where the code
 * lives (Prisma runtime, its WASM query compiler, pg, Node internals, GC, idle) and the .cpuprofile files are
 * kept in a temporary folder for Chrome DevTools.
 * Knobs: PROFILE_SEQUENTIAL (200), PROFILE_MESSAGES (2000), PROFILE_CONCURRENCY ("1,8,16,32"), PROFILE_POOL (10),
 * PROFILE_CPU (0), BENCH_POSTGRES_URL, BENCH_REDIS_URL (redis://127.0.0.1:6379; "none" skips the BullMQ part).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session, type Profiler } from "node:inspector";
import { performance } from "node:perf_hooks";
import { Queue, Worker } from "bullmq";
import pg from "pg";
import { bindConnectors, loadConfigOrThrow } from "../core/hub";
import { openDatabase } from "../core/kernel/db/database";
import { recordIntake } from "../core/store/intake.store";
import { createLogger } from "../core/kernel/logger";
import { createIntakeHandler, ingestSettings } from "../core/pipeline/process-intake";
import { inboundMessageKey } from "../core/pipeline/idempotency-key";
import { benchConfigYaml } from "./bench-config";
import { round, summarize } from "./load";
import { selfTimeByOrigin } from "./cpu-profile";
import { startCpuMonitor, type CpuWatch } from "./resources";
import { createBenchPostgres } from "./services";

interface QueryRecord {
  query: string;
  durationMs: number;
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

function body(id: string): string {
  return JSON.stringify({
    id,
    message: `Complaint ${id}: my order arrived broken.`,
    subject: `Order ${id}`,
    email: `customer-${id}@example.com`,
    name: "Bench Customer",
  });
}

/** Collapses a statement to its shape so that identical statements group together. */
function shape(query: string): string {
  return query
    .replace(/\s+/g, " ")
    .replace(/"public"\./g, "")
    .replace(/\$\d+/g, "?")
    .slice(0, 140);
}

async function main(): Promise<void> {
  const adminUrl =
    process.env["BENCH_POSTGRES_URL"] ??
    process.env["PLAINT_TEST_POSTGRES_URL"] ??
    "postgres://postgres@127.0.0.1:5432/postgres";
  const sequential = envInt("PROFILE_SEQUENTIAL", 200);
  const messages = envInt("PROFILE_MESSAGES", 2000);
  const poolSize = envInt("PROFILE_POOL", 10);
  const concurrencies = (process.env["PROFILE_CONCURRENCY"] ?? "1,8,16,32")
    .split(",")
    .map(Number)
    .filter((n) => n > 0);

  const dir = mkdtempSync(path.join(tmpdir(), "plaint-profile-"));
  const database = await createBenchPostgres(adminUrl);
  const configPath = path.join(dir, "plaint.yaml");
  writeFileSync(configPath, benchConfigYaml());
  const config = loadConfigOrThrow(configPath, {
    BENCH_WEBHOOK_SECRET: "profile-secret-0123456789",
    BENCH_VIEWER_KEY: "profile-viewer-key-0123456789",
  });
  const lean = new pg.Pool({ connectionString: database.url, max: poolSize });
  // Ours to end before the database is dropped (DROP … WITH (FORCE) kills idle connections, and a pool without an
  // error listener would crash the process over it).
  lean.on("error", () => undefined);
  const hubDatabase = await openDatabase({ databaseUrl: database.url, dataDir: dir, migrate: true, poolSize });
  try {
    // Every statement of the hub's code reaches PostgreSQL through pg.Client#query: Prisma's adapter, the raw SQL
    // paths and transactions alike.
    let recording: QueryRecord[] | null = null;
    const restoreDriver = countStatements((record) => recording?.push(record));
    const pipeline = {
      database: hubDatabase,
      connectors: bindConnectors(config),
      settings: ingestSettings(config, bindConnectors(config)),
      logger: createLogger("silent"),
    };
    const handler = createIntakeHandler(pipeline);
    let seq = 0;
    const accept = async (prefix: string) => {
      const externalId = `${prefix}-${++seq}`;
      const recorded = await recordIntake(hubDatabase, {
        connectorId: "webform",
        channel: "webhook",
        externalId,
        rawBody: body(externalId),
        meta: { contentType: "application/json" },
        receivedAt: new Date(),
      });
      return recorded.id;
    };

    // 1. One message at a time: what a job is made of.
    for (let i = 0; i < 50; i++) await handler(await accept("warm"), { number: 1, final: true });
    const acceptQueries: number[] = [];
    const jobQueries: number[] = [];
    const jobWall: number[] = [];
    const jobCpu: number[] = [];
    const jobDbTime: number[] = [];
    const shapes = new Map<string, { count: number; timed: number; totalMs: number }>();
    for (let i = 0; i < sequential; i++) {
      recording = [];
      const id = await accept("seq");
      acceptQueries.push(recording.length);
      recording = [];
      const cpu = process.cpuUsage();
      const started = performance.now();
      await handler(id, { number: 1, final: true });
      jobWall.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      jobCpu.push((used.user + used.system) / 1000);
      jobQueries.push(recording.length);
      jobDbTime.push(
        recording.reduce((sum, record) => sum + (Number.isFinite(record.durationMs) ? record.durationMs : 0), 0),
      );
      for (const record of recording) {
        const key = shape(record.query);
        const entry = shapes.get(key) ?? { count: 0, timed: 0, totalMs: 0 };
        entry.count++;
        if (Number.isFinite(record.durationMs)) {
          entry.timed++;
          entry.totalMs += record.durationMs;
        }
        shapes.set(key, entry);
      }
    }
    recording = null;
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`\n== one message at a time (${sequential} messages, PostgreSQL on loopback, pool ${poolSize}) ==`);
    out(`accept (recordIntake): ${summarize(acceptQueries).p50} statement(s)`);
    out(
      `job: ${summarize(jobQueries).p50} statements; wall p50 ${summarize(jobWall).p50} ms (includes the micro-batcher's wait); ` +
        `CPU p50 ${summarize(jobCpu).p50} ms; time in statements p50 ${summarize(jobDbTime).p50} ms`,
    );
    out(
      `statements per job (count/job, mean ms from send to result; "-" when sent through pool.query, which takes a callback):`,
    );
    for (const [key, entry] of [...shapes.entries()].sort((a, b) => b[1].count - a[1].count)) {
      const mean = entry.timed > 0 ? `${round(entry.totalMs / entry.timed, 2)} ms` : "- ms";
      out(
        `  ${round(entry.count / sequential, 2)
          .toString()
          .padStart(5)} x ${mean.padStart(9)}  ${key}`,
      );
    }

    const cpuProfile = process.env["PROFILE_CPU"] === "1" ? await startProfiler(dir) : null;
    // The backends serving this database (their process title names it), to see what a job costs PostgreSQL.
    const watch: CpuWatch = {
      pids: {},
      classify: (comm, cmdline) => (comm === "postgres" && cmdline.includes(` ${database.name} `) ? "postgres" : null),
    };

    // 2. Many at once: the pipeline's ceiling in one process (no HTTP, no BullMQ).
    out(`\n== pipeline only, ${messages} messages accepted first, then processed in this process ==`);
    for (const concurrency of concurrencies) {
      const ids: string[] = [];
      for (let i = 0; i < messages; i++) ids.push(await accept(`c${concurrency}`));
      await cpuProfile?.start();
      const result = await timed(ids, concurrency, watch, (id) => handler(id, { number: 1, final: true }));
      out(`hub pipeline     concurrency ${String(concurrency).padStart(3)}: ${describeRun(result)}`);
      await cpuProfile?.stop(`pipeline-c${concurrency}`, out);
    }
    // The micro-batcher flushes at 100 items or after 5 ms; with fewer jobs in flight than 100 every batch waits the
    // 5 ms. The same pipeline with batches capped at the concurrency shows what that wait costs.
    for (const concurrency of concurrencies.filter((c) => c > 1 && c < 100)) {
      const capped = createIntakeHandler({ ...pipeline, batch: { maxBatch: concurrency, maxWaitMs: 5 } });
      const ids: string[] = [];
      for (let i = 0; i < messages; i++) ids.push(await accept(`b${concurrency}`));
      const result = await timed(ids, concurrency, watch, (id) => capped(id, { number: 1, final: true }));
      out(`maxBatch = conc  concurrency ${String(concurrency).padStart(3)}: ${describeRun(result)}`);
    }

    restoreDriver();
    // 3. For comparison: the one-job-at-a-time statements of the first pipeline, hand-written with pg.
    for (const concurrency of concurrencies) {
      const ids: string[] = [];
      for (let i = 0; i < messages; i++) ids.push(await accept(`l${concurrency}`));
      await cpuProfile?.start();
      const result = await timed(ids, concurrency, watch, (id) => leanJob(lean, id));
      out(`hand-written pg  concurrency ${String(concurrency).padStart(3)}: ${describeRun(result)}`);
      await cpuProfile?.stop(`lean-c${concurrency}`, out);
    }
    for (const concurrency of concurrencies) {
      const ids: string[] = [];
      for (let i = 0; i < messages; i++) ids.push(await accept(`t${concurrency}`));
      const result = await timed(ids, concurrency, watch, (id) => twoStatementJob(lean, id));
      out(`two statements   concurrency ${String(concurrency).padStart(3)}: ${describeRun(result)}`);
    }
    const redisUrl = process.env["BENCH_REDIS_URL"] ?? "redis://127.0.0.1:6379";
    if (redisUrl !== "none") {
      for (const concurrency of concurrencies) {
        const result = await bullmqAlone(redisUrl, messages, concurrency);
        out(
          `BullMQ no-op     concurrency ${String(concurrency).padStart(3)}: ${result.rate} jobs/s; this process ${result.cpuPercent} % of a core (${result.msPerJob} ms/job), Redis ${result.redisPercent} %`,
        );
      }
    }
    const [check] = (
      await lean.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM intake_items WHERE status <> 'processed'`,
      )
    ).rows;
    if ((check?.pending ?? 1) !== 0) throw new Error(`${check?.pending ?? "?"} intake items were left unprocessed`);
  } finally {
    await hubDatabase.close();
    await lean.end();
    await database.drop();
    if (process.env["PROFILE_CPU"] !== "1") rmSync(dir, { recursive: true, force: true });
  }
}

function describeRun(result: {
  rate: number;
  cpuPercent: number;
  postgresPercent: number;
  postgresMsPerMessage: number;
}): string {
  const nodeMs = round((result.cpuPercent / 100 / result.rate) * 1000, 2);
  return (
    `${result.rate} msg/s; this process ${result.cpuPercent} % of a core (${nodeMs} ms/msg), ` +
    `PostgreSQL backends ${result.postgresPercent} % (${result.postgresMsPerMessage} ms/msg)`
  );
}

/** The V8 profiler through the inspector protocol, so only the runs of interest are recorded. */
async function startProfiler(dir: string) {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 200 });
  return {
    start: () => post("Profiler.start"),
    async stop(name: string, out: (line: string) => void) {
      const { profile } = await post<{ profile: Profiler.Profile }>("Profiler.stop");
      const file = path.join(dir, `${name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      out(`  self time by origin (${file}):`);
      for (const [origin, share] of selfTimeByOrigin(profile).slice(0, 9))
        out(Number.isNaN(share) ? `    ${origin}` : `    ${share.toFixed(1).padStart(5)} %  ${origin}`);
    },
  };
}

/**
 * Wraps pg.Client#query so that `onStatement` sees each statement with the time until its result (NaN when the
 * caller used a callback). Returns the function that restores the driver.
 */
function countStatements(onStatement: (record: QueryRecord) => void): () => void {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]): unknown {
    const first = args[0];
    const text =
      typeof first === "string"
        ? first
        : typeof first === "object" && first && "text" in first
          ? String(first.text)
          : "?";
    const record: QueryRecord = { query: text, durationMs: NaN };
    onStatement(record);
    const started = performance.now();
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      void result.then(
        () => (record.durationMs = performance.now() - started),
        () => (record.durationMs = performance.now() - started),
      );
    }
    return result;
  };
  return () => {
    prototype.query = original;
  };
}

async function timed(
  ids: string[],
  concurrency: number,
  watch: CpuWatch,
  work: (id: string) => Promise<void>,
): Promise<{ rate: number; cpuPercent: number; postgresPercent: number; postgresMsPerMessage: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const monitor = startCpuMonitor(watch);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let id = ids[next++]; id !== undefined; id = ids[next++]) await work(id);
    }),
  );
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const postgresPercent = monitor.stop()["postgres"] ?? 0;
  return {
    rate: round((ids.length / elapsed) * 1000, 1),
    cpuPercent: Math.round(((used.user + used.system) / 1000 / elapsed) * 100),
    postgresPercent,
    postgresMsPerMessage: round(((postgresPercent / 100) * elapsed) / ids.length, 2),
  };
}

/**
 * processIntake + ingestMessage for a first message from a new sender, as plain SQL: the same reads and writes,
 * one statement per round trip, in one transaction (the attempts bump stays outside, as in the pipeline).
 */
async function leanJob(pool: pg.Pool, intakeId: string): Promise<void> {
  const item = (
    await pool.query<{ id: string; status: string; connector_id: string; raw_body: string; received_at: Date }>(
      `UPDATE intake_items SET attempts = attempts + 1 WHERE id = $1 RETURNING id, status, connector_id, raw_body, received_at`,
      [intakeId],
    )
  ).rows[0];
  if (!item || item.status === "processed") return;
  const payload = JSON.parse(item.raw_body) as {
    id: string;
    message: string;
    subject: string;
    email: string;
    name: string;
  };
  const key = inboundMessageKey(item.connector_id, payload.id);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const existing = await client.query(`SELECT id FROM messages WHERE idempotency_key = $1`, [key]);
    if (existing.rowCount === 0) {
      const customerId = randomUUID();
      await client.query(`INSERT INTO customers (id, display_name, updated_at) VALUES ($1, $2, now())`, [
        customerId,
        payload.name,
      ]);
      const identity = (
        await client.query<{ id: string }>(
          `INSERT INTO identities (id, customer_id, kind, value, name) VALUES ($1, $2, 'email', $3, $4)
           ON CONFLICT (kind, value) DO UPDATE SET kind = EXCLUDED.kind RETURNING id`,
          [randomUUID(), customerId, payload.email.toLowerCase(), payload.name],
        )
      ).rows[0];
      const caseId = randomUUID();
      await client.query(
        `INSERT INTO cases (id, customer_id, channel, subject, status, team, updated_at) VALUES ($1, $2, 'webhook', $3, 'new', 'support', now())`,
        [caseId, customerId, payload.subject],
      );
      await client.query(
        `INSERT INTO case_events (case_id, actor, type, reason, data) VALUES
           ($1, 'connector:webform', 'created', 'no open case matched the message', '{}'),
           ($1, 'system', 'routed', 'default team (routing.defaultTeam)', '{"team":"support"}')`,
        [caseId],
      );
      const messageId = randomUUID();
      await client.query(
        `INSERT INTO messages (id, idempotency_key, direction, channel, external_id, case_id, identity_id, intake_item_id, subject, text, full_text, sent_at)
         VALUES ($1, $2, 'in', 'webhook', $3, $4, $5, $6, $7, $8, $8, $9)`,
        [
          messageId,
          key,
          payload.id,
          caseId,
          identity?.id ?? null,
          intakeId,
          payload.subject,
          payload.message,
          item.received_at,
        ],
      );
      await client.query(
        `INSERT INTO case_events (case_id, actor, type, reason, data) VALUES ($1, 'connector:webform', 'message_added', 'first message of the case', $2)`,
        [caseId, JSON.stringify({ messageId, channel: "webhook" })],
      );
    }
    await client.query(
      `UPDATE intake_items SET status = 'processed', error = NULL, processed_at = now() WHERE id = $1`,
      [intakeId],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

/** Adds `jobs` jobs (as the API does), then times a no-op Worker (the plaint worker's options) draining them. */
async function bullmqAlone(redisUrl: string, jobs: number, concurrency: number) {
  const name = `plaint-profile-${randomUUID()}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(name, {
    connection,
    defaultJobOptions: { attempts: 5, removeOnComplete: true, removeOnFail: true },
  });
  const watch: CpuWatch = { pids: {}, classify: (comm) => (comm === "redis-server" ? "redis" : null) };
  try {
    for (let i = 0; i < jobs; i++) {
      const id = randomUUID();
      await queue.add("intake", { intakeId: id }, { jobId: id });
    }
    let done = 0;
    let finished: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (finished = resolve));
    const cpu = process.cpuUsage();
    const monitor = startCpuMonitor(watch);
    const started = performance.now();
    const worker = new Worker(
      name,
      () => {
        if (++done === jobs) finished();
        return Promise.resolve();
      },
      { connection, concurrency, lockDuration: 15_000, stalledInterval: 5_000, maxStalledCount: 3 },
    );
    await allDone;
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const redisPercent = monitor.stop()["redis"] ?? 0;
    await worker.close();
    const cpuPercent = Math.round(((used.user + used.system) / 1000 / elapsed) * 100);
    return {
      rate: round((jobs / elapsed) * 1000, 1),
      cpuPercent,
      msPerJob: round((used.user + used.system) / 1000 / jobs, 3),
      redisPercent,
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/** The same writes for a first message from a new sender in two round trips: read the item, then one CTE. */
async function twoStatementJob(pool: pg.Pool, intakeId: string): Promise<void> {
  const item = (
    await pool.query<{ status: string; connector_id: string; raw_body: string; received_at: Date }>(
      `UPDATE intake_items SET attempts = attempts + 1 WHERE id = $1 RETURNING status, connector_id, raw_body, received_at`,
      [intakeId],
    )
  ).rows[0];
  if (!item || item.status === "processed") return;
  const payload = JSON.parse(item.raw_body) as {
    id: string;
    message: string;
    subject: string;
    email: string;
    name: string;
  };
  const messageId = randomUUID();
  await pool.query(
    `WITH seen AS (SELECT 1 FROM messages WHERE idempotency_key = $1),
     cust AS (INSERT INTO customers (id, display_name, updated_at)
              SELECT $2::uuid, $3, now() WHERE NOT EXISTS (SELECT 1 FROM seen) RETURNING id),
     ident AS (INSERT INTO identities (id, customer_id, kind, value, name)
               SELECT $4::uuid, cust.id, 'email', $5, $3 FROM cust RETURNING id),
     opened AS (INSERT INTO cases (id, customer_id, channel, subject, status, team, updated_at)
                SELECT $6::uuid, cust.id, 'webhook', $7, 'new', 'support', now() FROM cust RETURNING id),
     msg AS (INSERT INTO messages (id, idempotency_key, direction, channel, external_id, case_id, identity_id, intake_item_id,
                                   subject, text, full_text, sent_at)
             SELECT $8::uuid, $1, 'in', 'webhook', $9, opened.id, ident.id, $10::uuid, $7, $11, $11, $12 FROM opened, ident
             RETURNING case_id),
     events AS (INSERT INTO case_events (case_id, actor, type, reason, data)
                SELECT msg.case_id, v.actor, v.type, v.reason, v.data::jsonb FROM msg,
                  (VALUES ('connector:webform', 'created', 'no open case matched the message', '{}'),
                          ('system', 'routed', 'default team (routing.defaultTeam)', '{"team":"support"}'),
                          ('connector:webform', 'message_added', 'first message of the case', $13)) AS v(actor, type, reason, data))
     UPDATE intake_items SET status = 'processed', error = NULL, processed_at = now() WHERE id = $10::uuid`,
    [
      inboundMessageKey(item.connector_id, payload.id),
      randomUUID(),
      payload.name,
      randomUUID(),
      payload.email.toLowerCase(),
      randomUUID(),
      payload.subject,
      messageId,
      payload.id,
      intakeId,
      payload.message,
      item.received_at,
      JSON.stringify({ messageId, channel: "webhook" }),
    ],
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
