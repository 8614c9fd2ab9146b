import { connectorFor, type AnyConnectorConfig } from "../../connectors/registry";
import type { PrismaClient } from "../db/generated/client";
import { isUniqueViolation } from "../db/prisma-errors";
import { BadInputError, describeError, TransientError } from "../errors";
import { markIntakeFailed } from "../intake/intake-log";
import type { Logger } from "../logger";
import type { IntakeJobHandler, JobAttempt } from "../queue/job-queue";
import { ingestMessage, type IngestOutcome } from "./ingest-message";

export interface PipelineDependencies {
  prisma: PrismaClient;
  connectors: readonly AnyConnectorConfig[];
  defaultTeam: string;
  destinations: readonly { id: string }[];
  logger: Logger;
}

/** A unique-index race between two first messages of one new customer; the retry finds the winner's rows. */
const maxRaceRetries = 3;

/**
 * The worker side of the pipeline: one intake item → canonical messages → cases, atomically.
 * The item's status changes to `processed` in the same transaction that writes its messages, so a crash
 * at any point either left nothing (the job runs again) or everything (the re-run sees `processed`).
 */
export function createIntakeHandler(deps: PipelineDependencies): IntakeJobHandler {
  return async (intakeId, attempt) => {
    try {
      await processIntake(deps, intakeId);
    } catch (error) {
      await recordFailure(deps, intakeId, attempt, error);
      throw error;
    }
  };
}

async function processIntake(deps: PipelineDependencies, intakeId: string): Promise<void> {
  const { prisma } = deps;
  const item = await prisma.intakeItem.update({
    where: { id: intakeId },
    data: { attempts: { increment: 1 } },
    select: { id: true, status: true, connectorId: true, rawBody: true, receivedAt: true },
  });
  if (item.status === "processed" || item.status === "ignored") return;

  const connectorConfig = deps.connectors.find((connector) => connector.id === item.connectorId);
  if (!connectorConfig) throw new BadInputError(`connector "${item.connectorId}" is not in the configuration`);
  const normalized = connectorFor(connectorConfig).normalize(connectorConfig, item);
  if (!normalized.ok) throw new BadInputError(normalized.error.message, normalized.error.path);

  const context = {
    connectorId: item.connectorId,
    intakeItemId: item.id,
    defaultTeam: deps.defaultTeam,
    destinations: deps.destinations,
  };
  for (let race = 1; ; race++) {
    try {
      const outcomes = await prisma.$transaction(async (tx) => {
        const results: IngestOutcome[] = [];
        for (const message of normalized.value) results.push(await ingestMessage(tx, message, context));
        const added = results.some((outcome) => outcome.result !== "ignored");
        await tx.intakeItem.update({
          where: { id: item.id },
          data: { status: added ? "processed" : "ignored", error: null, processedAt: new Date() },
        });
        return results;
      });
      deps.logger.debug({ intakeId, outcomes: outcomes.map((outcome) => outcome.result) }, "intake processed");
      return;
    } catch (error) {
      if (!isUniqueViolation(error) || race >= maxRaceRetries) throw toTransient(error);
    }
  }
}

async function recordFailure(deps: PipelineDependencies, intakeId: string, attempt: JobAttempt, error: unknown): Promise<void> {
  const reason = describeError(error);
  const willRetry = !(error instanceof BadInputError) && !attempt.final;
  deps.logger.warn({ intakeId, attempt: attempt.number, willRetry, reason }, "intake processing failed");
  try {
    if (willRetry) await deps.prisma.intakeItem.update({ where: { id: intakeId }, data: { error: reason } });
    else await markIntakeFailed(deps.prisma, intakeId, reason);
  } catch (markError) {
    // The database itself is failing; the queue's retry (or the stranded-intake sweep) covers this item.
    deps.logger.error({ intakeId, reason: describeError(markError) }, "could not record the failure");
  }
}

function toTransient(error: unknown): unknown {
  return error instanceof BadInputError ? error : new TransientError(describeError(error), { cause: error });
}
