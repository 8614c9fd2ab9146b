import type { ConnectorSet } from "../connector-contract/connector-set";
import { businessCalendars } from "../routing/calendar/business-calendars";
import type { Database } from "../kernel/db/database";
import { isUniqueViolation } from "../kernel/db/prisma-errors";
import { BadInputError, describeError, TransientError } from "../kernel/errors";
import type { Logger } from "../kernel/logger";
import { markIntakeFailed, recordIntakeError, startIntakeAttempts } from "../store/intake.store";
import type { IntakeJobHandler, JobAttempt } from "../queue/job-queue";
import { MicroBatcher, type ItemOutcome } from "../queue/micro-batcher";
import type { PlaintConfig } from "../config/config.schema";
import { ingestMessages, type IngestSettings, type IntakeMessages } from "./ingest-messages";
import { MessageAnalyzer } from "./message-analysis";
import type { RawBodyMasker } from "./intake-masking";

export interface PipelineDependencies {
  database: Database;
  connectors: ConnectorSet;
  settings: IngestSettings;
  logger: Logger;
  /** Jobs gathered into one transaction; default 100 jobs or 5 ms, whichever comes first. */
  batch?: { maxBatch: number; maxWaitMs: number };
}

/** A unique-index race between two first messages of one new customer; the retry finds the winner's rows. */
const maxRaceRetries = 3;

/**
 * The worker side of the pipeline: intake items → canonical messages → cases. Jobs running at the same time
 * are gathered into one transaction; each item's status changes to `processed` in the transaction that writes
 * its messages, so a crash at any point either left nothing (the job runs again) or everything (the re-run
 * sees `processed`).
 */
export function createIntakeHandler(deps: PipelineDependencies): IntakeJobHandler {
  const batcher = new MicroBatcher<string>(
    (ids) => processIntakeBatch(deps, ids),
    deps.batch ?? { maxBatch: 100, maxWaitMs: 5 },
  );
  return async (intakeId, attempt) => {
    try {
      await batcher.submit(intakeId);
    } catch (error) {
      await recordFailure(deps, intakeId, attempt, error);
      throw error;
    }
  };
}

/** Processes a batch; returns one outcome per id, in order. */
export async function processIntakeBatch(deps: PipelineDependencies, ids: string[]): Promise<ItemOutcome[]> {
  const outcomes = new Map<string, ItemOutcome>(ids.map((id) => [id, { ok: true }]));
  const work = await loadAndNormalize(deps, ids, outcomes);
  if (work.length > 0 && !(await ingestTogether(deps, work))) {
    // Something in the batch failed (a race, one bad row): give each item its own transaction and outcome.
    for (const item of work) outcomes.set(item.intakeItemId, await ingestAlone(deps, item));
  }
  return ids.map((id) => outcomes.get(id) as ItemOutcome);
}

/** Counts the attempt, skips finished items, normalizes the rest; bad input becomes that item's outcome. */
async function loadAndNormalize(
  deps: PipelineDependencies,
  ids: string[],
  outcomes: Map<string, ItemOutcome>,
): Promise<IntakeMessages[]> {
  const items = await startIntakeAttempts(deps.database, ids);
  const work: IntakeMessages[] = [];
  for (const item of items) {
    const connector = deps.connectors.get(item.connectorId);
    if (!connector) {
      outcomes.set(item.id, {
        ok: false,
        error: new BadInputError(`connector "${item.connectorId}" is not in the configuration`),
      });
      continue;
    }
    const normalized = await connector.definition.normalize(connector.config, item);
    if (normalized.ok)
      work.push({
        intakeItemId: item.id,
        connectorId: item.connectorId,
        messages: normalized.value,
        attempt: item.attempts,
        rawBody: item.rawBody,
        meta: item.meta,
      });
    else
      outcomes.set(item.id, { ok: false, error: new BadInputError(normalized.error.message, normalized.error.path) });
  }
  return work;
}

async function ingestTogether(deps: PipelineDependencies, work: IntakeMessages[]): Promise<boolean> {
  try {
    await ingest(deps, work);
    return true;
  } catch (error) {
    if (work.length === 1) return false;
    deps.logger.debug(
      { size: work.length, reason: describeError(error) },
      "batch failed; retrying its items one by one",
    );
    return false;
  }
}

async function ingestAlone(deps: PipelineDependencies, item: IntakeMessages): Promise<ItemOutcome> {
  for (let race = 1; ; race++) {
    try {
      await ingest(deps, [item]);
      return { ok: true };
    } catch (error) {
      if (!isUniqueViolation(error) || race >= maxRaceRetries) {
        return { ok: false, error: new TransientError(describeError(error), { cause: error }) };
      }
    }
  }
}

function ingest(deps: PipelineDependencies, work: IntakeMessages[]): Promise<void> {
  return deps.database.transaction((tx) => ingestMessages(tx, work, deps.settings));
}

/**
 * What the pipeline takes from the configuration. `analyzer` is the process's own (its classifier can be swapped
 * for a retrained one while it runs); one is made from the config when none is given.
 */
export function ingestSettings(
  config: PlaintConfig,
  connectors: ConnectorSet,
  analyzer = new MessageAnalyzer(config),
): IngestSettings {
  const maskers = connectors.all.flatMap(({ id, definition }) => {
    if (!definition.maskRawBody) return [];
    const masker: RawBodyMasker = (item, redact) => definition.maskRawBody?.(item, redact) ?? redact(item.rawBody);
    return [[id, masker] as const];
  });
  return {
    routing: config.routing,
    destinations: config.destinations,
    cases: config.cases,
    policies: connectors.ingestPolicies(),
    maxAttempts: config.pipeline.maxAttempts,
    analyzer,
    rawMaskers: new Map(maskers),
    identity: config.identity,
    priority: config.priority,
    calendars: businessCalendars(config.calendars),
    agents: config.agents,
  };
}

async function recordFailure(
  deps: PipelineDependencies,
  intakeId: string,
  attempt: JobAttempt,
  error: unknown,
): Promise<void> {
  const reason = describeError(error);
  const willRetry = !(error instanceof BadInputError) && !attempt.final;
  deps.logger.warn({ intakeId, attempt: attempt.number, willRetry, reason }, "intake processing failed");
  try {
    if (willRetry) await recordIntakeError(deps.database.prisma, intakeId, reason);
    else await markIntakeFailed(deps.database.prisma, intakeId, reason);
  } catch (markError) {
    // The database itself is failing; the queue's retry (or the stranded-intake sweep) covers this item.
    deps.logger.error({ intakeId, reason: describeError(markError) }, "could not record the failure");
  }
}
