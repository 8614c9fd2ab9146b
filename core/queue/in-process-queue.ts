import { PermanentError } from "../kernel/errors";
import { backoffDelay } from "./backoff";
import type { IntakeJobHandler, JobQueue, RetryPolicy } from "./job-queue";

interface Job {
  id: string;
  attempt: number;
}

/**
 * The embedded mode's queue: jobs live in memory, so durability comes from the intake log. Items that were
 * waiting when the process stopped are still `received` there, and the stranded-intake sweep re-enqueues them.
 */
export class InProcessQueue implements JobQueue {
  readonly kind = "in-process" as const;
  private readonly waiting: Job[] = [];
  /** Ids waiting, running or scheduled for retry: enqueueing one of these again is a no-op. */
  private readonly known = new Set<string>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private running = 0;
  private handler: IntakeJobHandler | null = null;
  private concurrency = 1;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly retry: RetryPolicy) {}

  enqueue(intakeId: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error("queue is closed"));
    if (this.known.has(intakeId)) return Promise.resolve();
    this.known.add(intakeId);
    this.waiting.push({ id: intakeId, attempt: 1 });
    this.pump();
    return Promise.resolve();
  }

  consume(handler: IntakeJobHandler, options: { concurrency: number }): void {
    this.handler = handler;
    this.concurrency = Math.max(1, options.concurrency);
    this.pump();
  }

  ping(): Promise<void> {
    return this.closed ? Promise.reject(new Error("queue is closed")) : Promise.resolve();
  }

  pending(): Promise<number> {
    return Promise.resolve(this.known.size);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.waiting.length = 0;
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.handler && !this.closed && this.running < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      this.running++;
      void this.run(this.handler, job);
    }
  }

  private async run(handler: IntakeJobHandler, job: Job): Promise<void> {
    const final = job.attempt >= this.retry.maxAttempts;
    let retry = false;
    try {
      await handler(job.id, { number: job.attempt, final });
    } catch (error) {
      retry = !(error instanceof PermanentError) && !final && !this.closed;
    }
    this.running--;
    if (retry) this.scheduleRetry(job);
    else this.known.delete(job.id);
    if (this.running === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    this.pump();
  }

  private scheduleRetry(job: Job): void {
    const timer = setTimeout(
      () => {
        this.retryTimers.delete(timer);
        this.waiting.push({ id: job.id, attempt: job.attempt + 1 });
        this.pump();
      },
      backoffDelay(this.retry.backoffMs, job.attempt),
    );
    timer.unref();
    this.retryTimers.add(timer);
  }
}
