import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { Queue } from "bullmq";
import { startHub, type Hub } from "../../core/hub";
import type { PrismaClient } from "../../core/kernel/db/generated/client";
import { migrateOnly } from "../../core/kernel/db/database";
import { createTestPostgres, type TestPostgres } from "../support/postgres";
import { testRedisUrl } from "../support/redis";
import {
  complaint,
  eventually,
  postWebhook,
  randomQueueName,
  testEnv,
  webhookSecret,
  writeTestConfig,
} from "../support/test-hub";
import { assertRunning, spawnWorker, stopWorker } from "../support/worker-process";

/**
 * Scale-out mode on real PostgreSQL and Redis: redeliveries, a worker killed mid-job, two workers sharing a
 * queue. Each test gets its own database and queue name. Skipped (with a message) only off CI when a server
 * is missing.
 */
describe("scale-out on PostgreSQL + Redis", () => {
  let database: TestPostgres | null;
  let redisUrl: string | null;
  const children: ChildProcess[] = [];
  const hubs: Hub[] = [];

  beforeAll(async () => {
    database = await createTestPostgres();
    redisUrl = await testRedisUrl();
  });
  afterEach(async () => {
    // SIGTERM is a graceful shutdown: running jobs finish, connections close, and the worker exits 0.
    const exitCodes = await Promise.all(children.splice(0).map(stopWorker));
    await Promise.all(hubs.splice(0).map((hub) => hub.stop()));
    expect(exitCodes.every((code) => code === 0)).toBe(true);
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** A fresh schema per test: drop what the previous test left, then migrate. */
  async function freshSetup(role: "all" | "serve") {
    if (!database || !redisUrl) return null;
    const { configPath, config } = writeTestConfig();
    const dataDir = mkdtempSync(path.join(tmpdir(), "plaint-data-"));
    const env = testEnv({ dataDir, configPath, databaseUrl: database.url, redisUrl, queueName: randomQueueName() });
    await resetSchema(database.url);
    await migrateOnly({ databaseUrl: database.url, dataDir });
    const hub = await startHub({ env, config, role });
    hubs.push(hub);
    const childEnv = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      PLAINT_CONFIG: configPath,
      PLAINT_QUEUE_NAME: env.queueName,
      TEST_WEBHOOK_SECRET: webhookSecret,
    };
    return {
      hub,
      prisma: hub.database.prisma,
      baseUrl: `http://127.0.0.1:${hub.port}`,
      childEnv,
      queueName: env.queueName,
    };
  }

  it("stores one message and one case when the same webhook arrives 50 times at once", async () => {
    const setup = await freshSetup("all");
    if (!setup) return;
    const body = complaint("same-50");
    const responses = await Promise.all(Array.from({ length: 50 }, () => postWebhook(setup.baseUrl, body)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(49);
    await eventually(async () => (await setup.prisma.intakeItem.count({ where: { status: "processed" } })) === 1);
    await settle();
    expect(await setup.prisma.message.count()).toBe(1);
    expect(await setup.prisma.case.count()).toBe(1);
    expect(await setup.prisma.intakeItem.count()).toBe(1);
  });

  it("loses nothing and doubles nothing when a worker is SIGKILLed mid-job", async () => {
    const setup = await freshSetup("serve");
    if (!setup) return;
    const total = 400;
    await postMany(setup.baseUrl, "kill", total);
    const doomed = spawnWorker(setup.childEnv);
    children.push(doomed);
    await eventually(async () => (await processedCount(setup.prisma, children)) >= 20, 30_000, 5);
    doomed.kill("SIGKILL");
    await new Promise((resolve) => doomed.once("exit", resolve));
    const processedAtKill = await setup.prisma.intakeItem.count({ where: { status: "processed" } });
    expect(processedAtKill).toBeLessThan(total);
    // Jobs the dead worker had taken and not finished: they are what a crash could lose or double.
    const queue = new Queue(setup.queueName, { connection: { url: redisUrl as string } });
    const activeAtKill = await queue.getActiveCount();
    await queue.close();
    expect(activeAtKill).toBeGreaterThan(0);

    children.splice(0, 1);
    children.push(spawnWorker(setup.childEnv));
    // The killed worker's jobs are handed on once its locks expire (lockDuration + stalled check).
    await eventually(async () => (await processedCount(setup.prisma, children)) === total, 90_000, 200);
    await settle();
    await expectExactlyOnce(setup.prisma, "kill", total);
  }, 120_000);

  it("shares 1,000 messages between two workers with none lost or doubled", async () => {
    const setup = await freshSetup("serve");
    if (!setup) return;
    children.push(spawnWorker(setup.childEnv), spawnWorker(setup.childEnv));
    const total = 1000;
    await postMany(setup.baseUrl, "pair", total);
    await eventually(async () => (await processedCount(setup.prisma, children)) === total, 90_000, 200);
    await settle();
    await expectExactlyOnce(setup.prisma, "pair", total);
    const perCase = await setup.prisma.caseEvent.groupBy({ by: ["caseId"], where: { type: "created" }, _count: true });
    expect(perCase.every((row) => row._count === 1)).toBe(true);
  }, 120_000);
});

async function postMany(baseUrl: string, prefix: string, total: number): Promise<void> {
  const ids = Array.from({ length: total }, (_, index) => `${prefix}-${index}`);
  for (let start = 0; start < total; start += 50) {
    const batch = ids.slice(start, start + 50);
    const responses = await Promise.all(batch.map((id) => postWebhook(baseUrl, complaint(id))));
    expect(responses.map((response) => response.status)).toStrictEqual(batch.map(() => 202));
  }
}

/** Items processed so far; fails at once if a worker died by itself. */
function processedCount(prisma: PrismaClient, workers: readonly ChildProcess[]): Promise<number> {
  assertRunning(workers);
  return prisma.intakeItem.count({ where: { status: "processed" } });
}

/** Every accepted item became exactly one message on exactly one case (each test customer writes once). */
async function expectExactlyOnce(prisma: PrismaClient, prefix: string, total: number): Promise<void> {
  const messages = await prisma.message.findMany({ select: { externalId: true } });
  const ids = messages.map((message) => message.externalId);
  expect(ids).toHaveLength(total);
  expect(new Set(ids).size).toBe(total);
  expect(ids.every((id) => id?.startsWith(`${prefix}-`))).toBe(true);
  expect(await prisma.case.count()).toBe(total);
  expect(await prisma.intakeItem.count({ where: { status: { not: "processed" } } })).toBe(0);
}

/** Gives any straggling duplicate run time to show itself before counting. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}

async function resetSchema(url: string): Promise<void> {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  await client.end();
}
