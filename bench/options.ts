/** The bench's knobs, read once from the environment (see bench/README.md). */
export type BenchMode = "embedded" | "postgres";

export interface BenchOptions {
  modes: BenchMode[];
  /** Messages in the end-to-end throughput phase, per mode. */
  throughputMessages: Record<BenchMode, number>;
  /** Offered rate (requests/s) and duration of the acceptance-latency phase. */
  rate: number;
  durationS: number;
  /** Connections of the latency phase (autocannon spreads `rate` over them) and of the throughput phase. */
  latencyConnections: number;
  throughputConnections: number;
  /**
   * Modes that also measure latency with an evenly paced open-loop generator (autocannon's rate limiter sends
   * bursts). Not the embedded mode by default: it accepts ~100/s, and an open loop at 500/s only builds a queue
   * until requests time out.
   */
  paced: BenchMode[];
  /** Scale-out: measure the API alone and the workers alone before measuring them together. */
  decompose: boolean;
  /** Messages posted (and drained) before anything is measured, so JIT, pools and plans are warm. */
  warmupMessages: number;
  /**
   * Requests sent (unmeasured) right before each latency phase. Between phases the hubs idle for longer than the
   * pg pool's 10 s idle timeout, and reconnecting would otherwise show up as the first second's latency.
   */
  preRoll: number;
  workers: number;
  workerConcurrency: number;
  /** Concurrency of the floor loop and its pg pool size (the hub's pool holds 10 connections). */
  floorConcurrency: number;
  floorPoolSize: number;
  postgresAdminUrl: string;
  redisUrl: string;
  /** Fail when the processed count has not moved for this long. */
  stallTimeoutS: number;
  /** Before each measured phase, wait (at most quietWaitS) until other processes use at most quietPercent of a core. */
  quietPercent: number;
  quietWaitS: number;
  /** How often a measured phase is repeated when other processes took more than quietPercent of a core meanwhile. */
  disturbedRetries: number;
  /** BENCH_CPU_PROF=1: the hub processes run with `--cpu-prof`; their profiles are summed up and kept. */
  cpuProfile: boolean;
}

const MODES: readonly BenchMode[] = ["embedded", "postgres"];

export function readOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const modes = (env["BENCH_MODES"] ?? "embedded,postgres")
    .split(",")
    .map((mode) => mode.trim())
    .filter(Boolean);
  const unknown = modes.filter((mode) => !(MODES as readonly string[]).includes(mode));
  if (unknown.length > 0 || modes.length === 0) {
    throw new Error(
      `BENCH_MODES: use a comma-separated list of ${MODES.join(", ")} (got "${env["BENCH_MODES"] ?? ""}")`,
    );
  }
  const n = optionalInt(env, "BENCH_N", 1);
  const connections = int(env, "BENCH_CONNECTIONS", 50, 1);
  return {
    modes: modes as BenchMode[],
    throughputMessages: { embedded: n ?? 1000, postgres: n ?? 5000 },
    rate: int(env, "BENCH_RATE", 500, 1),
    durationS: int(env, "BENCH_DURATION_S", 10, 1),
    latencyConnections: int(env, "BENCH_LATENCY_CONNECTIONS", 10, 1),
    throughputConnections: connections,
    paced: pacedModes(env["BENCH_PACED"]),
    decompose: (env["BENCH_DECOMPOSE"] ?? "1") !== "0",
    warmupMessages: int(env, "BENCH_WARMUP", 300, 0),
    preRoll: int(env, "BENCH_PREROLL", 100, 0),
    workers: int(env, "BENCH_WORKERS", 1, 1),
    workerConcurrency: int(env, "BENCH_WORKER_CONCURRENCY", 64, 1),
    floorConcurrency: int(env, "BENCH_FLOOR_CONCURRENCY", connections, 1),
    floorPoolSize: int(env, "BENCH_FLOOR_POOL", 10, 1),
    postgresAdminUrl: loopbackUrl(
      "BENCH_POSTGRES_URL",
      env["BENCH_POSTGRES_URL"] ?? env["PLAINT_TEST_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres",
    ),
    redisUrl: loopbackUrl("BENCH_REDIS_URL", env["BENCH_REDIS_URL"] ?? "redis://127.0.0.1:6379"),
    stallTimeoutS: int(env, "BENCH_STALL_TIMEOUT_S", 120, 1),
    quietPercent: int(env, "BENCH_QUIET_PERCENT", 20, 0),
    quietWaitS: int(env, "BENCH_QUIET_WAIT_S", 120, 0),
    disturbedRetries: int(env, "BENCH_DISTURBED_RETRIES", 2, 0),
    cpuProfile: env["BENCH_CPU_PROF"] === "1",
  };
}

/** The email bench's knobs: the shared ones (modes, servers, workers, quiet machine, stall timeout) plus its own. */
export interface EmailBenchOptions extends BenchOptions {
  /** BENCH_EMAIL_N: mails in each mode's folder. */
  emailMessages: number;
  /** BENCH_EMAIL_BATCH: `imap.batchSize` in the bench's config; null leaves the connector's default. */
  imapBatchSize: number | null;
  /** BENCH_EMAIL_SEED: the generated mail set (senders, shapes, reply pairs) is a function of this. */
  emailSeed: number;
  /** BENCH_EMAIL_FILL: write the folder's Maildir directly (fast), or APPEND over IMAP (Dovecot fsyncs each mail). */
  emailFill: "maildir" | "append";
}

export function readEmailOptions(env: NodeJS.ProcessEnv = process.env): EmailBenchOptions {
  return {
    ...readOptions(env),
    emailMessages: int(env, "BENCH_EMAIL_N", 10_000, 1),
    imapBatchSize: optionalInt(env, "BENCH_EMAIL_BATCH", 1) ?? null,
    emailSeed: int(env, "BENCH_EMAIL_SEED", 20_260_101, 0),
    emailFill: fillMethod(env["BENCH_EMAIL_FILL"]),
  };
}

function fillMethod(raw: string | undefined): EmailBenchOptions["emailFill"] {
  const value = (raw ?? "maildir").trim();
  if (value !== "maildir" && value !== "append")
    throw new Error(`BENCH_EMAIL_FILL: use maildir or append (got "${value}")`);
  return value;
}

function pacedModes(raw: string | undefined): BenchMode[] {
  const value = (raw ?? "postgres").trim();
  if (value === "0" || value === "none") return [];
  if (value === "all" || value === "1") return [...MODES];
  const modes = value.split(",").map((mode) => mode.trim());
  if (modes.some((mode) => !(MODES as readonly string[]).includes(mode)))
    throw new Error(`BENCH_PACED: use postgres, embedded, all or 0 (got "${value}")`);
  return modes as BenchMode[];
}

function optionalInt(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min)
    throw new Error(`${name}: use a whole number of at least ${min} (got "${raw}")`);
  return Number(raw);
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  return optionalInt(env, name, min) ?? fallback;
}

/** The bench measures loopback only: a remote server would measure the network instead. */
function loopbackUrl(name: string, value: string): string {
  let host: string;
  try {
    host = new URL(value).hostname;
  } catch {
    throw new Error(`${name}: not a URL`);
  }
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
    throw new Error(`${name}: the bench runs on loopback only; ${host} is not 127.0.0.1, ::1 or localhost`);
  }
  return value;
}
