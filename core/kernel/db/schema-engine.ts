import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm" with { "resolution-mode": "import" };
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

// Prisma's schema engine (migrations, diffs) compiled to WebAssembly, driven through driver adapters, so that no
// native engine has to be downloaded. See docs/STACK.md, "Prisma 7 without its download server".

export type { SchemaEngine };

/** Receives the schema engine's human-readable log lines ("Applying `20250101000000_init`", …). */
export type SchemaEngineLog = (message: string) => void;

/** The part of schema_engine_bg.js this module uses; the package's own typings describe the rest. */
interface SchemaEngineBindings {
  SchemaEngine: {
    new: (
      options: { datamodels: [string, string][] | undefined },
      log: (line: string) => void,
      adapter: object,
    ) => Promise<SchemaEngine>;
  };
  __wbg_set_wasm(exports: SchemaEngineWasmExports): void;
}

/** The instance's exports; the one called directly is wasm-bindgen's initialiser. */
interface SchemaEngineWasmExports {
  __wbindgen_start(): void;
}

// The project's libs (ES2023, @types/node 20) do not declare WebAssembly; this is the one call used.
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: SchemaEngineWasmExports } }>;
};

let bindingsPromise: Promise<SchemaEngineBindings> | undefined;

/**
 * Loads the schema engine once per process.
 *
 * The package's entry point imports a `.wasm` file as an ES module, which Node 20 cannot do, so the glue module
 * (`schema_engine_bg.js`) is imported on its own and the `.wasm` instantiated by hand, wiring the two together the
 * way the entry point would.
 */
function loadSchemaEngine(): Promise<SchemaEngineBindings> {
  bindingsPromise ??= instantiateSchemaEngine().catch((error: unknown) => {
    bindingsPromise = undefined; // let a later call retry instead of caching the failure
    throw error;
  });
  return bindingsPromise;
}

async function instantiateSchemaEngine(): Promise<SchemaEngineBindings> {
  // The "./schema_engine_bg" export resolves to the glue file; the .wasm sits beside it.
  const packageDir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const bindings = (await importEsm(
    pathToFileURL(path.join(packageDir, "schema_engine_bg.js")).href,
  )) as SchemaEngineBindings;
  const bytes = await readFile(path.join(packageDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": withTrackedTimers(bindings) });
  bindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bindings;
}

/** Timers the engine has started and that have not fired yet. */
const pendingTimers = new Set<NodeJS.Timeout>();
/** Engines currently at work (see withSchemaEngine). */
let enginesAtWork = 0;

/**
 * The glue's imports with its `setTimeout` replaced by one that remembers the timer. The engine starts timeouts
 * that it never clears (migrating PostgreSQL leaves a 10 s one behind); left alone, such a timer keeps the
 * process, and jest, alive for seconds after the migration is done. They are cleared once no
 * engine is at work. (Making them `unref` instead could let the process exit while the engine sleeps on one.)
 */
function withTrackedTimers(bindings: SchemaEngineBindings): object {
  const imports: Record<string, unknown> = { ...bindings };
  for (const name of Object.keys(imports).filter((key) => key.startsWith("__wbg_setTimeout_"))) {
    imports[name] = (callback: () => void, delay: number): NodeJS.Timeout => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        callback();
      }, delay >>> 0);
      pendingTimers.add(timer);
      return timer;
    };
  }
  return imports;
}

function clearEngineTimersWhenIdle(): void {
  if (enginesAtWork > 0) return;
  for (const timer of pendingTimers) clearTimeout(timer);
  pendingTimers.clear();
}

/**
 * A real dynamic `import()` from CommonJS. Written as a literal `import()`, the jest transformer (swc, CommonJS
 * mode) would rewrite it into `require()`, which cannot load this ES module; a function built at run time is left
 * alone by every compiler and works both under jest (--experimental-vm-modules) and in the compiled `dist/`.
 *
 * The function is built anew, with a unique source text, on each call: V8 caches compiled `new Function` code by
 * its source, and the cached copy keeps the import hook of the jest test file that compiled it first, so a later
 * test file in the same worker got "import after the Jest environment has been torn down".
 */
function importEsm(specifier: string): Promise<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- deliberate, see above
  const load = new Function("specifier", `return import(specifier); // ${randomUUID()}`) as (
    s: string,
  ) => Promise<unknown>;
  return load(specifier);
}

/**
 * Runs `work` with a schema engine connected through `factory`, then frees the engine, clears its leftover timers
 * and disposes every connection it opened (the engine itself does not dispose its main connection: a PostgreSQL
 * pool left open would keep the migration advisory lock and make the next `migrate` wait for it).
 */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  datamodel: { path: string; content: string } | undefined,
  log: SchemaEngineLog | undefined,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngine();
  const tracked = trackConnections(factory);
  const datamodels: [string, string][] | undefined = datamodel ? [[datamodel.path, datamodel.content]] : undefined;
  enginesAtWork += 1;
  try {
    const engine = await SchemaEngine.new(
      { datamodels },
      (line) => forwardLog(line, log),
      bindMigrationAwareSqlAdapterFactory(tracked.factory),
    );
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    enginesAtWork -= 1;
    clearEngineTimersWhenIdle();
    await tracked.disposeAll();
  }
}

/** Passes the `message` of the engine's JSON log lines on; the lines also carry whole scripts, which are dropped. */
function forwardLog(line: string, log: SchemaEngineLog | undefined): void {
  if (!log) return;
  try {
    const parsed = JSON.parse(line) as { fields?: { message?: unknown } };
    const message = parsed.fields?.message;
    if (typeof message === "string" && !message.startsWith("Starting schema-engine")) log(message);
  } catch {
    log(line.trim());
  }
}

/** Wraps a factory so that every connection it hands out can be disposed at the end. */
function trackConnections(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll(): Promise<void>;
} {
  const opened: SqlDriverAdapter[] = [];
  const remember = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    opened.push(adapter);
    return adapter;
  };
  return {
    factory: {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => remember(await factory.connect()),
      connectToShadowDb: async () => remember(await factory.connectToShadowDb()),
    },
    async disposeAll() {
      // Reverse order: a shadow database is dropped through the connection that created it.
      for (const adapter of opened.reverse()) await adapter.dispose();
    },
  };
}

/**
 * A migration adapter factory for a PGlite database, fixing what `pglite-prisma-adapter` gets wrong for
 * migrations: its `executeScript` does not await the script, so a failing migration would be recorded as applied
 * (and its error surface as an unhandled rejection). Shadow databases are fresh in-memory PGlite instances,
 * closed when the engine is done with them.
 */
export function pgliteMigrationFactory(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaPGlite(pglite);
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => withScript(await base.connect(), (script) => pglite.exec(script), noop),
    connectToShadowDb: connectToPgliteShadow,
  };
}

/** A fresh in-memory PGlite as a shadow database, closed when the engine disposes of it. */
export async function connectToPgliteShadow(): Promise<SqlDriverAdapter> {
  const shadow = new PGlite();
  const adapter = await new PrismaPGlite(shadow).connect();
  return withScript(
    adapter,
    (script) => shadow.exec(script),
    () => shadow.close(),
  );
}

/**
 * A migration adapter factory for a PostgreSQL server, fixing what `@prisma/adapter-pg` gets wrong for
 * migrations: its `executeScript` splits the script at every `;` (breaking any statement with a `;` inside a
 * string or function body) and sends the pieces through a pool, so a failing migration is half-applied and the
 * engine's advisory lock and unlock can land on different sessions. Here everything goes through one session and
 * each migration is sent whole, as the native engine does (PostgreSQL runs a multi-statement simple query as one
 * implicit transaction).
 */
export function postgresMigrationFactory(connectionString: string): SqlMigrationAwareDriverAdapterFactory {
  const shadowFactory = new PrismaPg({ connectionString, max: 1 });
  return {
    provider: "postgres",
    adapterName: shadowFactory.adapterName,
    connect: async () => {
      const pool = new pg.Pool({ connectionString, max: 1 });
      const adapter = await new PrismaPg(pool).connect();
      return withScript(
        adapter,
        async (script) => void (await pool.query(script)),
        () => pool.end(),
      );
    },
    connectToShadowDb: () => shadowFactory.connectToShadowDb(),
  };
}

const noop = (): Promise<void> => Promise.resolve();

/** `adapter` with its `executeScript` replaced by `runScript`, and `cleanup` run once after its own `dispose`. */
function withScript(
  adapter: SqlDriverAdapter,
  runScript: (script: string) => Promise<unknown>,
  cleanup: () => Promise<void>,
): SqlDriverAdapter {
  let disposed: Promise<void> | undefined;
  const wrapped: SqlDriverAdapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    executeScript: async (script) => {
      try {
        await runScript(script);
      } catch (error) {
        throw asDriverAdapterError(error);
      }
    },
    // The engine disposes of shadow connections itself and withSchemaEngine disposes of everything again.
    dispose: () => (disposed ??= adapter.dispose().then(cleanup)),
  };
  const info = adapter.getConnectionInfo?.bind(adapter);
  if (info) wrapped.getConnectionInfo = info;
  return wrapped;
}

/** PostgreSQL errors (from pg or PGlite) in the shape the engine reports with code and message. */
function asDriverAdapterError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const fields = error as Error & Partial<Record<"code" | "severity" | "detail" | "column" | "hint", string>>;
  if (typeof fields.code !== "string") return error;
  return new DriverAdapterError({
    kind: "postgres",
    code: fields.code,
    severity: fields.severity ?? "ERROR",
    message: error.message,
    detail: fields.detail,
    column: fields.column,
    hint: fields.hint,
  });
}
