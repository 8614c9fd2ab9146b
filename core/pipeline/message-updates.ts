import type { SqlClient } from "../kernel/db/database";
import { TransientError } from "../kernel/errors";
import type { CanonicalMessage, MessageUpdate } from "../../normalizers/canonical-message";
import { eventTable, type EventRow } from "./case-rows";
import { insertRows } from "./insert-rows";

/** An update (status, edit, delete, reaction) and the intake item it came in. */
export interface UpdateItem {
  intakeItemId: string;
  connectorId: string;
  message: CanonicalMessage & { update: MessageUpdate };
}

/**
 * Delivery states in the order a message goes through them. A callback that arrives late (`sent` after
 * `delivered`, which vendors do) never moves a message back; `failed` and `undelivered` are final.
 */
const deliveryRank = `CASE $STATUS WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2
  WHEN 'read' THEN 3 WHEN 'failed' THEN 4 WHEN 'undelivered' THEN 4 ELSE -1 END`;
const rankOf = (column: string) => deliveryRank.replace("$STATUS", column);

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
  await insertRows(tx, eventTable, events);
  return new Set(updates.map((update) => update.intakeItemId));
}

interface UpdatedMessage {
  id: string;
  caseId: string;
  /** Whether the update changed anything (a stale status does not). */
  changed: boolean;
}

function applyOne(tx: SqlClient, message: CanonicalMessage, update: MessageUpdate): Promise<UpdatedMessage[]> {
  const target = [message.channel, update.targetExternalId];
  const returning = `RETURNING id::text AS id, case_id::text AS "caseId"`;
  switch (message.kind) {
    case "status":
      // The row is selected even when the status is stale, so a late callback is recognised, not retried.
      return tx.sql(
        `WITH target AS (
           SELECT id, case_id, delivery_status FROM messages
           WHERE channel = $1 AND external_id = $2 AND direction = 'out' LIMIT 1
         ), updated AS (
           UPDATE messages m SET delivery_status = $3, delivery_error = $4
           FROM target WHERE m.id = target.id AND ${rankOf("target.delivery_status")} < ${rankOf("$3")}
           RETURNING m.id
         )
         SELECT target.id::text AS id, target.case_id::text AS "caseId", EXISTS (SELECT 1 FROM updated) AS changed
         FROM target`,
        [...target, update.status ?? null, update.error ?? null],
      );
    case "edit":
      return tx.sql(
        `UPDATE messages SET text = $3, full_text = $3, edited_at = $4
         WHERE channel = $1 AND external_id = $2 ${returning}, true AS changed`,
        [...target, message.text, message.receivedAt],
      );
    case "delete":
      return tx.sql(
        `UPDATE messages SET deleted_at = $3 WHERE channel = $1 AND external_id = $2 ${returning}, true AS changed`,
        [...target, message.receivedAt],
      );
    default:
      return tx.sql(
        `SELECT id::text AS id, case_id::text AS "caseId", true AS changed
         FROM messages WHERE channel = $1 AND external_id = $2 LIMIT 1`,
        target,
      );
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
