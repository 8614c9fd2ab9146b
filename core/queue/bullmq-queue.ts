import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { PermanentError } from "../kernel/errors";
import type { IntakeJobHandler, JobQueue, RetryPolicy } from "./job-queue";
import { MicroBatcher } from "./micro-batcher";

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Queue name; one hub per name. Tests use a random one. */
  name?: string;
  retry: RetryPolicy;
  /**
   * How long a worker's lock on a job lasts without renewal. A worker killed mid-job loses its lock after
   * this, and the stalled-job check hands the job to another worker.
   * @see https://docs.bullmq.io/guide/jobs/stalled
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

type IntakeJobData = { intakeId: string };

/**
 * Scale-out queue on Redis. The job id is the intake item id: BullMQ refuses a second job with an id it
 * still holds, so a redelivered webhook enqueued twice runs once. Finished jobs are removed at once; the
 * intake log (not Redis) is the record of what succeeded or failed.
 */
export class BullmqQueue implements JobQueue {
  readonly kind = "bullmq" as const;
  private readonly queue: Queue<IntakeJobData>;
  private worker: Worker<IntakeJobData> | null = null;
  private readonly connection: ConnectionOptions;

  constructor(private readonly options: BullmqQueueOptions) {
    this.connection = { url: options.redisUrl, maxRetriesPerRequest: null };
    this.queue = new Queue<IntakeJobData>(options.name ?? "plaint-intake", {
      connection: this.connection,
      defaultJobOptions: {
        attempts: options.retry.maxAttempts,
        backoff: { type: "exponential", delay: options.retry.backoffMs },
        removeOnComplete: true,
        removeOnFail: true,
      },
    });
  }

  /**
   * Enqueues are gathered for a moment and sent with `addBulk` (one Redis pipeline): under load the HTTP edge
   * enqueues hundreds of items a second, and one round trip each costs more than the jobs themselves.
   */
  enqueue(intakeId: string): Promise<void> {
    return this.adds.submit(intakeId);
  }

  private readonly adds = new MicroBatcher<string>(
    async (ids) => {
      try {
        await this.queue.addBulk(
          ids.map((intakeId) => ({ name: "intake", data: { intakeId }, opts: { jobId: intakeId } })),
        );
        return ids.map(() => ({ ok: true }) as const);
      } catch (error) {
        return ids.map(() => ({ ok: false, error }) as const);
      }
    },
    { maxBatch: 50, maxWaitMs: 2 },
  );

  consume(handler: IntakeJobHandler, options: { concurrency: number }): void {
    const processJob = async (job: Job<IntakeJobData>): Promise<void> => {
      const number = job.attemptsMade + 1;
      const final = number >= (job.opts.attempts ?? 1);
      try {
        await handler(job.data.intakeId, { number, final });
      } catch (error) {
        // Bad input never gets better by waiting: tell BullMQ not to retry it.
        if (error instanceof PermanentError) throw new UnrecoverableError(error.message);
        throw error;
      }
    };
    this.worker = new Worker<IntakeJobData>(this.queue.name, processJob, {
      connection: this.connection,
      concurrency: options.concurrency,
      lockDuration: this.options.lockDurationMs ?? 15_000,
      stalledInterval: this.options.stalledIntervalMs ?? 5_000,
      maxStalledCount: 3,
    });
    // A worker error event (lost Redis connection) must not crash the process: BullMQ reconnects by itself.
    this.worker.on("error", () => undefined);
  }

  async ping(): Promise<void> {
    // A count is one Redis round trip through the queue's own connection: enough to prove it is usable.
    await this.queue.getJobCounts("wait");
  }

  async pending(): Promise<number> {
    const counts = await this.queue.getJobCounts("wait", "active", "delayed", "prioritized");
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  async close(): Promise<void> {
    // Worker.close() waits for running jobs before it resolves.
    if (this.worker) await this.worker.close();
    await this.queue.close();
  }
}
