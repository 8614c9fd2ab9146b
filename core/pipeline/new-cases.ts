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
  /** The connector the first message came through. */
  connectorId: string;
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

/**
 * The case row as the write stage inserts it: its team, and what rules set (assignee, status, tags, a category or a
 * priority), are the route stage's decision.
 */
export function caseRow(entry: RoutedCase, priority: Priority | undefined, now: Date): NewCaseRow {
  const classification = entry.analyzed.classification;
  const { routing } = entry;
  const category = routing.category ?? confidentCategory(classification);
  const finished = routing.status === "resolved" || routing.status === "closed" ? now.toISOString() : null;
  return {
    id: entry.id,
    customer_id: entry.customerId,
    channel: entry.message.channel,
    subject: entry.message.subject,
    status: routing.status,
    team: routing.team,
    assignee: routing.assignee,
    tags: JSON.stringify(routing.tags),
    follow_up_of_id: entry.followUpOf,
    category,
    severity: classification?.severity ?? null,
    classification: classification ? JSON.stringify(classification) : null,
    category_source: routing.category ? "rule" : category ? "model" : null,
    // A rule that names the category settles it: the case no longer waits for an agent to triage it.
    triage: routing.category ? false : (classification?.triage ?? false),
    priority: routing.priority ?? priority?.score ?? null,
    priority_breakdown: priority ? JSON.stringify(priority) : null,
    resolved_at: finished,
    closed_at: routing.status === "closed" ? finished : null,
  };
}
