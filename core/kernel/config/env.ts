import path from "node:path";
import type { LevelWithSilent } from "pino";
import { z } from "zod";
import { ConfigError, ENVIRONMENT_FILE, type ConfigProblem } from "./problems";

/** Levels pino accepts; `satisfies` keeps this list from drifting away from pino's own type. */
export const LOG_LEVELS = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
] as const satisfies readonly LevelWithSilent[];

/** A pino log level, or `silent`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The process environment plaint reads, parsed once at start-up. */
export interface PlaintEnv {
  /** `PORT`: TCP port the HTTP server listens on; 0 lets the OS pick a free one. Default 3000. */
  port: number;
  /** `HOST`: interface the HTTP server binds. Default `0.0.0.0`. */
  host: string;
  /** `PLAINT_CONFIG`: absolute path of the YAML file or folder. Default `config/plaint.yaml` below the working directory. */
  configPath: string;
  /** `PLAINT_DATA_DIR`: absolute path of the embedded database's folder. Default `data` below the working directory. */
  dataDir: string;
  /** `DATABASE_URL`: PostgreSQL server; absent means the embedded database (PGlite) in `dataDir`. */
  databaseUrl?: string;
  /** `REDIS_URL`: Redis for BullMQ; absent means the in-process queue. */
  redisUrl?: string;
  /** `LOG_LEVEL`: pino level. Default `info`. */
  logLevel: LogLevel;
  /** `PLAINT_WORKER_CONCURRENCY`: jobs one worker process runs at once; jobs running together share a transaction. Default 64. */
  workerConcurrency: number;
  /** `PLAINT_QUEUE_NAME`: BullMQ queue name, so several hubs can share one Redis. Default `plaint-intake`. */
  queueName: string;
}

function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, "is not a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `is below ${min}`).max(max, `is above ${max}`));
}

/** Checks the scheme only: the driver reports anything subtler, and messages must not echo the URL's password. */
function serviceUrl(schemes: readonly string[]) {
  const expected = schemes.map((scheme) => `${scheme}://`).join(" or ");
  return z.string().refine((value) => hasScheme(value, schemes), `is not a ${expected} URL`);
}

function hasScheme(value: string, schemes: readonly string[]): boolean {
  try {
    return schemes.includes(new URL(value).protocol.slice(0, -1));
  } catch {
    return false;
  }
}

const envShape = {
  PORT: wholeNumber(0, 65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PLAINT_CONFIG: z.string().default("config/plaint.yaml"),
  PLAINT_DATA_DIR: z.string().default("data"),
  DATABASE_URL: serviceUrl(["postgres", "postgresql"]).optional(),
  REDIS_URL: serviceUrl(["redis", "rediss"]).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: "is not a pino log level" }).default("info"),
  PLAINT_WORKER_CONCURRENCY: wholeNumber(1).default(64),
  PLAINT_QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "may hold letters, digits, dots, dashes and underscores")
    .default("plaint-intake"),
};

/** What to do about a bad variable; keyed like the shape so a new variable without a hint does not compile. */
const ENV_HINTS = {
  PORT: "set a TCP port from 0 to 65535, e.g. PORT=3000 (0 picks a free port), or unset it for 3000",
  HOST: "set the interface to bind, e.g. HOST=127.0.0.1, or unset it for 0.0.0.0",
  PLAINT_CONFIG: "set the path of a YAML file or folder, e.g. PLAINT_CONFIG=config/plaint.yaml",
  PLAINT_DATA_DIR: "set a folder for the embedded database, e.g. PLAINT_DATA_DIR=data",
  DATABASE_URL: "use postgres://user:password@host:5432/database, or unset it to use the embedded database",
  REDIS_URL: "use redis://host:6379 (rediss:// for TLS), or unset it to use the in-process queue",
  LOG_LEVEL: `use one of ${LOG_LEVELS.join(", ")}`,
  PLAINT_WORKER_CONCURRENCY: "set a whole number of 1 or more, e.g. PLAINT_WORKER_CONCURRENCY=64",
  PLAINT_QUEUE_NAME: "set a name such as plaint-intake, or unset it for the default",
} satisfies Record<keyof typeof envShape, string>;

type EnvName = keyof typeof envShape;
const ENV_NAMES = Object.keys(envShape) as EnvName[];

const envSchema = z.object(envShape).transform(toPlaintEnv);

function toPlaintEnv(vars: z.output<z.ZodObject<typeof envShape>>): PlaintEnv {
  const env: PlaintEnv = {
    port: vars.PORT,
    host: vars.HOST,
    configPath: path.resolve(vars.PLAINT_CONFIG),
    dataDir: path.resolve(vars.PLAINT_DATA_DIR),
    logLevel: vars.LOG_LEVEL,
    workerConcurrency: vars.PLAINT_WORKER_CONCURRENCY,
    queueName: vars.PLAINT_QUEUE_NAME,
  };
  // Absent rather than `undefined`, so "is this set?" has one answer for `in`, spreads and strict equality.
  if (vars.DATABASE_URL !== undefined) env.databaseUrl = vars.DATABASE_URL;
  if (vars.REDIS_URL !== undefined) env.redisUrl = vars.REDIS_URL;
  return env;
}

/**
 * Reads plaint's variables from `source`, applying defaults. An empty or blank variable counts as unset, because
 * `FOO=` in an env file or compose file usually means "not configured" rather than "the empty string".
 *
 * @throws ConfigError listing every bad variable at once, so one restart is enough to fix them all.
 */
export function parseEnv(source: Record<string, string | undefined> = process.env): PlaintEnv {
  const result = envSchema.safeParse(pickSet(source));
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map(toProblem));
}

function pickSet(source: Record<string, string | undefined>): Partial<Record<EnvName, string>> {
  const picked: Partial<Record<EnvName, string>> = {};
  for (const name of ENV_NAMES) {
    const value = source[name];
    if (value !== undefined && value.trim() !== "") picked[name] = value;
  }
  return picked;
}

function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const name = String(issue.path[0] ?? "");
  const hint = isEnvName(name) ? ENV_HINTS[name] : "see the environment variables in config/README.md";
  return { file: ENVIRONMENT_FILE, line: 0, column: 0, path: name, message: issue.message, hint };
}

function isEnvName(name: string): name is EnvName {
  return (ENV_NAMES as string[]).includes(name);
}
