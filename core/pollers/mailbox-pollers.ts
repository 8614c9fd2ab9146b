import { ImapIntake } from "../../connectors/channels/email/imap-intake";
import type { ConnectorConfigOf } from "../config/connectors.schema";
import type { PlaintConfig } from "../config/config.schema";
import type { Database } from "../kernel/db/database";
import { describeError } from "../kernel/errors";
import type { Logger } from "../kernel/logger";
import type { JobQueue } from "../queue/job-queue";
import { LeaderLock } from "./leader-lock";

export interface MailboxPollerDependencies {
  config: PlaintConfig;
  database: Database;
  /** Set in scale-out mode: each mailbox is then polled by one process at a time, elected by an advisory lock. */
  databaseUrl: string | undefined;
  queue: JobQueue;
  logger: Logger;
  /** How often a process that is not polling a mailbox tries to take it over. */
  electionEveryMs?: number;
}

/** Starts one IMAP intake per email connector, in the processes that run workers. */
export function startMailboxPollers(deps: MailboxPollerDependencies): { stop(): Promise<void> } {
  const mailboxes = deps.config.connectors.filter((c): c is ConnectorConfigOf<"email"> => c.type === "email");
  const pollers = mailboxes.map((connector) => new MailboxPoller(connector, deps));
  for (const poller of pollers) poller.start();
  return { stop: async () => void (await Promise.all(pollers.map((poller) => poller.stop()))) };
}

class MailboxPoller {
  private intake: ImapIntake | null = null;
  private readonly lock: LeaderLock | null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly connector: ConnectorConfigOf<"email">,
    private readonly deps: MailboxPollerDependencies,
  ) {
    this.lock = deps.databaseUrl ? new LeaderLock(deps.databaseUrl, `plaint:mailbox:${connector.id}`) : null;
  }

  start(): void {
    void this.elect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.intake?.stop();
    this.intake = null;
    await this.lock?.release();
  }

  /** Becomes the mailbox's poller if no other process is; otherwise tries again later. */
  private async elect(): Promise<void> {
    if (this.stopped || this.intake) return;
    try {
      const leader = this.lock ? await this.lock.tryAcquire(() => void this.demote()) : true;
      if (leader && !this.stopped) {
        this.intake = new ImapIntake({
          connectorId: this.connector.id,
          mailbox: this.connector.imap,
          database: this.deps.database,
          queue: this.deps.queue,
          logger: this.deps.logger.child({ connector: this.connector.id }),
        });
        this.intake.start();
        this.deps.logger.info({ connector: this.connector.id }, "polling mailbox");
        return;
      }
    } catch (error) {
      this.deps.logger.warn({ connector: this.connector.id, reason: describeError(error) }, "mailbox election failed");
    }
    this.retryLater();
  }

  private async demote(): Promise<void> {
    this.deps.logger.warn({ connector: this.connector.id }, "lost the mailbox lock; stopping its intake");
    await this.intake?.stop();
    this.intake = null;
    this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.elect(), this.deps.electionEveryMs ?? 15_000);
    this.timer.unref();
  }
}
