/**
 * `npm run bench` (second suite): mails per second from an IMAP folder to cases, on the private test Dovecot, in the
 * embedded mode (`plaint start`, PGlite) and the scale-out mode (`plaint serve` + `plaint worker`, PostgreSQL +
 * Redis). Each mode gets a fresh folder holding BENCH_EMAIL_N generated mails; the clock runs from the hub's start
 * until the last of them is processed. See bench/README.md.
 */
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PGlite } from "@electric-sql/pglite";
import { acquireEmbeddedLock } from "../core/kernel/db/embedded-lock";
import { emailBenchConfigYaml } from "./bench-config";
import {
  BenchFailure,
  Cleanup,
  cleanUpOnSignals,
  describe,
  runMain,
  log,
  migrateEmbedded,
  resultsHeader,
  runModes,
  serverProcesses,
  summarizeProfiles,
  writeSetup,
  type BenchSetup,
  type CpuProfiles,
} from "./bench-run";
import { benchDovecot, deleteFolder, ensureDovecot, fillFolder, fillMaildir, type FillResult } from "./email-dovecot";
import { generateMails, summarizeMails, type BenchMail, type MailSetSummary } from "./email-mails";
import { collect, CONNECTOR_ID, type Query } from "./email-collect";
import { EMAIL_TARGETS, emailTableRows, type EmailModeResult } from "./email-report";
import { HubProcess } from "./hub-process";
import { round } from "./load";
import { readEmailOptions, type BenchMode, type EmailBenchOptions } from "./options";
import { finishRun } from "./report";
import { startCpuMonitor, waitForQuiet, type CpuWatch } from "./resources";
import { freshStorage } from "./scale-out";
import { serverVersions } from "./services";

/** What the wait loop can see while the hubs run. */
interface Progress {
  /** Items processed or ignored; null when the mode cannot count cheaply (embedded: PGlite is inside the hub). */
  finished: number | null;
  pending: boolean;
  failed: number;
}

interface MeasuredRun {
  t0: number;
  readyMs: number;
  doneMs: number;
  running: RunningMode;
  cpu: Record<string, number>;
  quietBefore: EmailModeResult["quietBefore"];
}

/** One mode's running hubs, as the measurement sees them. */
interface RunningMode {
  /** The hubs started at t0 (the measured ones) and, for scale-out, the serve process started before. */
  hubs: HubProcess[];
  measured: HubProcess[];
  cpuWatch: CpuWatch;
  progress(): Promise<Progress>;
}

async function main(): Promise<number> {
  const options = readEmailOptions();
  const startedAt = new Date();
  const cleanup = new Cleanup();
  cleanUpOnSignals(cleanup);
  const versions = options.modes.includes("postgres")
    ? await serverVersions(options.postgresAdminUrl, options.redisUrl)
    : { postgres: null, redis: null };
  log(`email bench: modes ${options.modes.join(", ")}; ${options.emailMessages} mails each; ${cpus().length} cores`);
  await ensureDovecot();

  let mailSet: MailSetSummary | null = null;
  const { results, problems } = await runModes(
    options.modes,
    cleanup,
    (mode) => {
      const token = `${mode}-${randomBytes(4).toString("hex")}`;
      const mails = generateMails(options.emailMessages, token, options.emailSeed);
      mailSet ??= summarizeMails(mails);
      return benchMode(mode, options, mails, token, cleanup);
    },
    "email ",
  );
  const rows = emailTableRows(results, options);
  const output = {
    ...resultsHeader(startedAt, problems, versions, options),
    targets: EMAIL_TARGETS,
    mailSet,
    table: rows,
    modes: results,
  };
  return finishRun(output, rows, startedAt, { suite: "email", problems });
}

async function benchMode(
  mode: BenchMode,
  options: EmailBenchOptions,
  mails: readonly BenchMail[],
  token: string,
  cleanup: Cleanup,
): Promise<EmailModeResult> {
  const folder = `plaint-bench-${token}`;
  cleanup.add(`delete IMAP folder ${folder}`, () => deleteFolder(folder));
  log(`filling ${folder} with ${mails.length} mails (${options.emailFill === "append" ? "IMAP APPEND" : "Maildir"})`);
  const raw = mails.map((mail) => mail.raw);
  const fill = options.emailFill === "append" ? await fillFolder(folder, raw) : await fillMaildir(folder, raw);
  log(`filled in ${round(fill.ms / 1000, 1)} s (${fill.perSecond} mails/s, ${round(fill.bytes / 1e6, 1)} MB)`);

  const yaml = emailBenchConfigYaml(
    folder,
    benchDovecot,
    options.imapBatchSize === null ? {} : { batchSize: options.imapBatchSize },
  );
  const setup = writeSetup(cleanup, options, yaml, { BENCH_IMAP_PASSWORD: benchDovecot.password });
  const env = { ...setup.env, PLAINT_WORKER_CONCURRENCY: String(options.workerConcurrency) };
  if (mode === "embedded") return benchEmbedded(options, mails, folder, fill, setup, env, cleanup);
  return benchPostgres(options, mails, folder, fill, setup, env, cleanup);
}

async function benchEmbedded(
  options: EmailBenchOptions,
  mails: readonly BenchMail[],
  folder: string,
  fill: FillResult,
  setup: BenchSetup,
  env: Record<string, string>,
  cleanup: Cleanup,
): Promise<EmailModeResult> {
  const dataDir = path.join(setup.dir, "data");
  await migrateEmbedded(dataDir);
  let hub: HubProcess | null = null;
  const imap = { taken: 0 };
  const start = (): RunningMode => {
    const started = new HubProcess("start", { ...env, PLAINT_DATA_DIR: dataDir }, "start", setup.nodeArgs);
    hub = started;
    cleanup.add("stop embedded hub", () => started.stop());
    followImap(started, imap);
    let baseUrl: string | null = null;
    const any = async (status: string) => {
      baseUrl ??= `http://127.0.0.1:${(await started.ready()) ?? "?"}`;
      const response = await fetch(`${baseUrl}/v1/intake?status=${status}&limit=1`, {
        headers: { authorization: `Bearer ${setup.viewerKey}` },
      });
      if (response.status !== 200) throw new BenchFailure(`GET /v1/intake answered ${response.status}`);
      return ((await response.json()) as { items: unknown[] }).items.length > 0;
    };
    return {
      hubs: [started],
      measured: [started],
      cpuWatch: { pids: { bench: [process.pid], hub: [started.pid] }, classify: dovecotProcesses },
      progress: async () => {
        let answers: boolean[];
        try {
          answers = await Promise.all(["received", "processing", "failed", "rejected"].map(any));
        } catch (error) {
          // A hub whose one thread is busy in PGlite may not answer in time: ask again; the deadline bounds the wait.
          log(
            `progress: GET /v1/intake failed (${describe(error)}; ${describe((error as Error).cause)}); asking again`,
          );
          return { finished: null, pending: true, failed: 0 };
        }
        const [received, processing, failed, rejected] = answers;
        // PGlite lives inside the hub: it cannot count for us, but its log says how many mails the intake took.
        const pending = Boolean(received || processing) || imap.taken < mails.length;
        return { finished: null, pending, failed: failed || rejected ? 1 : 0 };
      },
    };
  };
  const run = await measure(options, mails.length, start);
  const stopped = hub as HubProcess | null;
  await stopped?.stop();
  const figures = summarizeProfiles(setup.profileDir, run.running.hubs);
  const lock = acquireEmbeddedLock(dataDir);
  const pglite = new PGlite({ dataDir: path.join(dataDir, "pglite") });
  try {
    await pglite.waitReady;
    const query: Query = async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows;
    const collected = await collect(query, mails, folder, run);
    return {
      mode: "embedded",
      processes: [
        `plaint start (IMAP intake + API + ${options.workerConcurrency} workers + PGlite + in-process queue), pid ${stopped?.pid ?? "?"}`,
        `bench (progress polling over HTTP), pid ${process.pid}`,
        `Dovecot on 127.0.0.1:${benchDovecot.port}`,
      ],
      settings: { workerConcurrency: options.workerConcurrency, imapBatchSize: options.imapBatchSize },
      fill,
      ...collected,
      ...runFigures(run, mails.length, figures),
    };
  } finally {
    await pglite.close();
    lock();
  }
}

async function benchPostgres(
  options: EmailBenchOptions,
  mails: readonly BenchMail[],
  folder: string,
  fill: FillResult,
  setup: BenchSetup,
  baseEnv: Record<string, string>,
  cleanup: Cleanup,
): Promise<EmailModeResult> {
  const { database, queueName, env, query } = await freshStorage(options, cleanup, setup, baseEnv);
  // The API takes no part in email intake; it runs (started before the clock) because a deployment has it.
  const serve = new HubProcess("serve", env, "serve", setup.nodeArgs);
  cleanup.add("stop serve", () => serve.stop());
  await serve.ready();
  log(`plaint serve pid ${serve.pid}; database ${database.name}; queue ${queueName}`);
  const imap = { taken: 0 };
  const start = (): RunningMode => {
    const workers: HubProcess[] = [];
    for (let index = 0; index < options.workers; index++) {
      const worker = new HubProcess("worker", env, `worker${index + 1}`, setup.nodeArgs);
      cleanup.add(`stop ${worker.label}`, () => worker.stop());
      followImap(worker, imap);
      workers.push(worker);
    }
    return {
      hubs: [serve, ...workers],
      measured: workers,
      cpuWatch: {
        pids: { bench: [process.pid], serve: [serve.pid], worker: workers.map((worker) => worker.pid) },
        classify: (comm, cmdline) => serverProcesses(database.name)(comm, cmdline) ?? dovecotProcesses(comm, cmdline),
      },
      progress: async () => {
        const [row] = await query<{ finished: number; pending: number; failed: number }>(
          `SELECT count(*) FILTER (WHERE status IN ('processed', 'ignored'))::int AS finished,
                  count(*) FILTER (WHERE status IN ('received', 'processing'))::int AS pending,
                  count(*) FILTER (WHERE status IN ('failed', 'rejected'))::int AS failed
             FROM intake_items WHERE connector_id = $1`,
          [CONNECTOR_ID],
        );
        const finished = row?.finished ?? 0;
        return { finished, pending: finished < mails.length, failed: row?.failed ?? 0 };
      },
    };
  };
  const run = await measure(options, mails.length, start);
  // PostgreSQL publishes a backend's counters when it has been idle for a moment; the figures come from rows anyway.
  for (const hub of [...run.running.measured].reverse()) await hub.stop();
  await serve.stop();
  const figures = summarizeProfiles(setup.profileDir, run.running.hubs);
  const collected = await collect(query, mails, folder, run);
  return {
    mode: "postgres",
    processes: [
      ...run.running.measured.map(
        (w) => `plaint worker (IMAP intake + ${options.workerConcurrency} concurrent jobs), pid ${w.pid}`,
      ),
      `plaint serve (API, idle here), pid ${serve.pid}`,
      `bench (progress polling), pid ${process.pid}`,
      `PostgreSQL ${database.name}, Redis and Dovecot on 127.0.0.1 (shared servers)`,
    ],
    settings: {
      workers: options.workers,
      workerConcurrency: options.workerConcurrency,
      imapBatchSize: options.imapBatchSize,
    },
    fill,
    ...collected,
    ...runFigures(run, mails.length, figures),
  };
}

/** The run's own figures: when the bench saw it end, CPU by process group and per mail, the hubs' warnings. */
function runFigures(run: MeasuredRun, n: number, cpuProfiles: CpuProfiles | undefined) {
  return {
    waitObservedMs: run.doneMs - run.t0,
    cpuPercentOfOneCore: run.cpu,
    cpuMsPerMail: cpuPerMail(run, n),
    quietBefore: run.quietBefore,
    hubWarnings: Object.fromEntries(run.running.hubs.map((h) => [h.label, Object.fromEntries(h.warnings)])),
    ...(cpuProfiles ? { cpuProfiles } : {}),
  };
}

/** CPU milliseconds per mail of each process group, start-up included: where a mail's cost goes. */
function cpuPerMail(run: MeasuredRun, n: number): Record<string, number> {
  const seconds = (run.doneMs - run.t0) / 1000;
  return Object.fromEntries(
    Object.entries(run.cpu)
      .filter(([group]) => group !== "machine" && group !== "other")
      .map(([group, percent]) => [group, round(((percent / 100) * seconds * 1000) / n, 2)]),
  );
}

/** Dovecot's processes ("dovecot/imap", "dovecot/auth" …): the IMAP server's share of the machine. */
function dovecotProcesses(comm: string, cmdline: string): string | null {
  return comm === "dovecot" || cmdline.startsWith("dovecot/") ? "dovecot" : null;
}

/** Adds up what the hub's IMAP intake logs it took ("imap mails taken" at the end of each sync). */
function followImap(hub: HubProcess, imap: { taken: number }): void {
  hub.onLog((entry) => {
    if (entry["msg"] === "imap mails taken" && typeof entry["done"] === "number") imap.taken += entry["done"];
    if (entry["msg"] === "imap backfill progress")
      log(
        `${hub.label}: IMAP intake ${String(entry["done"])}/${String(entry["total"])}, ${String(entry["perSecond"])}/s`,
      );
  });
}

/**
 * Waits for a quiet machine, starts the hubs (t0), and waits until every mail is processed. Fails when a hub dies,
 * an item ends failed/rejected, or nothing moves for the stall timeout (embedded, which cannot count: a deadline).
 */
async function measure(options: EmailBenchOptions, n: number, start: () => RunningMode): Promise<MeasuredRun> {
  const quietWatch: CpuWatch = { pids: { bench: [process.pid] }, classify: dovecotProcesses };
  const quietBefore = await waitForQuiet(quietWatch, options.quietPercent, options.quietWaitS * 1000);
  if (!quietBefore.quiet) log(`machine not quiet: other processes use ${quietBefore.otherPercent} % of a core`);
  const t0 = Date.now();
  const running = start();
  const monitor = startCpuMonitor(running.cpuWatch);
  await Promise.all(running.measured.map((hub) => hub.ready()));
  const readyMs = Date.now() - t0;
  log(`hub ready ${readyMs} ms after start: ${running.measured.map((hub) => hub.label).join(", ")}`);
  const stallMs = options.stallTimeoutS * 1000;
  const deadline = t0 + stallMs + (n / 10) * 1000;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    for (const hub of running.hubs) hub.assertRunning();
    const progress = await running.progress();
    const now = Date.now();
    if (progress.failed > 0) throw new BenchFailure(`${progress.failed} intake item(s) ended failed or rejected`);
    if (!progress.pending) {
      const cpu = monitor.stop();
      log(`all ${n} mails processed, seen ${round((now - t0) / 1000, 1)} s after the hub started`);
      return { t0, readyMs, doneMs: now, running, cpu, quietBefore };
    }
    if (progress.finished !== null) {
      if (progress.finished !== last) {
        last = progress.finished;
        lastChange = now;
      } else if (now - lastChange > stallMs) {
        throw new BenchFailure(`stuck: ${last} of ${n} mails processed, no progress for ${options.stallTimeoutS} s`);
      }
    } else if (now > deadline) {
      throw new BenchFailure(`stuck: mails still pending ${round((now - t0) / 1000)} s after the hub started`);
    }
    await sleep(250);
  }
}

runMain(main);
