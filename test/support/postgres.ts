import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server the development and CI machines run (trust auth); PLAINT_TEST_POSTGRES_URL points elsewhere. */
const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** A throw-away database on the test server. */
export interface TestPostgres {
  /** Connection URL of the new, empty database. */
  url: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh, randomly named database on the test PostgreSQL server.
 *
 * @returns null (after one "skipped: …" warning) when the server cannot be reached on a developer's machine.
 * @throws when it cannot be reached and `CI` is "true": CI always has the server, so a skip there would hide a fault.
 */
export async function createTestPostgres(): Promise<TestPostgres | null> {
  const adminUrl = process.env.PLAINT_TEST_POSTGRES_URL ?? DEFAULT_ADMIN_URL;
  const name = `plaint_test_${randomBytes(6).toString("hex")}`;
  try {
    await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  } catch (error) {
    return serviceUnreachable("PostgreSQL", adminUrl, error);
  }
  return {
    url: databaseUrl(adminUrl, name),
    drop: () =>
      withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function withAdmin<T>(adminUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * The shared rule for tests that need a server: skip with one clear line on a developer's machine, fail in CI.
 * @returns null, for the caller to return.
 */
export function serviceUnreachable(service: string, url: string, error: unknown): null {
  const reason = error instanceof Error ? error.message || error.name : String(error);
  const where = withoutPassword(url);
  if (process.env.CI === "true")
    throw new Error(`${service} not reachable at ${where} (required when CI=true): ${reason}`);
  console.warn(`skipped: ${service} not reachable at ${where} (${reason})`);
  return null;
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}
