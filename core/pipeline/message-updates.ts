import type { SqlClient } from "../kernel/db/database";
import { TransientError } from "../kernel/errors";
import type { CanonicalMessage, MessageUpdate } from "../../normalizers/canonical-message";
import { appendEventRows, type EventRow } from "../store/events.store";
import {
  applyDeliveryStatus,
  applyMessageEdit,
  findMessageByExternalId,
  markMessageDeleted,
  type UpdatedMessage,
} from "../store/messages.store";

/** An update (status, edit, delete, reaction) and the intake item it came in. */
export interface UpdateItem {
  intakeItemId: string;
  connectorId: string;
  message: CanonicalMessage & { update: MessageUpdate };
}

/**
 * Applies updates to the messages they name and writes what matters on the case's trail: a failed delivery, an
 * edit, a deletion, a reaction. Returns the intake items applied. An update whose message is not stored yet is
 * most often a status callback that overtook our own record of the send (vendors call back within milliseconds),
 * so it fails transiently and the queue's backoff retries it; one that never finds its message ends `failed`,
 * replayable, instead of being dropped silently.
 */
export async function applyMessageUpdates(tx: SqlClient, updates: UpdateItem[]): Promise<Set<string>> {
  const events: EventRow[] = [];
  const missing: string[] = [];
  for (const { message, connectorId } of updates) {
    const { update } = message;
    const actor = `connector:${connectorId}`;
    const [target] = await applyOne(tx, message, update);
    if (!target) {
      missing.push(`${message.kind} for ${message.channel} message ${update.targetExternalId}`);
      continue;
    }
    const event = updateEvent(message, update, target, actor);
    if (event) events.push(event);
  }
  if (missing.length > 0) {
    throw new TransientError(`no stored message for ${missing.join("; ")} (yet)`);
  }
  await appendEventRows(tx, events);
  return new Set(updates.map((update) => update.intakeItemId));
}

/** The one statement an update needs, by its kind; a reaction changes nothing stored, it only finds its message. */
function applyOne(tx: SqlClient, message: CanonicalMessage, update: MessageUpdate): Promise<UpdatedMessage[]> {
  const target = { channel: message.channel, externalId: update.targetExternalId };
  switch (message.kind) {
    case "status":
      return applyDeliveryStatus(tx, target, { status: update.status ?? null, error: update.error ?? null });
    case "edit":
      return applyMessageEdit(tx, target, { text: message.text, editedAt: message.receivedAt });
    case "delete":
      return markMessageDeleted(tx, target, message.receivedAt);
    default:
      return findMessageByExternalId(tx, target);
  }
}

/** Delivered and read are visible on the message itself; the trail gets what someone should act on or see. */
function updateEvent(
  message: CanonicalMessage,
  update: MessageUpdate,
  target: UpdatedMessage,
  actor: string,
): EventRow | null {
  const data = (extra: Record<string, unknown>) => JSON.stringify({ messageId: target.id, ...extra });
  if (!target.changed) return null;
  switch (message.kind) {
    case "status":
      if (update.status !== "failed" && update.status !== "undelivered") return null;
      return {
        case_id: target.caseId,
        actor,
        type: "delivery_failed",
        reason: `${message.channel} reported ${update.status}${update.error ? `: ${update.error}` : ""}`,
        data: data({ status: update.status, error: update.error ?? null }),
      };
    case "edit":
      return {
        case_id: target.caseId,
        actor,
        type: "message_edited",
        reason: "the customer edited the message",
        data: data({}),
      };
    case "delete":
      return {
        case_id: target.caseId,
        actor,
        type: "message_deleted",
        reason: "the customer deleted the message",
        data: data({}),
      };
    default:
      return {
        case_id: target.caseId,
        actor,
        type: "reaction",
        reason: update.reaction ? `reacted ${update.reaction}` : "removed a reaction",
        data: data({ reaction: update.reaction ?? "" }),
      };
  }
}
