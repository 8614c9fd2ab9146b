import { err, ok, type Result } from "../../../core/kernel/result";
import { noFlags, type CanonicalMessage, type CustomerFacts, type Party } from "../../canonical-message";
import { normalizeEmail, normalizePhone } from "../../identity-values";
import { resolvePointer } from "../../json-pointer";

import type { MappingProblem, WebhookMapping } from "./webhook-mapping";

export type { MappingProblem, WebhookMapping } from "./webhook-mapping";

/**
 * Generic signed webhook → canonical message. Pure: raw body in, message out.
 * `receivedAt` is the time the hub took the request in, used when the mapping has no timestamp.
 */
export function normalizeWebhook(
  rawBody: string,
  mapping: WebhookMapping,
  receivedAt: Date,
): Result<CanonicalMessage, MappingProblem> {
  const body = parseJson(rawBody);
  return body.ok ? normalizeWebhookValue(body.value, mapping, receivedAt) : body;
}

/** Parses a body, or names the problem at the root. */
export function parseJson(rawBody: string): Result<unknown, MappingProblem> {
  try {
    return ok(JSON.parse(rawBody) as unknown);
  } catch (error) {
    return err({ path: "", message: `body is not valid JSON (${(error as Error).message})` });
  }
}

/** As {@link normalizeWebhook}, for a body already parsed (a batch element, a preset's view). */
export function normalizeWebhookValue(
  body: unknown,
  mapping: WebhookMapping,
  receivedAt: Date,
): Result<CanonicalMessage, MappingProblem> {
  if (body === null || typeof body !== "object")
    return err({ path: "", message: "body must be a JSON object or array" });

  const externalId = readId(body, mapping.externalId);
  if (!externalId.ok) return externalId;
  const text = readString(body, mapping.text, { required: true });
  if (!text.ok) return text;
  const subject = readString(body, mapping.subject, { required: false });
  if (!subject.ok) return subject;
  const from = readSender(body, mapping.from);
  if (!from.ok) return from;
  const timestamp = readTimestamp(body, mapping.receivedAt, receivedAt);
  if (!timestamp.ok) return timestamp;
  const customer = readCustomer(body, mapping.customer);
  if (!customer.ok) return customer;

  return ok({
    channel: "webhook",
    externalId: externalId.value,
    from: from.value,
    to: [],
    cc: [],
    subject: subject.value,
    text: text.value ?? "",
    fullText: text.value ?? "",
    attachments: [],
    thread: { references: [] },
    receivedAt: timestamp.value,
    flags: { ...noFlags },
    kind: "message",
    ...(customer.value && { customer: customer.value }),
  });
}

/** The mapped customer facts; absent fields are left out, a deal size that is not a number is bad input. */
function readCustomer(body: object, mapping: WebhookMapping["customer"]): Result<CustomerFacts | null, MappingProblem> {
  if (!mapping) return ok(null);
  const facts: CustomerFacts = {};
  for (const field of ["tier", "segment"] as const) {
    const pointer = mapping[field];
    const value = pointer === undefined ? undefined : resolvePointer(body, pointer);
    if (typeof value === "string" && value.trim() !== "") facts[field] = value.trim();
    else if (typeof value === "number") facts[field] = String(value);
  }
  if (mapping.dealSize !== undefined) {
    const value = resolvePointer(body, mapping.dealSize);
    const amount = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof amount === "number" && Number.isFinite(amount) && amount >= 0) facts.dealSize = amount;
    else if (value !== undefined && value !== null)
      return err({ path: mapping.dealSize, message: `must be a non-negative number, got ${JSON.stringify(value)}` });
  }
  return ok(Object.keys(facts).length > 0 ? facts : null);
}

function readId(body: object, pointer: string): Result<string, MappingProblem> {
  const value = resolvePointer(body, pointer);
  if (typeof value === "number" && Number.isFinite(value)) return ok(String(value));
  if (typeof value === "string" && value.trim() !== "") return ok(value.trim());
  return err({ path: pointer, message: value === undefined ? "missing" : "must be a non-empty string or a number" });
}

function readString(
  body: object,
  pointer: string | undefined,
  { required }: { required: boolean },
): Result<string | null, MappingProblem> {
  if (pointer === undefined) return ok(null);
  const value = resolvePointer(body, pointer);
  if (value === undefined || value === null) return required ? err({ path: pointer, message: "missing" }) : ok(null);
  if (typeof value !== "string") return err({ path: pointer, message: `must be a string, got ${typeName(value)}` });
  if (required && value.trim() === "") return err({ path: pointer, message: "must not be empty" });
  return ok(value);
}

function readSender(body: object, mapping: WebhookMapping["from"]): Result<Party, MappingProblem> {
  const party: Party = {};
  const fields = [
    ["email", mapping.email],
    ["phone", mapping.phone],
    ["name", mapping.name],
    ["handle", mapping.handle],
  ] as const;
  for (const [field, pointer] of fields) {
    const value = readString(body, pointer, { required: false });
    if (!value.ok) return value;
    if (value.value === null || value.value.trim() === "") continue;
    const problem = assignSenderField(party, field, value.value);
    if (problem && pointer) return err({ path: pointer, message: problem });
  }
  if (!party.address && !party.phone && !party.handle) {
    const tried = [mapping.email, mapping.phone, mapping.handle].filter(Boolean).join(", ");
    return err({ path: tried, message: "no sender: email, phone and handle are all missing" });
  }
  return ok(party);
}

/** Returns a problem message, or null when the field was set. */
function assignSenderField(party: Party, field: "email" | "phone" | "name" | "handle", value: string): string | null {
  switch (field) {
    case "email": {
      const email = normalizeEmail(value);
      if (!email) return "is not an email address";
      party.address = email;
      return null;
    }
    case "phone": {
      const phone = normalizePhone(value);
      if (!phone) return "is not a phone number in international format (+<country code>…)";
      party.phone = phone;
      return null;
    }
    case "name":
      party.name = value.trim();
      return null;
    case "handle":
      party.handle = value.trim();
      return null;
  }
}

function readTimestamp(body: object, pointer: string | undefined, fallback: Date): Result<string, MappingProblem> {
  if (pointer === undefined) return ok(fallback.toISOString());
  const value = resolvePointer(body, pointer);
  if (value === undefined || value === null) return ok(fallback.toISOString());
  const date = toDate(value);
  if (!date) return err({ path: pointer, message: "must be an ISO 8601 date or a Unix timestamp" });
  return ok(date.toISOString());
}

function toDate(value: unknown): Date | null {
  if (typeof value === "number" && Number.isFinite(value)) {
    // Seconds or milliseconds since the epoch: anything below 1e11 is seconds (year 5138 in ms).
    return new Date(value < 1e11 ? value * 1000 : value);
  }
  if (typeof value === "string" && value.trim() !== "") {
    const date = new Date(/^\d+$/.test(value) ? Number(value) * (value.length <= 11 ? 1000 : 1) : value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
}
