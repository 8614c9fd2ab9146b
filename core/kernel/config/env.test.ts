import path from "node:path";
import { parseEnv } from "./env";
import { ConfigError, formatProblems, type ConfigProblem } from "./problems";

function envProblem(name: string, message: string, hint: string): ConfigProblem {
  return { file: "environment", line: 0, column: 0, path: name, message, hint };
}

function problemsOf(source: Record<string, string>): readonly ConfigProblem[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected parseEnv to throw");
}

describe("parseEnv", () => {
  it("applies the defaults, resolving paths from the working directory", () => {
    expect(parseEnv({})).toStrictEqual({
      port: 3000,
      host: "0.0.0.0",
      configPath: path.resolve("config/plaint.yaml"),
      dataDir: path.resolve("data"),
      logLevel: "info",
      workerConcurrency: 64,
      queueName: "plaint-intake",
    });
  });

  it("reads every variable", () => {
    const env = parseEnv({
      PORT: "8080",
      HOST: "127.0.0.1",
      PLAINT_CONFIG: "/etc/plaint",
      PLAINT_DATA_DIR: "/var/lib/plaint",
      DATABASE_URL: "postgresql://plaint:pw@db:5432/plaint",
      REDIS_URL: "rediss://cache:6380",
      LOG_LEVEL: "debug",
      PLAINT_WORKER_CONCURRENCY: "32",
      PLAINT_QUEUE_NAME: "plaint-eu",
      UNRELATED: "ignored",
    });
    expect(env).toStrictEqual({
      port: 8080,
      host: "127.0.0.1",
      configPath: "/etc/plaint",
      dataDir: "/var/lib/plaint",
      databaseUrl: "postgresql://plaint:pw@db:5432/plaint",
      redisUrl: "rediss://cache:6380",
      logLevel: "debug",
      workerConcurrency: 32,
      queueName: "plaint-eu",
    });
  });

  it("treats empty and blank variables as unset", () => {
    expect(parseEnv({ PORT: "", DATABASE_URL: " ", LOG_LEVEL: "" })).toStrictEqual(parseEnv({}));
  });

  it("reports every bad variable together, without echoing their values", () => {
    const source = {
      PORT: "http",
      DATABASE_URL: "mysql://root:hunter2@db/plaint",
      REDIS_URL: "localhost:6379",
      LOG_LEVEL: "verbose",
      PLAINT_WORKER_CONCURRENCY: "0",
    };
    const problems = problemsOf(source);
    expect(problems).toStrictEqual([
      envProblem(
        "PORT",
        "is not a whole number",
        "set a TCP port from 0 to 65535, e.g. PORT=3000 (0 picks a free port), or unset it for 3000",
      ),
      envProblem(
        "DATABASE_URL",
        "is not a postgres:// or postgresql:// URL",
        "use postgres://user:password@host:5432/database, or unset it to use the embedded database",
      ),
      envProblem(
        "REDIS_URL",
        "is not a redis:// or rediss:// URL",
        "use redis://host:6379 (rediss:// for TLS), or unset it to use the in-process queue",
      ),
      envProblem("LOG_LEVEL", "is not a pino log level", "use one of fatal, error, warn, info, debug, trace, silent"),
      envProblem(
        "PLAINT_WORKER_CONCURRENCY",
        "is below 1",
        "set a whole number of 1 or more, e.g. PLAINT_WORKER_CONCURRENCY=64",
      ),
    ]);
    expect(formatProblems(problems)).not.toContain("hunter2");
  });

  it("rejects a port above 65535", () => {
    expect(problemsOf({ PORT: "70000" }).map((problem) => problem.message)).toStrictEqual(["is above 65535"]);
  });

  it("throws a ConfigError whose message lists the problems", () => {
    expect(() => parseEnv({ LOG_LEVEL: "loud" })).toThrow(
      "Invalid configuration (1 problem):\n" +
        "environment LOG_LEVEL: is not a pino log level — hint: use one of fatal, error, warn, info, debug, trace, silent",
    );
  });
});
