import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * PGlite is a database inside one process: two processes opening the same data folder would corrupt it.
 * The process that owns the folder writes its pid here; others refuse to open it while that pid lives.
 */
export function acquireEmbeddedLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, "plaint.pid");
  const owner = embeddedOwner(dataDir);
  if (owner !== null && owner !== process.pid) {
    throw new Error(
      `the embedded database in ${dataDir} is in use by process ${owner}; stop it first (or use its HTTP API)`,
    );
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

/** The pid of the live process that owns the folder, or null. */
export function embeddedOwner(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dataDir, "plaint.pid"), "utf8"));
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it still owns the folder.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? pid : null;
  }
}
