import type { SqlClient } from "../../kernel/db/database";
import type { Priority } from "../../cases/priority";
import { insertCaseRows } from "../../store/cases.store";
import { appendEventRows } from "../../store/events.store";
import { insertMessageRows } from "../../store/messages.store";
import { insertOutboxRows } from "../../store/outbox.store";
import { ruleOutboxRows } from "../rule-effects";
import { touchJoinedCases } from "../batch-state";
import { caseRow, type RoutedCase } from "../new-cases";
import { events } from "../placement-events";
import { messageRow } from "../placement";
import type { Placed } from "./place.types";

/**
 * Write stage: the new cases (with their team and priority), the joined cases' activity, the messages and the
 * events that explain them, one bulk statement each whatever the batch size.
 */
export async function write(
  tx: SqlClient,
  placed: Placed,
  routed: readonly RoutedCase[],
  priorities: ReadonlyMap<string, Priority>,
): Promise<void> {
  if (routed.length > 0) {
    await insertCaseRows(
      tx,
      routed.map((entry) => caseRow(entry, priorities.get(entry.id), new Date())),
    );
    await insertOutboxRows(
      tx,
      routed.flatMap((entry) => ruleOutboxRows(entry.id, entry.routing.fired)),
    );
  }
  await touchJoinedCases(tx, placed.batch);
  if (placed.placements.length === 0) return;
  await insertMessageRows(tx, placed.placements.map(messageRow), { skipExistingKeys: false });
  // Event ids follow the order of this list, so each case's trail reads created → classified → routed →
  // message_added.
  const opened = new Map(routed.map((entry) => [entry.id, entry]));
  await appendEventRows(
    tx,
    placed.placements.flatMap((placement) =>
      events(placement, opened.get(placement.caseId), priorities.get(placement.caseId)),
    ),
  );
}
