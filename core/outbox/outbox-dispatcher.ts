import type { Database } from "../kernel/db/database";
import { describeError, PermanentError, TransientError } from "../kernel/errors";
import type { Logger } from "../kernel/logger";
import { backoffDelay } from "../queue/backoff";
import { claimDueOutbox, markOutboxDone, recordOutboxFailure, type OutboxRow } from "../store/outbox.store";

/** Performs one kind of side effect; throws PermanentError to stop retries, anything else to retry. */
export type OutboxHandler = (row: OutboxRow) => Promise<void>;

export interface OutboxDispatcherOptions {
  database: Database;
  logger: Logger;
  /** Handlers by destination; rows of other destinations are left for the processes that know them. */
  handlers: Record<string, OutboxHandler>;
  maxAttempts?: number;
  backoffMs?: number;
  pollEveryMs?: number;
  /** How long a claimed row stays with its process before another may take it (a crash mid-send). */
  leaseMs?: number;
}

/**
 * Delivers outbox rows written by the pipeline and the API, after their transaction committed. Rows are claimed
 * with `FOR UPDATE SKIP LOCKED`, so any number of workers share the outbox without sending a row twice at once;
 * a claim is a lease, so a row whose worker died is taken again once the lease ends. Delivery is therefore at
 * least once: handlers pass the row's idempotency key to destinations that accept one.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: OutboxDispatcherOptions) {}

  start(): void {
    if (Object.keys(this.options.handlers).length === 0) return;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Claims and delivers the rows that are due; returns how many were handled. */
  async dispatchDue(limit = 20): Promise<number> {
    const rows = await this.claim(limit);
    for (const row of rows) await this.deliver(row);
    return rows.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.dispatchDue()
        .catch((error: unknown) => {
          this.options.logger.warn({ reason: describeError(error) }, "outbox dispatch failed; retrying");
          return 0;
        })
        .then((handled) => this.schedule(handled > 0 ? 0 : (this.options.pollEveryMs ?? 1000)));
    }, delayMs);
    this.timer.unref();
  }

  private claim(limit: number): Promise<OutboxRow[]> {
    return claimDueOutbox(this.options.database, {
      destinations: Object.keys(this.options.handlers),
      limit,
      leaseMs: this.options.leaseMs ?? 300_000,
    });
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const handler = this.options.handlers[row.destination];
    try {
      if (!handler) throw new PermanentError(`no handler for ${row.destination}`);
      await handler(row);
      await markOutboxDone(this.options.database, row.id);
    } catch (error) {
      const reason = describeError(error);
      const final = error instanceof PermanentError || row.attempts >= (this.options.maxAttempts ?? 8);
      this.options.logger.warn(
        { outboxId: row.id, destination: row.destination, attempt: row.attempts, final, reason },
        "side effect failed",
      );
      // A vendor that said how long to wait (Retry-After) is waited for at least that long.
      const retryAfterMs = error instanceof TransientError ? (error.retryAfterSeconds ?? 0) * 1000 : 0;
      const delay = Math.max(backoffDelay(this.options.backoffMs ?? 5_000, row.attempts), retryAfterMs);
      await recordOutboxFailure(this.options.database, {
        id: row.id,
        status: final ? "failed" : "pending",
        error: reason,
        delayMs: delay,
      });
    }
  }
}
