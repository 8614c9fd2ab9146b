/** What a handler learns about the run it is in. */
export interface JobAttempt {
  /** 1 for the first run. */
  number: number;
  /** True when no retry follows a failure of this run. */
  final: boolean;
}

/**
 * Processes one intake item. Throwing a PermanentError (BadInputError among them) ends the job without retry; any other error is
 * retried with exponential backoff until the attempts are used up.
 */
export type IntakeJobHandler = (intakeId: string, attempt: JobAttempt) => Promise<void>;

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay before the first retry; doubled for each further one. */
  backoffMs: number;
}

/**
 * The queue between intake and workers: in-process for the embedded mode, BullMQ on Redis for scale-out.
 * The job id is the intake item id, so enqueueing the same item twice while it waits runs it once.
 */
export interface JobQueue {
  readonly kind: "in-process" | "bullmq";
  enqueue(intakeId: string): Promise<void>;
  /** Starts consuming jobs in this process. */
  consume(handler: IntakeJobHandler, options: { concurrency: number }): void;
  /** Throws when the queue's backend cannot be reached. */
  ping(): Promise<void>;
  /** Jobs waiting or running, for readiness and benchmarks. */
  pending(): Promise<number>;
  /** Stops taking new jobs, waits for running ones to finish, closes connections. */
  close(): Promise<void>;
}
