import { once } from "node:events";
import type { Server } from "node:http";
import type { PlaintConfig } from "./config/config.schema";
import type { PlaintEnv } from "./kernel/config/env";
import { openDatabase, type Database } from "./kernel/db/database";
import { acquireEmbeddedLock } from "./kernel/db/embedded-lock";
import { describeError } from "./kernel/errors";
import { createApp } from "./http/app";
import { findStrandedIntake } from "./store/intake.store";
import { createLogger, type Logger } from "./kernel/logger";
import { createMetrics } from "./kernel/metrics";
import { createIntakeHandler, ingestSettings } from "./pipeline/process-intake";
import { MessageAnalyzer } from "./pipeline/message-analysis";
import { startConnectorPollers } from "./pollers/connector-pollers";
import { OutboxDispatcher, type OutboxHandler } from "./outbox/outbox-dispatcher";
import { createReplyHandler } from "./outbox/reply.handler";
import { connectorRegistry } from "../connectors/registry";
import { ConnectorSet, type ConnectorCatalog } from "./connector-contract/connector-set";
import { loadConfig as loadConfigWith, loadConfigOrThrow as loadConfigOrThrowWith } from "./config/load-config";
import type { LoadConfigResult } from "./config/load-config";
import type { EnvSource } from "./kernel/config/interpolate";
import { BullmqQueue } from "./queue/bullmq-queue";
import { InProcessQueue } from "./queue/in-process-queue";
import type { JobQueue } from "./queue/job-queue";

/**
 * The composition root: the one file of core/ that knows the connectors. It hands their catalog to the config
 * loader and, bound to the configured entries, to the HTTP edge, the worker, the pollers and the outbox.
 */
export const connectorCatalog: ConnectorCatalog = connectorRegistry;

/** Loads and validates the configuration, each connector entry with its type's schema. Never throws for a bad one. */
export function loadConfig(path: string, env: EnvSource = process.env): LoadConfigResult {
  return loadConfigWith(connectorCatalog, path, env);
}

/**
 * Like {@link loadConfig}, for start-up code that cannot go on without a config.
 *
 * @throws ConfigError with every problem.
 */
export function loadConfigOrThrow(path: string, env: EnvSource = process.env): PlaintConfig {
  return loadConfigOrThrowWith(connectorCatalog, path, env);
}

/** The configured connectors bound to their definitions: what the parts of the hub are handed. */
export function bindConnectors(config: PlaintConfig): ConnectorSet {
  return ConnectorSet.bind(config.connectors, connectorCatalog);
}

/** `all` is `plaint start`; `serve` and `worker` are the two halves of a scale-out deployment. */
export type HubRole = "all" | "serve" | "worker";

export interface HubOptions {
  env: PlaintEnv;
  config: PlaintConfig;
  role: HubRole;
  logger?: Logger;
  /** How old an unfinished intake item must be before the sweep re-enqueues it. */
  strandedAfterMs?: number;
  sweepEveryMs?: number;
}

export interface Hub {
  database: Database;
  queue: JobQueue;
  /** The bound HTTP port, when this role serves HTTP. */
  port: number | null;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * Assembles the hub for one role: database, queue, HTTP edge and/or worker. The same pipeline code runs in
 * both modes; only the database driver and the queue implementation differ.
 */
export async function startHub(options: HubOptions): Promise<Hub> {
  const { env, config, role } = options;
  const logger = options.logger ?? createLogger(env.logLevel);
  if (role !== "all" && !env.redisUrl) {
    throw new Error(
      `plaint ${role} needs REDIS_URL (and DATABASE_URL): the API and the workers share work through Redis`,
    );
  }
  if (role !== "all" && !env.databaseUrl) {
    throw new Error(`plaint ${role} needs DATABASE_URL: separate processes cannot share the embedded database`);
  }
  const releaseLock = env.databaseUrl ? () => undefined : acquireEmbeddedLock(env.dataDir);
  const database = await openDatabase({
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    migrate: !env.databaseUrl,
  });
  const retry = { maxAttempts: config.pipeline.maxAttempts, backoffMs: config.pipeline.backoffMs };
  const queue: JobQueue = env.redisUrl
    ? new BullmqQueue({ redisUrl: env.redisUrl, retry, name: env.queueName })
    : new InProcessQueue(retry);

  const connectors = bindConnectors(config);
  // One redactor and classifier per process: a retrain through the API is used by this process's workers at once.
  const analyzer = new MessageAnalyzer(config);
  let server: Server | null = null;
  if (role !== "worker") {
    const app = createApp({ config, connectors, database, queue, metrics: createMetrics(), logger, analyzer });
    server = app.listen(env.port, env.host);
    await once(server, "listening");
  }

  let sweep: NodeJS.Timeout | null = null;
  let modelRefresh: NodeJS.Timeout | null = null;
  let pollers: { stop(): Promise<void> } | null = null;
  let outbox: OutboxDispatcher | null = null;
  if (role !== "serve") {
    const handler = createIntakeHandler({
      database,
      connectors,
      settings: ingestSettings(config, connectors, analyzer),
      logger,
      // A batch can never hold more jobs than run at once: flush as soon as all of them are waiting.
      batch: { maxBatch: Math.min(100, env.workerConcurrency), maxWaitMs: 5 },
    });
    queue.consume(handler, { concurrency: env.workerConcurrency });
    const strandedAfterMs = options.strandedAfterMs ?? 60_000;
    // In embedded mode the queue died with the last process, so everything unfinished is stranded now.
    await requeueStranded(database, queue, queue.kind === "in-process" ? 0 : strandedAfterMs, logger);
    sweep = setInterval(
      () => void requeueStranded(database, queue, strandedAfterMs, logger),
      options.sweepEveryMs ?? 30_000,
    );
    sweep.unref();
    // Workers of a scale-out hub pick up a model retrained by another process.
    await refreshClassifier(analyzer, database, logger);
    modelRefresh = setInterval(() => void refreshClassifier(analyzer, database, logger), 60_000);
    modelRefresh.unref();
    // Pollers (mailboxes) run where the workers run; in scale-out an advisory lock picks one process per connector.
    pollers = startConnectorPollers({ connectors, database, databaseUrl: env.databaseUrl, queue, logger });
    outbox = new OutboxDispatcher({ database, logger, handlers: replyHandlers(database, connectors) });
    outbox.start();
  }

  const address = server?.address();
  const port = address && typeof address === "object" ? address.port : null;
  logger.info({ role, port, database: database.mode, queue: queue.kind }, "plaint started");

  return {
    database,
    queue,
    port,
    logger,
    async stop() {
      if (sweep) clearInterval(sweep);
      if (modelRefresh) clearInterval(modelRefresh);
      await pollers?.stop();
      await outbox?.stop();
      if (server) {
        const closed = new Promise<void>((resolve) => server?.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
      }
      await queue.close();
      await database.close();
      releaseLock();
      logger.info({ role }, "plaint stopped");
    },
  };
}

async function refreshClassifier(analyzer: MessageAnalyzer, database: Database, logger: Logger): Promise<void> {
  try {
    if (await analyzer.classifiers.refresh(database)) {
      logger.info({ model: analyzer.classifiers.modelSource }, "classifier model updated");
    }
  } catch (error) {
    logger.error(
      { reason: describeError(error) },
      "could not load the newest classifier model; keeping the current one",
    );
  }
}

async function requeueStranded(
  database: Database,
  queue: JobQueue,
  olderThanMs: number,
  logger: Logger,
): Promise<void> {
  try {
    const ids = await findStrandedIntake(database.prisma, olderThanMs);
    for (const id of ids) await queue.enqueue(id);
    if (ids.length > 0) logger.info({ count: ids.length }, "re-enqueued unfinished intake items");
  } catch (error) {
    logger.warn({ reason: describeError(error) }, "stranded-intake sweep failed; it runs again later");
  }
}

/** One outbox handler per channel a reply can go out on: `reply:email`, `reply:sms`, `reply:whatsapp`, … */
function replyHandlers(database: Database, connectors: ConnectorSet): Record<string, OutboxHandler> {
  const reply = createReplyHandler(database, connectors);
  return Object.fromEntries([...connectors.replyChannels()].map((channel) => [`reply:${channel}`, reply]));
}
