import type { WebhookMapping } from "./webhook-mapping";
import { err, ok, type Result } from "../../../core/kernel/result";
import type { CanonicalMessage } from "../../canonical-message";
import { resolvePointer } from "../../json-pointer";
import { normalizeWebhookValue, parseJson, type MappingProblem } from "./webhook.normalizer";

/** How a connector reads its bodies: the resolved mapping, and a preset's view of the body if any. */
export interface WebhookReading {
  mapping: WebhookMapping;
  view?: (body: unknown) => Result<unknown, MappingProblem>;
}

/** One message of a request, with the text to store for it in the intake log. */
export interface WebhookItem {
  externalId: string;
  rawBody: string;
  message: CanonicalMessage;
}

/**
 * Marks a stored batch element. An element is stored on its own, as `{"plaint:element": "/entries/3",
 * "value": {...}}`, rather than as the whole body plus an index, because:
 * - dedupe is per element (`connectorId` + the element's externalId), and a later batch that overlaps this one
 *   stores only its new elements, which then need nothing from the other elements or the envelope;
 * - a replay re-normalizes exactly that element, whatever else the original request carried;
 * - the pointer keeps the 400 path of a replayed element the same as the one the sender got.
 * The key cannot be mistaken for a sender's body in practice, and only connectors with `mapping.items` look for it.
 */
const ELEMENT_KEY = "plaint:element";

/**
 * Splits a verified request into messages. Without `mapping.items` the body is one message (seen through the
 * preset's view, if any); with it, each element of that array is one, its pointers relative to the element.
 * The first element that does not fit fails the whole request, with the element's pointer (`/entries/3/email`).
 * An empty array is no message.
 */
export function readWebhookRequest(
  rawBody: string,
  reading: WebhookReading,
  receivedAt: Date,
): Result<WebhookItem[], MappingProblem> {
  const body = parseJson(rawBody);
  if (!body.ok) return body;
  const { items } = reading.mapping;
  if (items === undefined) {
    const message = readOne(body.value, reading, receivedAt);
    return message.ok ? ok([{ externalId: message.value.externalId, rawBody, message: message.value }]) : message;
  }
  const elements: unknown = resolvePointer(body.value, items);
  if (!Array.isArray(elements))
    return err({ path: items, message: elements === undefined ? "missing" : "must be an array of messages" });
  const read: WebhookItem[] = [];
  for (const [index, element] of (elements as unknown[]).entries()) {
    const pointer = `${items}/${index}`;
    const message = readElement(element, pointer, reading, receivedAt);
    if (!message.ok) return message;
    const stored = JSON.stringify({ [ELEMENT_KEY]: pointer, value: element });
    read.push({ externalId: message.value.externalId, rawBody: stored, message: message.value });
  }
  return ok(read);
}

/**
 * Normalizes a stored intake item: a batch element stored by {@link readWebhookRequest}, or a whole body (a
 * single message, or a rejected batch being replayed, which then yields all its elements' messages).
 */
export function readStoredWebhook(
  rawBody: string,
  reading: WebhookReading,
  receivedAt: Date,
): Result<CanonicalMessage[], MappingProblem> {
  if (reading.mapping.items !== undefined) {
    const body = parseJson(rawBody);
    if (!body.ok) return body;
    const element = storedElement(body.value);
    if (element) {
      const message = readElement(element.value, element.pointer, reading, receivedAt);
      return message.ok ? ok([message.value]) : message;
    }
  }
  const read = readWebhookRequest(rawBody, reading, receivedAt);
  return read.ok ? ok(read.value.map((item) => item.message)) : read;
}

function readOne(body: unknown, reading: WebhookReading, receivedAt: Date): Result<CanonicalMessage, MappingProblem> {
  const view = reading.view ? reading.view(body) : ok(body);
  return view.ok ? normalizeWebhookValue(view.value, reading.mapping, receivedAt) : view;
}

function readElement(
  element: unknown,
  pointer: string,
  reading: WebhookReading,
  receivedAt: Date,
): Result<CanonicalMessage, MappingProblem> {
  const message = readOne(element, reading, receivedAt);
  if (message.ok) return message;
  // "no sender" names several pointers, comma-separated; each is relative to the element.
  const path = message.error.path
    .split(", ")
    .map((relative) => pointer + relative)
    .join(", ");
  return err({ path, message: message.error.message });
}

function storedElement(value: unknown): { pointer: string; value: unknown } | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const pointer = record[ELEMENT_KEY];
  return typeof pointer === "string" && Object.hasOwn(record, "value")
    ? { pointer, value: record["value"] }
    : undefined;
}
