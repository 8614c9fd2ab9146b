import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Profiler } from "node:inspector";

/**
 * V8 CPU profiles (.cpuprofile, as written by `node --cpu-prof` or the inspector) summed up by where the code
 * lives: Prisma's runtime, its WASM query compiler, PGlite, the pg driver, plaint's own code, Node internals, GC.
 * Idle time is reported as its own line, and the other shares are of the busy time only (a hub idles between
 * phases, which says nothing about where its work goes).
 */
export function selfTimeByOrigin(profile: Profiler.Profile): [string, number][] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const totals = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, index) => {
    const frame = byId.get(id)?.callFrame;
    const delta = deltas[index] ?? 0;
    if (frame?.functionName === "(idle)") {
      idle += delta;
      return;
    }
    busy += delta;
    // A WebAssembly frame has no telling URL: the JavaScript that called into it says whose module it is.
    const origin = frame?.url.startsWith("wasm://")
      ? wasmOrigin(id, byId, parentOf)
      : originOf(frame?.url ?? "", frame?.functionName ?? "");
    totals.set(origin, (totals.get(origin) ?? 0) + delta);
  });
  const shares = [...totals.entries()]
    .map(([origin, time]): [string, number] => [origin, (time / busy) * 100])
    .sort((a, b) => b[1] - a[1]);
  return [
    [`(idle, % of all samples: ${((idle / (idle + busy)) * 100).toFixed(1)}; the rest is % of busy time)`, NaN],
    ...shares,
  ];
}

function wasmOrigin(id: number, byId: Map<number, Profiler.ProfileNode>, parentOf: Map<number, number>): string {
  for (let current = parentOf.get(id); current !== undefined; current = parentOf.get(current)) {
    const url = byId.get(current)?.callFrame.url ?? "";
    if (url.includes("@electric-sql/pglite")) return "PGlite (Postgres in WASM)";
    if (url.includes("@prisma/")) return "Prisma query compiler (WASM)";
  }
  return "WASM (caller unknown)";
}

function originOf(url: string, functionName: string): string {
  if (
    url.includes("@prisma/client/runtime") ||
    url.includes("@prisma/client-runtime-utils") ||
    url.includes("core/db/generated")
  )
    return "Prisma client runtime (JS)";
  if (
    url.includes("@prisma/adapter-pg") ||
    url.includes("@prisma/driver-adapter-utils") ||
    url.includes("pglite-prisma-adapter")
  )
    return "Prisma driver adapter";
  if (url.includes("@electric-sql/pglite")) return "PGlite (JS)";
  if (url.includes("/pg/") || url.includes("pg-protocol") || url.includes("pg-pool") || url.includes("pg-types"))
    return "pg driver";
  if (url.includes("/node_modules/"))
    return `other package: ${url.split("/node_modules/").pop()?.split("/")[0] ?? url}`;
  if (url.includes("/dist/")) return "plaint code";
  if (functionName === "(garbage collector)") return "(garbage collector)";
  if (functionName === "(program)") return "(V8/native, unattributed)";
  return `Node internals / native (${functionName === "writev" ? "socket writev" : "other"})`;
}

/** The profiles `node --cpu-prof --cpu-prof-dir=<dir>` wrote, by the pid in their file names. */
export function readProfiles(dir: string): Map<number, { file: string; profile: Profiler.Profile }> {
  const found = new Map<number, { file: string; profile: Profiler.Profile }>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names) {
    // CPU.<yyyymmdd>.<hhmmss>.<pid>.<tid>.<seq>.cpuprofile
    const pid = Number(/^CPU\.\d+\.\d+\.(\d+)\./.exec(name)?.[1]);
    if (!pid || !name.endsWith(".cpuprofile")) continue;
    const file = path.join(dir, name);
    found.set(pid, { file, profile: JSON.parse(readFileSync(file, "utf8")) as Profiler.Profile });
  }
  return found;
}
