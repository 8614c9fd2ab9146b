import type { z } from "zod";
import { err, ok, type Result } from "../../../core/kernel/result";
import {
  messagingEventSchema,
  metaDeliverySchema,
  waChangeValueSchema,
  type MessagingEvent,
  type MetaDelivery,
  type WaChangeValue,
  type WaMessage,
  type WaStatus,
} from "./meta-delivery.schema";

/** Why a delivery was refused: a JSON Pointer into the body that was posted, and what is wrong there. */
export interface MetaPayloadProblem {
  path: string;
  message: string;
}

/** WhatsApp delivery states the hub tracks; other values (`deleted`, `warning`…) are not delivery updates. */
export const waTrackedStatuses = ["sent", "delivered", "read", "failed"] as const;
type WaTrackedStatus = (typeof waTrackedStatuses)[number];

interface ItemBase {
  /** JSON Pointer of the item inside the body it came from, so problems name the place Meta can be asked about. */
  path: string;
  /** `entry[].id`: the WhatsApp Business Account, Page or Instagram account the delivery is for. */
  entryId: string;
}

/** What one delivery item is about. Each becomes one intake item and one canonical message. */
export type MetaItem =
  | (ItemBase & { source: "whatsapp-message"; value: WaContext; message: WaMessage })
  | (ItemBase & { source: "whatsapp-status"; value: WaContext; status: WaStatus & { status: WaTrackedStatus } })
  | (ItemBase & {
      source: "messaging";
      channel: "messenger" | "instagram";
      event: MessagingEvent;
      /** For a `delivery` event that lists several messages: the one this item is about. */
      deliveredMid?: string;
    });

/**
 * A WhatsApp change's `value` without its message and status lists: what every item of the change shares. Other
 * fields Meta sends (`messaging_product`) stay in the object, so the stored item keeps the vendor's shape.
 */
export type WaContext = Pick<WaChangeValue, "metadata" | "contacts">;

/**
 * Splits one webhook delivery into its items: Meta batches several entries, changes, messages and statuses into
 * one POST, and each of them is stored, deduplicated and normalized on its own. Our own messages echoed back
 * (`is_echo`), Messenger read watermarks (no message id) and fields the hub does not handle (template status,
 * account updates, comments) carry nothing to keep and are skipped.
 */
export function splitMetaDelivery(rawBody: string): Result<MetaItem[], MetaPayloadProblem> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch (error) {
    return err({ path: "", message: `body is not valid JSON (${(error as Error).message})` });
  }
  const delivery = metaDeliverySchema.safeParse(json);
  if (!delivery.success) return err(firstProblem(delivery.error, ""));

  const items: MetaItem[] = [];
  for (const [entryIndex, entry] of delivery.data.entry.entries()) {
    const entryPath = `/entry/${entryIndex}`;
    const found =
      delivery.data.object === "whatsapp_business_account"
        ? whatsappItems(entry, entryPath)
        : messagingItems(entry, entryPath, delivery.data.object === "page" ? "messenger" : "instagram");
    if (!found.ok) return found;
    items.push(...found.value);
  }
  return ok(items);
}

type Entry = MetaDelivery["entry"][number];

function whatsappItems(entry: Entry, entryPath: string): Result<MetaItem[], MetaPayloadProblem> {
  const items: MetaItem[] = [];
  for (const [changeIndex, change] of (entry.changes ?? []).entries()) {
    if (change.field !== "messages") continue;
    const valuePath = `${entryPath}/changes/${changeIndex}/value`;
    const parsed = waChangeValueSchema.safeParse(change.value);
    if (!parsed.success) return err(firstProblem(parsed.error, valuePath));
    const { messages = [], statuses = [], ...value } = parsed.data;
    for (const [index, message] of messages.entries()) {
      items.push({
        source: "whatsapp-message",
        path: `${valuePath}/messages/${index}`,
        entryId: entry.id,
        value,
        message,
      });
    }
    for (const [index, status] of statuses.entries()) {
      if (!isTracked(status)) continue;
      items.push({
        source: "whatsapp-status",
        path: `${valuePath}/statuses/${index}`,
        entryId: entry.id,
        value,
        status,
      });
    }
  }
  return ok(items);
}

function isTracked(status: WaStatus): status is WaStatus & { status: WaTrackedStatus } {
  return (waTrackedStatuses as readonly string[]).includes(status.status);
}

function messagingItems(
  entry: Entry,
  entryPath: string,
  channel: "messenger" | "instagram",
): Result<MetaItem[], MetaPayloadProblem> {
  const events: { event: MessagingEvent; path: string }[] = (entry.messaging ?? []).map((event, index) => ({
    event,
    path: `${entryPath}/messaging/${index}`,
  }));
  // Instagram's dashboard test sends (and older subscriptions deliver) messaging events as `changes[].value`.
  for (const [index, change] of (entry.changes ?? []).entries()) {
    if (!isObject(change.value) || !isObject(change.value["sender"])) continue;
    const path = `${entryPath}/changes/${index}/value`;
    const parsed = messagingEventSchema.safeParse(change.value);
    if (!parsed.success) return err(firstProblem(parsed.error, path));
    events.push({ event: parsed.data, path });
  }

  const items: MetaItem[] = [];
  for (const { event, path } of events) {
    const base = { source: "messaging" as const, channel, path, entryId: entry.id, event };
    if (event.message) {
      if (event.message.is_echo) continue; // our own send, reported back: not a customer message
      items.push(base);
    } else if (event.delivery) {
      for (const mid of event.delivery.mids ?? []) items.push({ ...base, deliveredMid: mid });
    } else if (event.read) {
      if (event.read.mid) items.push(base); // Messenger reads carry only a watermark: no message to update
    } else if (event.message_edit || event.reaction || event.postback) {
      items.push(base);
    }
  }
  return ok(items);
}

/**
 * The item as a delivery of its own, in Meta's shape: what is stored in the intake log. Storing the vendor's shape
 * (not ours) keeps the intake log replayable through a fixed normalizer, and `plaint parse` reads both forms.
 */
export function itemAsDelivery(item: MetaItem): object {
  switch (item.source) {
    case "whatsapp-message":
    case "whatsapp-status": {
      const list = item.source === "whatsapp-message" ? { messages: [item.message] } : { statuses: [item.status] };
      return {
        object: "whatsapp_business_account",
        entry: [{ id: item.entryId, changes: [{ field: "messages", value: { ...item.value, ...list } }] }],
      };
    }
    case "messaging": {
      const event =
        item.deliveredMid === undefined
          ? item.event
          : { ...item.event, delivery: { ...item.event.delivery, mids: [item.deliveredMid] } };
      return {
        object: item.channel === "messenger" ? "page" : "instagram",
        entry: [{ id: item.entryId, messaging: [event] }],
      };
    }
  }
}

function firstProblem(error: z.ZodError, prefix: string): MetaPayloadProblem {
  const issue = error.issues[0];
  if (!issue) return { path: prefix, message: "does not match the Meta webhook format" };
  const pointer = issue.path.map((part) => `/${String(part).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
  return { path: prefix + pointer, message: issue.message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
