import { ok, type Result } from "../../../core/kernel/result";
import type { CanonicalMessage } from "../../canonical-message";
import { splitMetaDelivery, type MetaItem, type MetaPayloadProblem } from "./meta-delivery";
import { normalizeMessagingEvent } from "./messenger.normalizer";
import { normalizeWhatsAppMessage, normalizeWhatsAppStatus } from "./whatsapp.normalizer";

/**
 * The one place an item's id is computed: the intake log's unique key (connector, externalId) and the message's
 * idempotency key both use it, so a redelivered item is dropped at the edge. Messages keep Meta's own id (wamid,
 * mid); updates get an id of their own, so a status or a reaction is never mistaken for a redelivery of the
 * message it is about, while the same update delivered twice still is.
 */
export function metaItemExternalId(item: MetaItem): string {
  switch (item.source) {
    case "whatsapp-message":
      return item.message.id;
    case "whatsapp-status":
      return `status:${item.status.id}:${item.status.status}`;
    case "messaging": {
      const { event } = item;
      if (event.message?.is_deleted) return `delete:${event.message.mid}`;
      if (event.message) return event.message.mid;
      if (event.message_edit) return `edit:${event.message_edit.mid}:${String(event.message_edit.num_edit)}`;
      if (event.reaction) {
        const { mid, action } = event.reaction;
        return `reaction:${mid}:${event.sender.id}:${action}:${event.timestamp}`;
      }
      if (event.postback) return event.postback.mid ?? `postback:${event.sender.id}:${event.timestamp}`;
      if (item.deliveredMid !== undefined) return `status:${item.deliveredMid}:delivered`;
      return `status:${event.read?.mid ?? ""}:read`;
    }
  }
}

/** One item → its canonical message; a problem names the JSON path inside the body the item came from. */
export function normalizeMetaItem(item: MetaItem): Result<CanonicalMessage, MetaPayloadProblem> {
  const externalId = metaItemExternalId(item);
  switch (item.source) {
    case "whatsapp-message":
      return normalizeWhatsAppMessage(item, externalId);
    case "whatsapp-status":
      return ok(normalizeWhatsAppStatus(item, externalId));
    case "messaging":
      return ok(normalizeMessagingEvent(item, externalId));
  }
}

/**
 * A Meta webhook body (a whole delivery, or one stored item, which has the same shape) → its canonical messages,
 * one per item. Pure: what `plaint parse --channel meta` prints and what the worker stores.
 */
export function normalizeMetaDelivery(rawBody: string): Result<CanonicalMessage[], MetaPayloadProblem> {
  const items = splitMetaDelivery(rawBody);
  if (!items.ok) return items;
  const messages: CanonicalMessage[] = [];
  for (const item of items.value) {
    const message = normalizeMetaItem(item);
    if (!message.ok) return message;
    messages.push(message.value);
  }
  return ok(messages);
}
