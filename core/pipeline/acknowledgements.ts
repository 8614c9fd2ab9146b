import { randomUUID } from "node:crypto";
import type { IngestPolicy } from "../connector-contract/connector";
import { formatCaseNumber } from "../cases/case-number";
import type { SqlClient } from "../kernel/db/database";
import { findCaseNumbers } from "../store/cases.store";
import { appendEventRows, type EventRow } from "../store/events.store";
import { insertMessageRows, type MessageRow } from "../store/messages.store";
import { insertOutboxRows, type NewOutboxRow } from "../store/outbox.store";
import { outboxKey } from "./idempotency-key";
import { isMachineMail, messageRow } from "./placement";
import type { Placement } from "./pipeline.types";

/** The connector's automatic first answer on every case a customer's message opened (never on machine mail). */
export async function queueAcknowledgements(
  tx: SqlClient,
  placements: Placement[],
  policies: ReadonlyMap<string, IngestPolicy>,
): Promise<void> {
  const opened = placements.filter(
    (placement) =>
      placement.via.action !== "join" &&
      policies.get(placement.connectorId)?.acknowledgement !== undefined &&
      !isMachineMail(placement.message),
  );
  if (opened.length === 0) return;
  const numberOf = await findCaseNumbers(
    tx,
    opened.map((placement) => placement.caseId),
  );
  const messages: MessageRow[] = [];
  const events: EventRow[] = [];
  const outbox: NewOutboxRow[] = [];
  for (const placement of opened) {
    const template = policies.get(placement.connectorId)?.acknowledgement ?? "";
    const { message } = placement;
    const text = template
      .replaceAll("{case}", formatCaseNumber(numberOf.get(placement.caseId) ?? 0))
      .replaceAll("{name}", message.from.name ?? message.from.address ?? message.from.phone ?? "")
      .replaceAll("{subject}", message.subject ?? "");
    const id = randomUUID();
    const destination = `reply:${message.channel}`;
    messages.push({
      ...messageRow(placement),
      id,
      idempotency_key: `ack:${placement.caseId}`,
      direction: "out",
      external_id: null,
      intake_item_id: null,
      subject: null,
      text,
      full_text: text,
      thread: "{}",
      conversation_id: placement.message.thread.conversationId ?? null,
      attachments: "[]",
      flags: JSON.stringify({ automatic: true }),
      classification: null,
      text_hash: null,
      duplicate_of_id: null,
      redactions: "[]",
      original: null,
      automatic: true,
      sent_at: new Date().toISOString(),
    });
    events.push({
      case_id: placement.caseId,
      actor: "system",
      type: "reply_queued",
      reason: `automatic acknowledgement (connectors.${placement.connectorId}.acknowledgement)`,
      data: JSON.stringify({ messageId: id, channel: message.channel }),
    });
    outbox.push({
      id: randomUUID(),
      destination,
      case_id: placement.caseId,
      payload: JSON.stringify({ event: "reply", caseId: placement.caseId, messageId: id, automatic: true }),
      idempotency_key: outboxKey(destination, "acknowledgement", placement.caseId),
    });
  }
  await insertMessageRows(tx, messages, { skipExistingKeys: true });
  await appendEventRows(tx, events);
  await insertOutboxRows(tx, outbox);
}
