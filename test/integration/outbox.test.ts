import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../../core/kernel/db/database";
import { TransientError } from "../../core/kernel/errors";
import { createLogger } from "../../core/kernel/logger";
import { PermanentError } from "../../core/kernel/errors";
import { OutboxDispatcher } from "../../core/outbox/outbox-dispatcher";
import type { OutboxRow } from "../../core/store/outbox.store";
import { createTestPostgres, type TestPostgres } from "../support/postgres";

/** The outbox on real PostgreSQL: each row delivered once by competing dispatchers, failures sorted by cause. */
describe("OutboxDispatcher", () => {
  let server: TestPostgres | null;
  let database: Database | null = null;

  beforeAll(async () => {
    server = await createTestPostgres();
    if (server)
      database = await openDatabase({
        databaseUrl: server.url,
        dataDir: mkdtempSync(path.join(tmpdir(), "plaint-outbox-")),
        migrate: true,
      });
  });
  afterAll(async () => {
    await database?.close();
    await server?.drop();
  });

  async function addRows(destination: string, count: number): Promise<void> {
    await database?.prisma.outboxItem.createMany({
      data: Array.from({ length: count }, (_, index) => ({
        destination,
        payload: { index },
        idempotencyKey: `${destination}:${index}`,
      })),
    });
  }
  const logger = createLogger("silent");

  it("delivers every row exactly once when two dispatchers compete", async () => {
    if (!database) return;
    await addRows("test:once", 60);
    const delivered: number[] = [];
    const handler = async (row: OutboxRow) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      delivered.push(row.payload["index"] as number);
    };
    const dispatchers = [1, 2].map(
      () => new OutboxDispatcher({ database: database as Database, logger, handlers: { "test:once": handler } }),
    );
    while ((await Promise.all(dispatchers.map((dispatcher) => dispatcher.dispatchDue(7)))).some((count) => count > 0));
    expect(delivered.sort((a, b) => a - b)).toStrictEqual(Array.from({ length: 60 }, (_, index) => index));
    expect(await database.prisma.outboxItem.count({ where: { destination: "test:once", status: "done" } })).toBe(60);
  });

  it("retries a transient failure later and stops at a permanent one, keeping the reason", async () => {
    if (!database) return;
    await addRows("test:flaky", 1);
    await addRows("test:refused", 1);
    const dispatcher = new OutboxDispatcher({
      database,
      logger,
      backoffMs: 60_000,
      handlers: {
        "test:flaky": () => Promise.reject(new Error("connection reset")),
        "test:refused": () => Promise.reject(new PermanentError("550 no such user")),
      },
    });
    expect(await dispatcher.dispatchDue()).toBe(2);
    expect(await dispatcher.dispatchDue()).toBe(0);
    const rows = await database.prisma.outboxItem.findMany({
      where: { destination: { in: ["test:flaky", "test:refused"] } },
      orderBy: { destination: "asc" },
    });
    expect(rows.map((row) => [row.destination, row.status, row.attempts, row.lastError])).toStrictEqual([
      ["test:flaky", "pending", 1, "Error: connection reset"],
      ["test:refused", "failed", 1, "PermanentError: 550 no such user"],
    ]);
    expect(rows[0]?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
  });

  it("waits at least as long as the vendor's Retry-After says", async () => {
    if (!database) return;
    await addRows("test:throttled", 1);
    const dispatcher = new OutboxDispatcher({
      database,
      logger,
      backoffMs: 1_000,
      handlers: {
        "test:throttled": () => Promise.reject(new TransientError("429 rate limited", { retryAfterSeconds: 120 })),
      },
    });
    expect(await dispatcher.dispatchDue()).toBe(1);
    const row = await database.prisma.outboxItem.findFirstOrThrow({ where: { destination: "test:throttled" } });
    expect(row.status).toBe("pending");
    // The backoff alone would say 1 s; the vendor said 120 s.
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 110_000);
  });

  it("leaves rows of destinations it has no handler for", async () => {
    if (!database) return;
    await addRows("test:elsewhere", 1);
    const dispatcher = new OutboxDispatcher({ database, logger, handlers: { "test:other": () => Promise.resolve() } });
    expect(await dispatcher.dispatchDue()).toBe(0);
    expect(
      await database.prisma.outboxItem.count({
        where: { destination: "test:elsewhere", status: "pending", attempts: 0 },
      }),
    ).toBe(1);
  });
});
