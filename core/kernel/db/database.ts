import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/client";
import { migrateDatabase } from "./migrate";
import { pgliteMigrationFactory, postgresMigrationFactory, type SchemaEngineLog } from "./schema-engine";

// PGlite and pglite-prisma-adapter are imported through their CommonJS builds on purpose: the adapter requires
// PGlite's CommonJS build, and its error mapping (`instanceof DatabaseError`, which turns a duplicate key into
// Prisma's P2002) only recognises errors from that same copy of PGlite.

/** "embedded": PGlite inside this process, in the data folder. "postgres": a PostgreSQL server (DATABASE_URL). */
export type DatabaseMode = "embedded" | "postgres";

/**
 * An open database. The queries belong in `core/store/`, one module per table group (see its README).
 *
 * There is one transaction API, {@link Database.transaction}: its handle is a {@link SqlClient}, the type every
 * store function takes, so any of them can join any transaction. Prisma's `$transaction` is not to be used beside
 * it: its handle is of another type, and work written for one kind of transaction could not join the other. Work
 * that must be atomic is therefore parameterised SQL; Prisma serves the API's reads and single writes outside
 * transactions.
 *
 * In embedded mode all queries share PGlite's single connection and a transaction holds it until it ends: other
 * queries and transactions wait for it (transactions are in effect serialisable whatever isolation level is
 * asked for). Inside `transaction((tx) => …)` use `tx` only: a query through `prisma` or through this object's own
 * `sql` would wait for the transaction and the transaction for it, until the transaction times out (P2028,
 * rolled back).
 */
export interface Database {
  prisma: PrismaClient;
  mode: DatabaseMode;
  /** Disconnects Prisma and closes the pool or PGlite (which flushes it to the data folder). */
  close(): Promise<void>;
  /** Resolves when the database answers `SELECT 1`; rejects otherwise. */
  ping(): Promise<void>;
  /**
   * One parameterised SQL statement outside any transaction, for the few hot paths where Prisma's per-query
   * cost matters (the intake write at the HTTP edge). On PostgreSQL it goes straight to the shared pg pool,
   * about five times cheaper in CPU than the same statement through Prisma; embedded, it goes through Prisma so
   * that PGlite's one connection keeps serialising every query.
   */
  sql<Row>(text: string, values: unknown[]): Promise<Row[]>;
  /**
   * The one transaction API: runs `work` in one transaction on one connection, committed when it resolves, rolled
   * back when it throws. On PostgreSQL a pool connection of its own (BEGIN … COMMIT, no Prisma in the way: this is
   * the worker's hot path); embedded, Prisma's interactive transaction, which holds PGlite's one connection.
   */
  transaction<T>(work: (client: SqlClient) => Promise<T>): Promise<T>;
}

/**
 * Parameterised SQL ($1, $2, …) against one connection or transaction: the handle {@link Database.transaction}
 * gives, or the `Database` itself for a statement outside any transaction. What store functions take.
 */
export interface SqlClient {
  sql<Row>(text: string, values: unknown[]): Promise<Row[]>;
}

/** Where the database is, shared by {@link openDatabase} and {@link migrateOnly}. */
export interface DatabaseLocation {
  /** PostgreSQL connection URL; absent for the embedded database. */
  databaseUrl?: string | undefined;
  /** The data folder; the embedded database lives in `<dataDir>/pglite`. */
  dataDir: string;
  /** Receives the schema engine's log lines while migrating. */
  log?: SchemaEngineLog;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions extends DatabaseLocation {
  /** Apply pending migrations before returning. */
  migrate: boolean;
  /** PostgreSQL connections in the pool (default 10); ignored in embedded mode. */
  poolSize?: number;
}

const DEFAULT_POOL_SIZE = 10;

/**
 * How long an interactive transaction may wait to start in embedded mode. PGlite has one connection, so
 * transactions run one after another; Prisma's default of 2 s would turn a short queue of them into P2028 errors.
 */
const EMBEDDED_TX_MAX_WAIT_MS = 10_000;

/**
 * Opens PostgreSQL when `databaseUrl` is set, otherwise the embedded PGlite database in `<dataDir>/pglite`
 * (created on first use), migrating it first when `migrate` is true.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openEmbedded(opts);
}

/**
 * `plaint db migrate`: applies the pending migrations to the database `opts` designates and closes it again.
 * @returns the names of the migrations applied, oldest first (empty when it was up to date).
 */
export async function migrateOnly(opts: DatabaseLocation): Promise<{ applied: string[] }> {
  if (opts.databaseUrl) return migrateDatabase(postgresMigrationFactory(opts.databaseUrl), opts.log);
  const pglite = await openPglite(opts.dataDir);
  try {
    return await migrateDatabase(pgliteMigrationFactory(pglite), opts.log);
  } finally {
    await pglite.close();
  }
}

async function openPostgres(url: string, opts: OpenDatabaseOptions): Promise<Database> {
  // Migrations get their own single-connection pool (see postgresMigrationFactory), closed before the app's opens.
  if (opts.migrate) await migrateDatabase(postgresMigrationFactory(url), opts.log);
  // One pool for Prisma and the raw hot paths; this module ends it after Prisma has disconnected.
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? DEFAULT_POOL_SIZE });
  // An idle connection dropped by the server (restart, failover) is an event, not a crash: the pool replaces it
  // and the next query reports the outage to its caller.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    mode: "postgres",
    close: once(async () => {
      await prisma.$disconnect();
      await pool.end();
    }),
    ping: () => selectOne(prisma),
    sql: async <Row>(text: string, values: unknown[]) => (await pool.query(text, values)).rows as Row[],
    transaction: (work) => poolTransaction(pool, work),
  };
}

async function openEmbedded(opts: OpenDatabaseOptions): Promise<Database> {
  const pglite = await openPglite(opts.dataDir);
  try {
    // The migration adapter and Prisma's share the one PGlite: it serialises their queries itself.
    if (opts.migrate) await migrateDatabase(pgliteMigrationFactory(pglite), opts.log);
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const prisma = new PrismaClient({
    adapter: new PrismaPGlite(pglite),
    transactionOptions: { maxWait: EMBEDDED_TX_MAX_WAIT_MS },
  });
  return {
    prisma,
    mode: "embedded",
    close: once(async () => {
      await prisma.$disconnect();
      await pglite.close();
    }),
    ping: () => selectOne(prisma),
    sql: <Row>(text: string, values: unknown[]) => prisma.$queryRawUnsafe<Row[]>(text, ...values),
    // Through Prisma's transaction, which holds PGlite's one connection for its whole length.
    transaction: (work) =>
      prisma.$transaction((tx) => work({ sql: (text, values) => tx.$queryRawUnsafe(text, ...values) })),
  };
}

async function poolTransaction<T>(pool: pg.Pool, work: (client: SqlClient) => Promise<T>): Promise<T> {
  const connection = await pool.connect();
  let broken: unknown;
  try {
    await connection.query("BEGIN");
    const result = await work({
      sql: async <Row>(text: string, values: unknown[]) => (await connection.query(text, values)).rows as Row[],
    });
    await connection.query("COMMIT");
    return result;
  } catch (error) {
    await connection.query("ROLLBACK").catch((rollbackError: unknown) => (broken = rollbackError));
    throw error;
  } finally {
    // A connection whose rollback failed is in an unknown state: destroy it instead of reusing it.
    connection.release(broken instanceof Error ? broken : undefined);
  }
}

async function openPglite(dataDir: string): Promise<PGlite> {
  const folder = path.join(path.resolve(dataDir), "pglite");
  await mkdir(folder, { recursive: true });
  const pglite = new PGlite({ dataDir: folder });
  await pglite.waitReady;
  return pglite;
}

async function selectOne(prisma: PrismaClient): Promise<void> {
  await prisma.$queryRaw`SELECT 1`;
}

/** `close` may be called from several shutdown paths; PGlite throws when closed twice. */
function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}
