import { randomUUID } from "node:crypto";
import type { FiredRule, PlannedAction } from "../routing/rules";
import type { EventRow } from "../store/events.store";
import type { NewOutboxRow } from "../store/outbox.store";
import { outboxKey } from "./idempotency-key";

/**
 * The trail the `case.created` rules leave on a new case, after its `routed` event: one `rule_fired` event per
 * rule that fired (the values its conditions saw, the actions it planned), and a `note_added` event per note.
 */
export function ruleEvents(caseId: string, fired: readonly FiredRule[]): EventRow[] {
  return fired.flatMap((rule) => [
    {
      case_id: caseId,
      actor: `rule:${rule.ruleId}`,
      type: "rule_fired",
      reason: `rule ${rule.ruleId} fired on case.created`,
      data: JSON.stringify({ ruleId: rule.ruleId, trigger: "case.created", seen: rule.seen, actions: rule.actions }),
    },
    ...rule.actions.flatMap((action) =>
      action.type === "note"
        ? [
            {
              case_id: caseId,
              actor: `rule:${rule.ruleId}`,
              type: "note_added",
              reason: action.text,
              data: JSON.stringify({ ruleId: rule.ruleId }),
            },
          ]
        : [],
    ),
  ]);
}

/**
 * The side effects rules asked for, as outbox rows written with the case: `notify` (to a Slack channel or person,
 * sent once the agents' Slack app exists) and `push` (the case to a destination, the same row a configured
 * destination gets, so asking twice writes it once).
 */
export function ruleOutboxRows(caseId: string, fired: readonly FiredRule[]): NewOutboxRow[] {
  return fired.flatMap((rule) => rule.actions.flatMap((action) => outboxRow(caseId, action)));
}

function outboxRow(caseId: string, action: PlannedAction): NewOutboxRow[] {
  if (action.type === "push") {
    const payload = { event: "case.created", caseId, ruleId: action.ruleId };
    const key = outboxKey(action.destination, "case.created", caseId);
    return [
      {
        id: randomUUID(),
        destination: action.destination,
        case_id: caseId,
        payload: JSON.stringify(payload),
        idempotency_key: key,
      },
    ];
  }
  if (action.type === "notify") {
    const { ruleId, type: _type, ...target } = action;
    const payload = { event: "rule.notify", caseId, ruleId, ...target };
    const key = outboxKey("notify", ruleId, caseId);
    return [
      {
        id: randomUUID(),
        destination: "notify",
        case_id: caseId,
        payload: JSON.stringify(payload),
        idempotency_key: key,
      },
    ];
  }
  return [];
}
