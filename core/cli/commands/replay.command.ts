import type { PlaintConfig } from "../../config/config.schema";
import type { PlaintEnv } from "../../kernel/config/env";
import { openDatabase } from "../../kernel/db/database";
import { acquireEmbeddedLock } from "../../kernel/db/embedded-lock";
import { resetForReplay } from "../../store/intake.store";
import { createLogger } from "../../kernel/logger";
import { createIntakeHandler, ingestSettings } from "../../pipeline/process-intake";
import { BullmqQueue } from "../../queue/bullmq-queue";
import { bindConnectors } from "../../hub";

export interface ReplayOptions {
  failedOnly: boolean;
  since?: string | undefined;
  ids?: string[] | undefined;
}

/**
 * `plaint replay`: puts intake items back to `received` and runs them again. With Redis the running workers
 * take them; in embedded mode (no hub may be running on the folder) this process runs them itself.
 */
export async function runReplay(env: PlaintEnv, config: PlaintConfig, options: ReplayOptions): Promise<number> {
  const since = options.since ? new Date(options.since) : undefined;
  if (since && Number.isNaN(since.getTime())) {
    process.stderr.write(`--since: "${options.since}" is not a date (use ISO 8601, e.g. 2026-11-01T00:00:00Z)\n`);
    return 1;
  }
  const release = env.databaseUrl ? () => undefined : acquireEmbeddedLock(env.dataDir);
  const database = await openDatabase({
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    migrate: !env.databaseUrl,
  });
  try {
    const ids = await resetForReplay(database.prisma, { failedOnly: options.failedOnly, since, ids: options.ids });
    if (env.redisUrl) {
      const retry = { maxAttempts: config.pipeline.maxAttempts, backoffMs: config.pipeline.backoffMs };
      const queue = new BullmqQueue({ redisUrl: env.redisUrl, retry, name: env.queueName });
      for (const id of ids) await queue.enqueue(id);
      await queue.close();
      process.stdout.write(`${JSON.stringify({ replayed: ids.length, mode: "queued" })}\n`);
      return 0;
    }
    const connectors = bindConnectors(config);
    const handle = createIntakeHandler({
      database,
      connectors,
      settings: ingestSettings(config, connectors),
      logger: createLogger(env.logLevel),
    });
    let failed = 0;
    for (const id of ids) await handle(id, { number: 1, final: true }).catch(() => failed++);
    process.stdout.write(`${JSON.stringify({ replayed: ids.length, failed, mode: "inline" })}\n`);
    return failed === 0 ? 0 : 1;
  } finally {
    await database.close();
    release();
  }
}
