import type { Priority } from "../cases/priority";
import type { ThreadMatch } from "../cases/thread-match";
import type { EventRow } from "../store/events.store";
import type { MessageClassification } from "./message-analysis";
import type { RoutedCase } from "./new-cases";
import type { Placement } from "./pipeline.types";
import { ruleEvents } from "./rule-effects";

/**
 * The trail a placed message leaves: created → classified → prioritized → routed for a new case (`opened`, with the
 * route stage's decision), then message_added.
 */
export function events(placement: Placement, opened: RoutedCase | undefined, priority?: Priority): EventRow[] {
  const { caseId, actor, via } = placement;
  const messageAdded = {
    case_id: caseId,
    actor,
    type: "message_added",
    reason: via.action === "join" ? joinReason(via.match) : "first message of the case",
    data: JSON.stringify({
      messageId: placement.id,
      channel: placement.message.channel,
      ...(via.action === "join" && { rule: via.match.rule }),
      ...(placement.duplicateOf && { duplicateOf: placement.duplicateOf }),
    }),
  };
  if (via.action === "join") {
    if (!via.reopen) return [messageAdded];
    const reopened = {
      case_id: caseId,
      actor,
      type: "status_changed",
      reason: `the customer wrote again on a ${via.match.status} case`,
      data: JSON.stringify({ from: via.match.status, to: "open" }),
    };
    return [reopened, messageAdded];
  }
  if (!opened) throw new Error(`message ${placement.id} opened case ${caseId}, which the batch did not route`);
  const created = {
    case_id: caseId,
    actor,
    type: "created",
    reason:
      via.action === "follow-up"
        ? `follow-up to a closed case (${via.match.rule} ${via.match.evidence}; cases.replyToClosed)`
        : (opened.openNote ?? "no open case matched the message"),
    data: JSON.stringify(via.action === "follow-up" ? { followUpOf: via.match.caseId } : {}),
  };
  const routed = {
    case_id: caseId,
    actor: "system",
    type: "routed",
    reason: opened.routing.reason,
    data: JSON.stringify({
      team: opened.routing.team,
      ...(opened.routing.ruleId && { ruleId: opened.routing.ruleId }),
      ...(opened.routing.assignee && { assignee: opened.routing.assignee }),
      ...(opened.routing.assignmentNote && { assignment: opened.routing.assignmentNote }),
    }),
  };
  return [
    created,
    ...classificationEvents(caseId, placement.analyzed.classification, priority),
    routed,
    ...ruleEvents(caseId, opened.routing.fired),
    messageAdded,
  ];
}

function joinReason(match: ThreadMatch): string {
  if (match.rule === "duplicate") return `duplicate: ${match.evidence}`;
  if (match.rule === "similarity") return `same complaint: ${match.evidence}`;
  return `thread: ${match.rule} ${match.evidence}`;
}

/** Why the new case has its category (or needs triage) and its priority. */
function classificationEvents(
  caseId: string,
  classification: MessageClassification | null,
  priority: Priority | undefined,
): EventRow[] {
  const rows: EventRow[] = [];
  if (classification) {
    const { category, confidence, evidence, kind, severity, language } = classification;
    rows.push({
      case_id: caseId,
      actor: "system",
      type: classification.triage ? "needs_triage" : "classified",
      reason: classification.triage
        ? `best guess ${category} at ${confidence.toFixed(2)} is below classification.triageBelow (${evidence})`
        : `${category} at ${confidence.toFixed(2)} (${evidence}); ${kind}, ${severity}`,
      data: JSON.stringify({ category, confidence, kind, severity, language, reasons: classification.reasons }),
    });
  }
  if (priority) {
    const parts = Object.entries(priority.factors).map(([name, factor]) => `${name} ${factor.points}`);
    rows.push({
      case_id: caseId,
      actor: "system",
      type: "prioritized",
      reason: `priority ${priority.score}: ${parts.join(", ")}`,
      data: JSON.stringify(priority),
    });
  }
  return rows;
}
