import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

const cli = path.resolve(__dirname, "../core/cli/plaint.js");

/** Variables the parent might have set that would silently change what a child hub runs against. */
const PLAINT_VARIABLES = [
  "PORT",
  "HOST",
  "PLAINT_CONFIG",
  "PLAINT_DATA_DIR",
  "DATABASE_URL",
  "REDIS_URL",
  "LOG_LEVEL",
  "PLAINT_WORKER_CONCURRENCY",
  "PLAINT_QUEUE_NAME",
];

/**
 * One `node dist/core/cli/plaint.js <role>` child: the built CLI, as operators run it, in its own process so the
 * load generator does not share its event loop. Its pino lines are read from stdout: "plaint started" gives the
 * port; warnings and errors are echoed to the bench's stderr and counted.
 */
export class HubProcess {
  readonly child: ChildProcess;
  readonly label: string;
  /** Log lines at warn level or above, by message. */
  readonly warnings = new Map<string, number>();
  private readonly started: Promise<{ port: number | null }>;
  private stopping = false;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;
  private readonly logListeners: ((entry: Record<string, unknown>) => void)[] = [];

  /** `nodeArgs` go before the script, e.g. `--cpu-prof` (which NODE_OPTIONS does not allow). */
  constructor(
    command: "start" | "serve" | "worker",
    env: Record<string, string>,
    label: string = command,
    nodeArgs: readonly string[] = [],
  ) {
    const base = { ...process.env };
    for (const name of PLAINT_VARIABLES) delete base[name];
    this.child = spawn(process.execPath, [...nodeArgs, cli, command], {
      env: { ...base, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.label = `${label} ${this.child.pid ?? "?"}`;
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => process.stderr.write(prefixLines(`[${this.label}] `, chunk)));
    this.started = new Promise((resolve, reject) => {
      const lines = createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
      lines.on("line", (line) => {
        const entry = parseLogLine(line);
        if (!entry) {
          process.stderr.write(`[${this.label}] ${line}\n`);
          return;
        }
        for (const listener of this.logListeners) listener(entry);
        if (entry.msg === "plaint started") resolve({ port: typeof entry.port === "number" ? entry.port : null });
        if (typeof entry.level === "number" && entry.level >= 40) {
          const key = typeof entry.msg === "string" ? entry.msg : "?";
          const seen = (this.warnings.get(key) ?? 0) + 1;
          this.warnings.set(key, seen);
          // The first few of a kind are enough to diagnose; a flood of retries would drown the table.
          if (seen <= 3) process.stderr.write(`[${this.label}] ${line}\n`);
        }
      });
      void this.exited.then(() => reject(new Error(`${this.label} exited before it started (${this.describeExit()})`)));
    });
    // Observed by ready(); this only keeps an early crash from also being an unhandled rejection.
    this.started.catch(() => undefined);
  }

  /** Calls `listener` with every pino line the child writes from now on (the email bench follows the IMAP intake). */
  onLog(listener: (entry: Record<string, unknown>) => void): void {
    this.logListeners.push(listener);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the HTTP port (null for a worker) once the hub logged "plaint started". */
  async ready(timeoutMs = 60_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.label} did not start within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return (await Promise.race([this.started, timeout])).port;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Throws when the child died on its own: a crash must fail the bench, not look like a slow hub. */
  assertRunning(): void {
    if (this.exit && !this.stopping) throw new Error(`${this.label} exited unexpectedly (${this.describeExit()})`);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit code. */
  async stop(graceMs = 20_000): Promise<number | null> {
    this.stopping = true;
    if (!this.exit) {
      this.child.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          process.stderr.write(`[${this.label}] did not exit ${graceMs} ms after SIGTERM; sending SIGKILL\n`);
          this.child.kill("SIGKILL");
          resolve();
        }, graceMs);
      });
      await Promise.race([this.exited, killed]);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exit?.code ?? null;
  }

  private describeExit(): string {
    return this.exit ? `code ${String(this.exit.code)}, signal ${String(this.exit.signal)}` : "running";
  }
}

function parseLogLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith("{")) return null;
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function prefixLines(prefix: string, chunk: string): string {
  return chunk
    .split("\n")
    .map((line, index, all) => (index === all.length - 1 && line === "" ? "" : `${prefix}${line}`))
    .join("\n");
}
