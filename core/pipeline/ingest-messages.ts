import type { SqlClient } from "../kernel/db/database";
import type { IngestSettings, IntakeMessages } from "./pipeline.types";
import { analyse } from "./stages/analyse";
import { dedupe } from "./stages/dedupe";
import { effects } from "./stages/effects";
import { finish } from "./stages/finish";
import { identify } from "./stages/identify";
import { place } from "./stages/place";
import { prioritise } from "./stages/prioritise";
import { routeCases } from "./stages/route";
import { applyUpdates } from "./stages/updates";
import { write } from "./stages/write";
import { assignByStrategy } from "./stages/assign";
import { findCustomerAttributes } from "../store/customers.store";
import { customerFacts } from "../customers/customer-facts";
import { businessCalendars } from "../routing/calendar/business-calendars";
import type { CustomerFacts } from "../../normalizers/canonical-message";
import type { NewCase } from "./new-cases";
import type { RoutingConfig } from "../routing/route";

export type { IngestSettings, IntakeMessages } from "./pipeline.types";

/**
 * Canonical messages into the case store, inside the caller's transaction, stage by stage (core/pipeline/stages):
 * dedupe on the idempotency key → analyse (mask personal data, classify) → identify the senders (merging customers
 * on evidence) → place each message on the case it belongs to (its channel thread, else an exact repeat, else an
 * open case about the same thing) or open one (reopening or following up closed ones) → apply updates and opt-outs
 * → prioritise and route the new cases → write cases, messages and the events that explain them → queue the
 * effects (bounces, acknowledgements, destinations' side effects, raw-body masking) → finish (consolidate merged
 * customers, mark the intake items done).
 * The number of round trips does not grow with the number of messages (except the look-ups of messages that carry
 * a case tag or reply to another message), which is what lets a worker keep up with the HTTP edge.
 */
export async function ingestMessages(tx: SqlClient, items: IntakeMessages[], settings: IngestSettings): Promise<void> {
  const { fresh, alreadyStored } = await dedupe(tx, items);
  const analysed = analyse(fresh, settings.analyzer);
  const { senders, mergedCustomers } = await identify(tx, analysed, settings.identity);
  const placed = await place(tx, analysed, senders, settings);
  const updated = await applyUpdates(tx, items, placed.batch.optOuts);
  const priorities = await prioritise(tx, placed.newCases, settings.priority);
  const attributes = await storedAttributesForRules(tx, placed.newCases, settings.routing);
  const calendars = settings.calendars ?? businessCalendars([]);
  const routing = routeCases(placed.newCases, settings.routing, { priorities, attributes, now: new Date(), calendars });
  const routed = await assignByStrategy(tx, routing, settings.agents ?? []);
  await write(tx, placed, routed, priorities);
  await effects(tx, items, placed.placements, settings);
  const handled = new Set([
    ...placed.placements.map((placement) => placement.intakeItemId),
    ...updated,
    ...placed.batch.optOuts.map((optOut) => optOut.intakeItemId),
  ]);
  await finish(tx, items, { handled, alreadyStored, mergedCustomers }, settings.cases.matching);
}

/**
 * The stored attributes (tier, segment, deal size) of the returning customers whose cases open in this batch, for
 * the rules that test them: one query, and none when no rule runs on new cases or every customer is new.
 */
async function storedAttributesForRules(
  tx: SqlClient,
  newCases: readonly NewCase[],
  routing: RoutingConfig,
): Promise<Map<string, CustomerFacts>> {
  const returning = newCases.filter((entry) => !entry.customerIsNew).map((entry) => entry.customerId);
  const rulesOnCreation = routing.rules.some((rule) => rule.on["case.created"] !== undefined);
  if (!rulesOnCreation || returning.length === 0) return new Map();
  const stored = await findCustomerAttributes(tx, [...new Set(returning)]);
  return new Map([...stored].map(([id, attributes]) => [id, customerFacts(attributes)]));
}
