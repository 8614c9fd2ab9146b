/**
 * `npm run bench` (channels suite): webhook messages per second per messaging channel, end to end, on PostgreSQL +
 * Redis (1 serve + 1 worker). For each channel of BENCH_CHANNELS (webhook, twilio, meta, slack) a fresh database and
 * queue, then N distinct messages signed as the vendor signs them, posted as fast as the load generator goes; the
 * rate runs from the first post to the last `processed_at`. See bench/README.md ("Channels benchmark").
 */
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { InboundRequest } from "../core/connector-contract/connector";
import { bindConnectors, loadConfigOrThrow } from "../core/hub";
import { channelsBenchConfigYaml, CHANNELS_PUBLIC_URL } from "./bench-config";
import {
  BenchFailure,
  Cleanup,
  cleanUpOnSignals,
  runMain,
  log,
  resultsHeader,
  runModes,
  summarizeProfiles,
  writeSetup,
  type CpuProfiles,
} from "./bench-run";
import {
  channelSecretsEnv,
  channelSpec,
  CHANNELS,
  newVendorSecrets,
  type ChannelName,
  type ChannelSecrets,
  type ChannelSpec,
} from "./channel-sources";
import { loadProblems, round, runAutocannon, type LatencySummary, type LoadResult } from "./load";
import { readOptions, type BenchOptions } from "./options";
import { finishRun, otherCpuRow, type TableRow } from "./report";
import { startCpuMonitor, waitForQuiet, type QuietReading } from "./resources";
import {
  connectorProgress,
  drain,
  perMessage,
  serverCounters,
  startScaleOut,
  type DrainTarget,
  type Query,
  type ThroughputResult,
} from "./scale-out";
import { serverVersions } from "./services";

/** The target for every channel, PostgreSQL + Redis, 1 serve + 1 worker. */
const TARGET_PER_SECOND = 1000;

/** Requests the in-process connector measurement runs (after as many unmeasured ones). */
const CONNECTOR_COST_REQUESTS = 5000;

interface ChannelsOptions extends BenchOptions {
  channels: ChannelName[];
  /**
   * BENCH_RETURNING_SENDERS=N: Twilio messages come from N numbers in turn instead of one new number each, so the
   * pipeline's look-ups for customers with history run (and each number's messages join its open case).
   */
  returningSenders: number | null;
  /** BENCH_RULES=N: N generated `case.created` routing rules active in the hub (bench/bench-rules.ts). */
  rules: number;
}

/** What the connector's own `verify` and `accept` cost per request, in this process (pure functions, no I/O). */
interface ConnectorCost {
  requests: number;
  verifyMicros: number;
  acceptMicros: number;
}

interface Integrity {
  /** Answers with the vendor's success status (warm-up and throughput). */
  answered: number;
  stored: number;
  byStatus: Record<string, number>;
  messages: number;
  distinctMessageIds: number;
  /** Distinct intake items the messages came from: one message per item means this equals `messages`. */
  distinctItems: number;
  cases: number;
  ok: boolean;
}

interface ChannelResult {
  channel: ChannelName;
  connectorId: string;
  answer: string;
  processes: string[];
  connectorCost: ConnectorCost;
  warmup: LoadResult;
  throughputLoad: LoadResult & { cpuPercentOfOneCore: Record<string, number>; quietBefore: QuietReading };
  throughput: ThroughputResult;
  acceptanceMs: LatencySummary;
  integrity: Integrity;
  perMessage: Record<string, number>;
  /** CPU ms per message by process group, first post → queue seen empty (includes the bench's own polling). */
  cpuMsPerMessage: Record<string, number>;
  /** Other processes' CPU during the throughput phase, % of one core. */
  otherCpu: number;
  hubWarnings: Record<string, Record<string, number>>;
  cpuProfiles?: CpuProfiles;
}

async function main(): Promise<number> {
  const options = readChannelsOptions();
  if (!options.modes.includes("postgres")) {
    log("channels bench: runs on PostgreSQL + Redis only, and BENCH_MODES leaves postgres out; skipped");
    return 0;
  }
  const startedAt = new Date();
  const cleanup = new Cleanup();
  cleanUpOnSignals(cleanup);
  const versions = await serverVersions(options.postgresAdminUrl, options.redisUrl);
  log(
    `channels bench: ${options.channels.join(", ")}; N=${options.throughputMessages.postgres} each, ` +
      `${options.throughputConnections} connections; ${cpus().length} cores; node ${process.version}`,
  );

  const { results, problems } = await runModes(
    options.channels,
    cleanup,
    (channel) => benchChannel(channel, options, cleanup),
    "channel ",
  );
  const rows = tableRows(results, options);
  const output = {
    ...resultsHeader(startedAt, problems, versions, options),
    target: { endToEndPerSecond: TARGET_PER_SECOND },
    table: rows,
    channels: results,
  };
  const disturbed = results.filter((result) => result.otherCpu > options.quietPercent).map((result) => result.channel);
  return finishRun(output, rows, startedAt, { suite: "channels", firstColumn: "channel", disturbed, problems });
}

function readChannelsOptions(env: NodeJS.ProcessEnv = process.env): ChannelsOptions {
  const raw = env["BENCH_CHANNELS"] ?? CHANNELS.join(",");
  const channels = raw
    .split(",")
    .map((channel) => channel.trim())
    .filter(Boolean);
  const unknown = channels.filter((channel) => !(CHANNELS as readonly string[]).includes(channel));
  if (unknown.length > 0 || channels.length === 0)
    throw new Error(`BENCH_CHANNELS: use a comma-separated list of ${CHANNELS.join(", ")} (got "${raw}")`);
  const returning = env["BENCH_RETURNING_SENDERS"]?.trim();
  const returningSenders = returning ? Number(returning) : null;
  if (returningSenders !== null && !(Number.isInteger(returningSenders) && returningSenders > 0))
    throw new Error(`BENCH_RETURNING_SENDERS: use a positive whole number (got "${returning ?? ""}")`);
  if (returningSenders !== null && channels.some((channel) => channel !== "twilio"))
    throw new Error("BENCH_RETURNING_SENDERS applies to the twilio channel only: set BENCH_CHANNELS=twilio");
  const rules = Number(env["BENCH_RULES"] ?? 0);
  if (!(Number.isInteger(rules) && rules >= 0)) throw new Error(`BENCH_RULES: use a whole number (got "${rules}")`);
  return { ...readOptions(env), channels: channels as ChannelName[], returningSenders, rules };
}

async function benchChannel(channel: ChannelName, options: ChannelsOptions, cleanup: Cleanup): Promise<ChannelResult> {
  const vendorSecrets = newVendorSecrets();
  const setup = writeSetup(cleanup, options, channelsBenchConfigYaml(options.rules), channelSecretsEnv(vendorSecrets));
  const secrets: ChannelSecrets = { ...vendorSecrets, webhookSecret: setup.secret };
  const runId = `c${randomBytes(3).toString("hex")}`;
  const spec = channelSpec(channel, secrets, runId, options.returningSenders);

  const connectorCost = measureConnector(
    channelSpec(channel, secrets, `${runId}x`),
    loadConfigOrThrow(path.join(setup.dir, "plaint.yaml"), setup.env),
  );
  log(
    `${channel}: connector verify ${connectorCost.verifyMicros} µs + accept ${connectorCost.acceptMicros} µs per request (in-process)`,
  );

  const scaleOut = await startScaleOut(options, cleanup, setup);
  await scaleOut.startWorkers();
  const { query, database, hubs, baseUrl } = scaleOut;
  let polls = 0;
  const target: DrainTarget = {
    options,
    assertAlive: scaleOut.assertAlive,
    progress: () => {
      polls++;
      return connectorProgress(query, spec.connectorId);
    },
  };
  const post = async (phase: string, amount: number, connections: number) => {
    const result = await runAutocannon({ baseUrl, phase, source: spec.source, connections, amount });
    const problems = loadProblems(result);
    if (result.completed !== amount) problems.push(`${phase}: ${result.completed} of ${amount} requests completed`);
    if (problems.length > 0) throw new BenchFailure(problems.join("; "));
    return result;
  };

  // Warm-up: JIT, pools and plans; drained, so the throughput phase starts on an empty queue.
  const warmup = await post("warm", Math.max(1, options.warmupMessages), 10);
  await drain(target, `${channel} warm-up`, warmup.completed);

  const n = options.throughputMessages.postgres;
  const quietBefore = await waitForQuiet(scaleOut.cpuWatch, options.quietPercent, options.quietWaitS * 1000);
  if (!quietBefore.quiet)
    log(`machine not quiet: other processes use ${quietBefore.otherPercent} % of a core; measuring anyway`);
  const countersBefore = await serverCounters(query, database.name, options.redisUrl);
  const pollsBefore = polls;
  const monitor = startCpuMonitor(scaleOut.cpuWatch);
  const throughputStartMs = Date.now();
  const monitorStarted = performance.now();
  const load = await post("tp", n, options.throughputConnections);
  const drainObservedMs = await drain(target, `${channel} throughput`, n);
  const cpu = monitor.stop();
  const monitoredMs = performance.now() - monitorStarted;
  // CPU milliseconds each process group spent per message, from the first post until the queue was seen empty.
  const cpuMsPerMessage = Object.fromEntries(
    Object.entries(cpu).map(([group, percent]) => [group, round(((percent / 100) * monitoredMs) / n, 2)]),
  );
  log(
    `${channel} tp: ${load.completed} answered ${spec.answer} in ${round(load.durationMs / 1000, 2)} s = ${load.achievedRate}/s; ` +
      `latency p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms; CPU % of a core ${JSON.stringify(cpu)}`,
  );
  // PostgreSQL publishes a backend's counters when it has been idle for a moment; let the pools go idle first.
  await sleep(2000);
  const countersAfter = await serverCounters(query, database.name, options.redisUrl);
  const perMessageCounts = perMessage(countersBefore, countersAfter, n, polls - pollsBefore + 1);

  for (const hub of hubs) await hub.stop();
  const cpuProfiles = summarizeProfiles(setup.profileDir, hubs);

  const [tp] = await query<{ processed: number; last_ms: number | null }>(
    `SELECT count(*) FILTER (WHERE status = 'processed')::int AS processed,
            (extract(epoch FROM max(processed_at)) * 1000)::float8 AS last_ms
       FROM intake_items WHERE connector_id = $1 AND received_at >= to_timestamp($2::float8 / 1000)`,
    [spec.connectorId, throughputStartMs],
  );
  if (!tp || tp.processed !== n || tp.last_ms === null)
    throw new BenchFailure(`${channel} throughput: ${tp?.processed ?? 0} of ${n} posted messages were processed`);
  const seconds = (tp.last_ms - throughputStartMs) / 1000;
  const throughput: ThroughputResult = {
    messages: n,
    connections: options.throughputConnections,
    acceptRate: load.achievedRate,
    endToEndRate: round(n / seconds, 1),
    endToEndSeconds: round(seconds, 3),
    endToEndRateByPolling: round(n / ((drainObservedMs - throughputStartMs) / 1000), 1),
    processedAfterLastAcceptMs: Math.round(tp.last_ms - (throughputStartMs + load.durationMs)),
  };
  const integrity = await checkIntegrity(query, spec, warmup.completed + load.completed, options.returningSenders);
  log(
    `${channel}: end to end ${throughput.endToEndRate} msg/s (${n} in ${throughput.endToEndSeconds} s; accepted at ${throughput.acceptRate}/s); ` +
      `integrity ok: ${integrity.stored} stored = processed = messages, ${integrity.cases} cases`,
  );
  return {
    channel,
    connectorId: spec.connectorId,
    answer: spec.answer,
    processes: [
      `plaint serve (API), pid ${scaleOut.serve.pid}`,
      ...scaleOut.workers.map((w) => `plaint worker (concurrency ${options.workerConcurrency}), pid ${w.pid}`),
      `bench (load generator, drain polling), pid ${process.pid}`,
      `PostgreSQL ${database.name} and Redis on 127.0.0.1 (shared servers)`,
    ],
    connectorCost,
    warmup,
    throughputLoad: { ...load, cpuPercentOfOneCore: cpu, quietBefore },
    throughput,
    acceptanceMs: load.latencyMs,
    integrity,
    perMessage: perMessageCounts,
    cpuMsPerMessage,
    otherCpu: cpu["other"] ?? 0,
    hubWarnings: Object.fromEntries(hubs.map((hub) => [hub.label, Object.fromEntries(hub.warnings)])),
    ...(cpuProfiles ? { cpuProfiles } : {}),
  };
}

/**
 * The connector's `verify` and `accept` on requests of the same shape, in this process: what the serve process pays
 * per request before the intake INSERT. Also proves the bench's signatures valid before any hub starts.
 */
function measureConnector(spec: ChannelSpec, config: ReturnType<typeof loadConfigOrThrow>): ConnectorCost {
  const bound = bindConnectors(config).get(spec.connectorId);
  const connector = bound?.config;
  const http = bound?.definition.http;
  if (!connector || !http) throw new BenchFailure(`no HTTP connector ${spec.connectorId} in the bench config`);
  const request = (): InboundRequest => {
    const message = spec.source.next("cost");
    return {
      rawBody: Buffer.from(message.body),
      headers: message.headers,
      receivedAt: new Date(),
      query: {},
      url: `${CHANNELS_PUBLIC_URL}${spec.source.path}`,
    };
  };
  const run = (count: number) => {
    const requests = Array.from({ length: count }, request);
    let verifyMs = 0;
    let acceptMs = 0;
    for (const inbound of requests) {
      const t0 = performance.now();
      const verdict = http.verify(connector, inbound);
      const t1 = performance.now();
      const accepted = http.accept(connector, inbound);
      acceptMs += performance.now() - t1;
      verifyMs += t1 - t0;
      if (!verdict.valid)
        throw new BenchFailure(`${spec.name}: the bench's own signature was refused (${verdict.reason})`);
      if (!accepted.ok || accepted.value.length !== 1)
        throw new BenchFailure(
          `${spec.name}: the bench's message was not accepted as one item: ${JSON.stringify(accepted)}`,
        );
    }
    return { verifyMs, acceptMs };
  };
  run(CONNECTOR_COST_REQUESTS);
  const measured = run(CONNECTOR_COST_REQUESTS);
  return {
    requests: CONNECTOR_COST_REQUESTS,
    verifyMicros: round((measured.verifyMs / CONNECTOR_COST_REQUESTS) * 1000, 1),
    acceptMicros: round((measured.acceptMs / CONNECTOR_COST_REQUESTS) * 1000, 1),
  };
}

/**
 * Every answered message is one stored intake item, processed, with exactly one message (distinct ids, one per
 * item), and, each sender being new, one case each; with returning senders, one case per sender (its chat's case).
 * The database is the channel's own, so everything in it counts.
 */
async function checkIntegrity(
  query: Query,
  spec: ChannelSpec,
  answered: number,
  returningSenders: number | null,
): Promise<Integrity> {
  const statuses = await query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM intake_items WHERE connector_id = $1 GROUP BY status`,
    [spec.connectorId],
  );
  const byStatus = Object.fromEntries(statuses.map((row) => [row.status, row.n]));
  const [messages] = await query<{ n: number; distinct_ids: number; distinct_items: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct_ids,
            count(DISTINCT intake_item_id)::int AS distinct_items
       FROM messages`,
  );
  const [cases] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM cases`);
  const stored = statuses.reduce((sum, row) => sum + row.n, 0);
  const integrity: Integrity = {
    answered,
    stored,
    byStatus,
    messages: messages?.n ?? 0,
    distinctMessageIds: messages?.distinct_ids ?? 0,
    distinctItems: messages?.distinct_items ?? 0,
    cases: cases?.n ?? 0,
    ok: false,
  };
  integrity.ok =
    stored === answered &&
    byStatus["processed"] === stored &&
    integrity.messages === stored &&
    integrity.distinctMessageIds === stored &&
    integrity.distinctItems === stored &&
    integrity.cases === (returningSenders === null ? stored : Math.min(returningSenders, stored));
  if (!integrity.ok)
    throw new BenchFailure(
      `${spec.name} integrity: ${JSON.stringify(integrity)} (expected every answered message stored and processed once, as ${returningSenders === null ? "one case each" : "one case per sender"})`,
    );
  return integrity;
}

function tableRows(results: readonly ChannelResult[], options: ChannelsOptions): TableRow[] {
  const rows: TableRow[] = [];
  const rate = (value: number) => `${Math.round(value).toLocaleString("en-US")} msg/s`;
  const count = (value: number) => value.toLocaleString("en-US");
  for (const result of results) {
    const mode = result.channel;
    const { throughput, integrity } = result;
    rows.push({
      mode,
      metric: `end-to-end throughput (N=${count(throughput.messages)}, ${throughput.connections} conns, 1 serve + ${options.workers} worker)`,
      value: rate(throughput.endToEndRate),
      target: `≥ ${count(TARGET_PER_SECOND)} msg/s`,
      pass: throughput.endToEndRate >= TARGET_PER_SECOND,
    });
    rows.push({
      mode,
      metric: `accept rate while posting (every answer ${result.answer})`,
      value: rate(throughput.acceptRate),
      target: "",
      pass: null,
    });
    rows.push({
      mode,
      metric: "acceptance p50 / p99 while posting",
      value: `${result.acceptanceMs.p50.toFixed(1)} / ${result.acceptanceMs.p99.toFixed(1)} ms`,
      target: "",
      pass: null,
    });
    rows.push({
      mode,
      metric: "integrity: items = processed = messages (distinct, 1 per item) = cases",
      value: `${count(integrity.stored)} of ${count(integrity.answered)}`,
      target: "all",
      pass: integrity.ok,
    });
    rows.push({
      mode,
      metric: "connector verify + accept per request (in-process)",
      value: `${result.connectorCost.verifyMicros} + ${result.connectorCost.acceptMicros} µs`,
      target: "",
      pass: null,
    });
    const groups = ["serve", "worker", "postgres", "redis", "bench", "machine"];
    const cpu = result.throughputLoad.cpuPercentOfOneCore;
    rows.push({
      mode,
      metric: `CPU % of a core: ${groups.join(" / ")}`,
      value: groups.map((group) => cpu[group] ?? 0).join(" / "),
      target: "",
      pass: null,
    });
    rows.push({
      mode,
      metric: `CPU ms per message: ${groups.join(" / ")}`,
      value: groups.map((group) => (result.cpuMsPerMessage[group] ?? 0).toFixed(2)).join(" / "),
      target: "",
      pass: null,
    });
    rows.push(otherCpuRow(mode, "", result.otherCpu, options.quietPercent));
  }
  return rows;
}

runMain(main);
