import type { Priority } from "../../cases/priority";
import { route, type RoutableCase, type RoutingConfig } from "../../routing/route";
import { confidentCategory, type NewCase, type RoutedCase } from "../new-cases";

/**
 * Route stage: each new case's team, assignee and reason from `route()` (core/routing), after the prioritise stage
 * so that rules can read the priority. Joined cases keep the team they have. No I/O.
 */
export function routeCases(
  newCases: readonly NewCase[],
  priorities: ReadonlyMap<string, Priority>,
  routing: RoutingConfig,
): RoutedCase[] {
  return newCases.map((entry) => ({ ...entry, routing: route(routable(entry, priorities.get(entry.id)), routing) }));
}

/** A new case as routing sees it. */
export function routable(entry: NewCase, priority: Priority | undefined): RoutableCase {
  const classification = entry.analyzed.classification;
  return {
    id: entry.id,
    customerId: entry.customerId,
    channel: entry.message.channel,
    subject: entry.message.subject,
    category: confidentCategory(classification),
    severity: classification?.severity ?? null,
    language: classification?.language ?? null,
    priority: priority?.score ?? null,
    followUpOf: entry.followUpOf,
  };
}
