import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const cli = path.resolve(__dirname, "../../dist/core/cli/plaint.js");

/**
 * `plaint worker` as a real child process (the built CLI, as operators run it), so a test can SIGKILL it
 * in the middle of its work.
 */
export function spawnWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [cli, "worker"], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => process.stderr.write(`[worker ${child.pid}] ${chunk}`));
  return child;
}

/** Throws when a worker has died on its own (a crash at start-up would otherwise look like a slow test). */
export function assertRunning(children: readonly ChildProcess[]): void {
  const dead = children.find((child) => child.exitCode !== null && child.signalCode === null);
  if (dead) throw new Error(`worker ${dead.pid} exited with code ${dead.exitCode}`);
}

/** Stops a worker gracefully (SIGTERM) and waits for it to exit. */
export async function stopWorker(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}
