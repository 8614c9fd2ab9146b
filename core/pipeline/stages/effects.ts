import { randomUUID } from "node:crypto";
import type { SqlClient } from "../../kernel/db/database";
import { insertOutboxRows, type NewOutboxRow } from "../../store/outbox.store";
import { queueAcknowledgements } from "../acknowledgements";
import { outboxKey } from "../idempotency-key";
import { maskRawBodies } from "../intake-masking";
import type { IngestSettings, IntakeMessages, Placement } from "../pipeline.types";
import { markUndeliverable } from "../reachability";

/**
 * Effects stage: what the placed messages set off, in the same transaction: dead addresses marked after permanent
 * bounces, acknowledgements and each destination's side effect queued in the outbox (sent after commit), and the
 * intake log's raw bodies masked where redaction found personal data.
 */
export async function effects(
  tx: SqlClient,
  items: IntakeMessages[],
  placements: Placement[],
  settings: IngestSettings,
): Promise<void> {
  if (placements.length === 0) return;
  await markUndeliverable(tx, placements, settings.policies);
  await queueAcknowledgements(tx, placements, settings.policies);
  if (settings.destinations.length > 0) await insertOutboxRows(tx, sideEffects(settings.destinations, placements));
  await maskRawBodies(tx, items, placements, settings.analyzer, settings.rawMaskers);
}

/** One outbox row per destination and placement: `case.created` for a new case, `message.added` for a joined one. */
export function sideEffects(destinations: readonly { id: string }[], placements: readonly Placement[]): NewOutboxRow[] {
  return placements.flatMap((placement) => {
    const joined = placement.via.action === "join";
    const event = joined ? "message.added" : "case.created";
    const subject = joined ? placement.id : placement.caseId;
    return destinations.map((destination) => ({
      id: randomUUID(),
      destination: destination.id,
      case_id: placement.caseId,
      payload: JSON.stringify({ event, caseId: placement.caseId, messageId: placement.id }),
      idempotency_key: outboxKey(destination.id, event, subject),
    }));
  });
}
