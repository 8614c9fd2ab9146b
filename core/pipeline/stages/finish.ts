import type { SqlClient } from "../../kernel/db/database";
import { consolidateMergedCustomers } from "../../cases/consolidate";
import type { MatchingConfig } from "../../config/config.schema";
import { markIntakeItemsDone } from "../../store/intake.store";
import { inboundMessageKey } from "../idempotency-key";
import type { IntakeMessages } from "../pipeline.types";

/** What the batch did with its items, for the finish stage. */
export interface BatchOutcome {
  /** Intake items that put a message on a case, updated a stored message, or opted an identity out or in. */
  handled: ReadonlySet<string>;
  /** Idempotency keys an earlier run stored (dedupe stage). */
  alreadyStored: ReadonlySet<string>;
  /** Customers the identify stage merged: their open cases may now be one complaint. */
  mergedCustomers: readonly string[];
}

/** Finish stage: merged customers' cases consolidated, then every intake item marked processed or ignored. */
export async function finish(
  tx: SqlClient,
  items: readonly IntakeMessages[],
  outcome: BatchOutcome,
  matching: MatchingConfig,
): Promise<void> {
  await consolidateMergedCustomers(tx, outcome.mergedCustomers, matching, new Date());
  const { processed, ignored } = itemStatuses(items, outcome);
  if (processed.length > 0) await markIntakeItemsDone(tx, processed, "processed");
  if (ignored.length > 0) await markIntakeItemsDone(tx, ignored, "ignored");
}

/** `processed` when the item put a message on a case or updated one (now or in an earlier run), `ignored` otherwise. */
export function itemStatuses(
  items: readonly IntakeMessages[],
  { handled, alreadyStored }: Pick<BatchOutcome, "handled" | "alreadyStored">,
): { processed: string[]; ignored: string[] } {
  const processed = items
    .filter(
      (item) =>
        handled.has(item.intakeItemId) ||
        item.messages.some((message) => alreadyStored.has(inboundMessageKey(item.connectorId, message.externalId))),
    )
    .map((item) => item.intakeItemId);
  const processedSet = new Set(processed);
  const ignored = items.map((item) => item.intakeItemId).filter((id) => !processedSet.has(id));
  return { processed, ignored };
}
