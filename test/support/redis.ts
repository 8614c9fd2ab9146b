import Redis from "ioredis";
import { serviceUnreachable } from "./postgres";

/** The server the development and CI machines run; PLAINT_TEST_REDIS_URL points elsewhere. */
const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/**
 * The URL of the test Redis server, checked with a PING.
 *
 * @returns null (after one "skipped: …" warning) when the server cannot be reached on a developer's machine.
 * @throws when it cannot be reached and `CI` is "true".
 */
export async function testRedisUrl(): Promise<string | null> {
  const url = process.env.PLAINT_TEST_REDIS_URL ?? DEFAULT_REDIS_URL;
  // One attempt, no reconnecting and no offline queue: an absent server must fail fast, not hang the test.
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() rejects with a bare "Connection is closed"; the cause (ECONNREFUSED, …) arrives as an event.
  let cause: unknown;
  redis.on("error", (error: unknown) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
    await redis.quit();
    return url;
  } catch (error) {
    // Only if still connected: on a closed client disconnect() arms a 2 s timer that delays jest's exit.
    if (redis.status !== "end") redis.disconnect();
    return serviceUnreachable("Redis", url, cause ?? error);
  }
}
