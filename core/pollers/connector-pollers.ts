import type { Poller } from "../connector-contract/connector";
import type { ConfiguredConnector, ConnectorSet } from "../connector-contract/connector-set";
import type { Database } from "../kernel/db/database";
import { describeError } from "../kernel/errors";
import type { Logger } from "../kernel/logger";
import type { JobQueue } from "../queue/job-queue";
import { LeaderLock } from "./leader-lock";

export interface ConnectorPollerDependencies {
  connectors: ConnectorSet;
  database: Database;
  /** Set in scale-out mode: each connector is then polled by one process at a time, elected by an advisory lock. */
  databaseUrl: string | undefined;
  queue: JobQueue;
  logger: Logger;
  /** How often a process that is not polling a connector tries to take it over. */
  electionEveryMs?: number;
}

/**
 * Starts the poller of every connector that fetches its messages (an IMAP mailbox), in the processes that run
 * workers; in scale-out, one process per connector at a time.
 */
export function startConnectorPollers(deps: ConnectorPollerDependencies): { stop(): Promise<void> } {
  const pollers = deps.connectors.withPoller().map((connector) => new ElectedPoller(connector, deps));
  for (const poller of pollers) poller.start();
  return { stop: async () => void (await Promise.all(pollers.map((poller) => poller.stop()))) };
}

class ElectedPoller {
  private intake: Poller | null = null;
  private readonly lock: LeaderLock | null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly connector: ConfiguredConnector,
    private readonly deps: ConnectorPollerDependencies,
  ) {
    this.lock = deps.databaseUrl ? new LeaderLock(deps.databaseUrl, `plaint:poller:${connector.id}`) : null;
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

  /** Becomes the connector's poller if no other process is; otherwise tries again later. */
  private async elect(): Promise<void> {
    if (this.stopped || this.intake) return;
    try {
      const leader = this.lock ? await this.lock.tryAcquire(() => void this.demote()) : true;
      const { id, config, definition } = this.connector;
      if (leader && !this.stopped && definition.poller) {
        this.intake = definition.poller(config, {
          database: this.deps.database,
          queue: this.deps.queue,
          logger: this.deps.logger.child({ connector: id }),
        });
        this.intake.start();
        this.deps.logger.info({ connector: id }, "polling");
        return;
      }
    } catch (error) {
      this.deps.logger.warn({ connector: this.connector.id, reason: describeError(error) }, "poller election failed");
    }
    this.retryLater();
  }

  private async demote(): Promise<void> {
    this.deps.logger.warn({ connector: this.connector.id }, "lost the poller lock; stopping its intake");
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
