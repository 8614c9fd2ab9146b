import type { CustomerFacts } from "../../../normalizers/canonical-message";
import type { Priority } from "../../cases/priority";
import { route, type RoutableCase, type RoutingConfig } from "../../routing/route";
import type { BusinessCalendars } from "../../routing/rules";
import { confidentCategory, type NewCase, type RoutedCase } from "../new-cases";

/** What the route stage needs besides the cases: the customers' stored attributes, the time, the calendars. */
export interface RouteInputs {
  priorities: ReadonlyMap<string, Priority>;
  /** Stored attributes of the batch's returning customers (empty when no rule runs on new cases). */
  attributes: ReadonlyMap<string, CustomerFacts>;
  now: Date;
  calendars: BusinessCalendars;
}

/**
 * Route stage: each new case's team, assignee and reason from `route()` (core/routing): the `case.created` rules,
 * then the default team. After the prioritise stage, so that rules can read the priority. Joined cases keep the
 * team they have. No I/O: the caller looked the attributes up once for the batch.
 */
export function routeCases(newCases: readonly NewCase[], routing: RoutingConfig, inputs: RouteInputs): RoutedCase[] {
  const context = { now: inputs.now, calendars: inputs.calendars };
  return newCases.map((entry) => ({
    ...entry,
    routing: route(
      routable(entry, inputs.priorities.get(entry.id), inputs.attributes.get(entry.customerId)),
      routing,
      context,
    ),
  }));
}

/** A new case as routing sees it; the message's own customer facts win over stored ones. */
export function routable(entry: NewCase, priority: Priority | undefined, stored?: CustomerFacts): RoutableCase {
  const classification = entry.analyzed.classification;
  const facts = { ...stored, ...entry.message.customer };
  return {
    id: entry.id,
    customerId: entry.customerId,
    channel: entry.message.channel,
    connector: entry.connectorId,
    subject: entry.message.subject,
    text: entry.message.text,
    category: confidentCategory(classification),
    kind: classification?.kind ?? null,
    severity: classification?.severity ?? null,
    sentiment: classification?.sentiment.label ?? null,
    language: classification?.language ?? null,
    priority: priority?.score ?? null,
    customer: { tier: facts.tier ?? null, segment: facts.segment ?? null, dealSize: facts.dealSize ?? null },
    followUpOf: entry.followUpOf,
    openedAt: new Date(entry.message.receivedAt),
  };
}
