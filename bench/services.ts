import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import pg from "pg";

/**
 * A throw-away database on the bench's PostgreSQL server, created and dropped like test/support/postgres.ts
 * does (copied rather than imported: the build compiles core, connectors, normalizers and bench only).
 */
export interface BenchPostgres {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createBenchPostgres(adminUrl: string): Promise<BenchPostgres> {
  const name = `plaint_bench_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

export async function withAdmin<T>(adminUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** One short-lived Redis connection; fails fast when the server is absent. */
export async function withRedis<T>(url: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause: unknown;
  redis.on("error", (error: unknown) => (cause ??= error));
  try {
    await redis.connect();
  } catch (error) {
    if (redis.status !== "end") redis.disconnect();
    // connect() rejects with a bare "Connection is closed"; the cause (ECONNREFUSED, …) arrives as an event.
    throw new Error(`Redis not reachable at ${url}: ${describe(cause ?? error)}`, { cause: error });
  }
  try {
    return await work(redis);
  } finally {
    await redis.quit();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : JSON.stringify(error);
}

/** Server versions, for the results file. */
export async function serverVersions(adminUrl: string, redisUrl: string): Promise<{ postgres: string; redis: string }> {
  const postgres = await withAdmin(
    adminUrl,
    async (admin) =>
      (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? "?",
  );
  const redis = await withRedis(
    redisUrl,
    async (client) => /redis_version:(\S+)/.exec(await client.info("server"))?.[1] ?? "?",
  );
  return { postgres, redis };
}
