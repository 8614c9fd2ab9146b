import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Queue } from "bullmq";
import pg from "pg";
import { recordIntake } from "../core/store/intake.store";
import { round } from "./load";
import { startCpuMonitor, type CpuWatch } from "./resources";

/**
 * The cheapest possible intake on this machine: per message one INSERT (core's recordIntake itself, so always its
 * current SQL, over a bare `pg` pool) and one BullMQ `queue.add` (what BullmqQueue.enqueue does), no HTTP, no
 * Prisma, no worker.
 * End-to-end throughput divided by this says how much of the machine the hub's own code costs.
 */
export interface FloorOptions {
  databaseUrl: string;
  redisUrl: string;
  queueName: string;
  messages: number;
  concurrency: number;
  poolSize: number;
  /** Processes whose CPU the floor loop's cost is measured on (this process, PostgreSQL, Redis). */
  cpuWatch: CpuWatch;
}

export interface FloorResult {
  messages: number;
  concurrency: number;
  poolSize: number;
  /** INSERT + queue.add per message: the floor. */
  insertAndEnqueue: number;
  /** The two halves alone, to show which one bounds the floor. */
  insertOnly: number;
  enqueueOnly: number;
  /** CPU while INSERT + queue.add ran, % of one core per process group. */
  cpuPercentOfOneCore: Record<string, number>;
}

export async function measureFloor(options: FloorOptions): Promise<FloorResult> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize });
  const queue = new Queue(options.queueName, {
    connection: { url: options.redisUrl, maxRetriesPerRequest: null },
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: true,
      removeOnFail: true,
    },
  });
  let seq = 0;
  const writer = {
    sql: async <Row>(text: string, values: unknown[]) => (await pool.query(text, values)).rows as Row[],
  };
  const insert = async (): Promise<string> => {
    const externalId = `floor-${++seq}`;
    const rawBody = JSON.stringify({
      id: externalId,
      message: `Complaint ${externalId}: my order arrived broken.`,
      email: `customer-${externalId}@example.com`,
    });
    const recorded = await recordIntake(writer, {
      connectorId: "bench-floor",
      channel: "webhook",
      externalId,
      rawBody,
      meta: { contentType: "application/json" },
      receivedAt: new Date(),
    });
    if (!recorded.created) throw new Error(`floor: ${externalId} was not new`);
    return recorded.id;
  };
  const enqueue = async (id: string) => {
    await queue.add("intake", { intakeId: id }, { jobId: id });
  };
  try {
    await queue.waitUntilReady();
    await loop(Math.min(200, options.messages), options.concurrency, async () => enqueue(await insert()));
    const monitor = startCpuMonitor(options.cpuWatch);
    const both = await loop(options.messages, options.concurrency, async () => enqueue(await insert()));
    const cpu = monitor.stop();
    const insertOnly = await loop(options.messages, options.concurrency, async () => void (await insert()));
    const enqueueOnly = await loop(options.messages, options.concurrency, () => enqueue(randomUUID()));
    return {
      messages: options.messages,
      concurrency: options.concurrency,
      poolSize: options.poolSize,
      insertAndEnqueue: both,
      insertOnly,
      enqueueOnly,
      cpuPercentOfOneCore: cpu,
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await pool.end();
  }
}

/** Runs `work` `total` times on `concurrency` parallel loops; returns operations per second. */
async function loop(total: number, concurrency: number, work: () => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        next++;
        await work();
      }
    }),
  );
  return round((total / (performance.now() - started)) * 1000, 1);
}
