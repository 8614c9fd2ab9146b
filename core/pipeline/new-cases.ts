import type { CanonicalMessage } from "../../normalizers/canonical-message";
import type { Priority } from "../cases/priority";
import type { RouteDecision } from "../routing/route";
import type { NewCaseRow } from "../store/cases.store";
import type { UnprioritizedCase } from "./case-priority";
import type { AnalyzedMessage, MessageClassification } from "./message-analysis";

/** A case the batch opens, with what its first message said. */
export interface NewCase {
  id: string;
  customerId: string;
  /** Created in this batch: its attributes are only what its message said. */
  customerIsNew: boolean;
  message: CanonicalMessage;
  analyzed: AnalyzedMessage;
  followUpOf: string | null;
  /** Why no existing case was joined, when the content rules had one to consider. */
  openNote: string | null;
}

/** A new case with the route stage's decision on it. */
export interface RoutedCase extends NewCase {
  routing: RouteDecision;
}

/** A classification good enough to put on a case: confident, not for triage. */
export function confidentCategory(classification: MessageClassification | null): string | null {
  return classification && !classification.triage ? classification.category : null;
}

export function unprioritized(entry: NewCase): UnprioritizedCase {
  const classification = entry.analyzed.classification;
  return {
    id: entry.id,
    customerId: entry.customerId,
    category: confidentCategory(classification),
    severity: classification?.severity ?? null,
    text: [entry.message.subject, entry.message.text].filter(Boolean).join("\n"),
    ...(entry.customerIsNew && { attributes: entry.message.customer ?? {} }),
  };
}

/** The case row as the write stage inserts it: its team is the route stage's decision. */
export function caseRow(entry: RoutedCase, priority: Priority | undefined): NewCaseRow {
  const classification = entry.analyzed.classification;
  return {
    id: entry.id,
    customer_id: entry.customerId,
    channel: entry.message.channel,
    subject: entry.message.subject,
    status: "new",
    team: entry.routing.team,
    follow_up_of_id: entry.followUpOf,
    category: confidentCategory(classification),
    severity: classification?.severity ?? null,
    classification: classification ? JSON.stringify(classification) : null,
    category_source: confidentCategory(classification) ? "model" : null,
    triage: classification?.triage ?? false,
    priority: priority?.score ?? null,
    priority_breakdown: priority ? JSON.stringify(priority) : null,
  };
}
