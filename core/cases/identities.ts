import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import type { CanonicalMessage } from "../../normalizers/canonical-message";

export interface IdentityKey {
  kind: string;
  value: string;
}

/**
 * The identities a message's sender can be recognised by, strongest first. The first one is the
 * message's sender identity; the others are linked to the same customer when nobody else holds them.
 */
export function senderIdentities(message: CanonicalMessage, connectorId: string): IdentityKey[] {
  const keys: IdentityKey[] = [];
  const { from } = message;
  if (from.address) keys.push({ kind: "email", value: from.address });
  // A WhatsApp number is a phone number: whoever writes by SMS and later by WhatsApp from it is one identity.
  if (from.phone) keys.push({ kind: "phone", value: from.phone });
  if (from.handle) keys.push(handleIdentity(message.channel, connectorId, from.handle));
  return keys;
}

function handleIdentity(channel: CanonicalMessage["channel"], connectorId: string, handle: string): IdentityKey {
  // A webhook handle means something only within the system that sent it.
  return channel === "webhook"
    ? { kind: "external", value: `${connectorId}:${handle}` }
    : { kind: channel, value: handle };
}

export interface SenderRequest {
  /** Strongest first; the first is the message's sender identity. */
  keys: IdentityKey[];
  displayName: string | undefined;
}

export interface ResolvedSender {
  identityId: string;
  customerId: string;
  /** The customer was created by this call: it has no cases or messages yet. */
  isNew?: boolean;
}

const selectIdentities = `
  SELECT i.id::text AS "identityId", i.customer_id::text AS "customerId", i.kind, i.value
  FROM identities i
  JOIN unnest($1::text[], $2::text[]) AS wanted(kind, value) ON i.kind = wanted.kind AND i.value = wanted.value`;

const insertCustomers = `
  INSERT INTO customers (id, display_name, updated_at)
  SELECT id, display_name, now() FROM unnest($1::uuid[], $2::text[]) AS t(id, display_name)`;

/** `$6` true: skip identities somebody already holds (weaker identities); false: a holder is an error (a race). */
const insertIdentities = (skipHeld: boolean) => `
  INSERT INTO identities (id, customer_id, kind, value, name)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])
  ${skipHeld ? "ON CONFLICT (kind, value) DO NOTHING" : ""}`;

/**
 * Finds the customer behind each sender, creating customer and identity the first time, in a fixed number
 * of round trips whatever the number of senders. Weaker identities (the phone next to an email) are linked
 * to the same customer when nobody holds them yet.
 *
 * A concurrent transaction creating the same identity makes the insert fail on the unique index; the caller
 * retries, and the retry finds the winner's row.
 */
export async function findOrCreateSenders(db: SqlClient, senders: SenderRequest[]): Promise<ResolvedSender[]> {
  const primaries = new Map<string, { key: IdentityKey; displayName: string | undefined }>();
  for (const sender of senders) {
    const primary = sender.keys[0];
    if (!primary) throw new Error("a message without a sender identity reached the case store");
    if (!primaries.has(identityText(primary)))
      primaries.set(identityText(primary), { key: primary, displayName: sender.displayName });
  }
  const wanted = [...primaries.values()].map(({ key }) => key);
  const known = await db.sql<ResolvedSender & IdentityKey>(selectIdentities, [
    wanted.map((key) => key.kind),
    wanted.map((key) => key.value),
  ]);
  const resolved = new Map<string, ResolvedSender>(
    known.map((row) => [identityText(row), { identityId: row.identityId, customerId: row.customerId }]),
  );

  const missing = [...primaries.entries()].filter(([text]) => !resolved.has(text));
  if (missing.length > 0) {
    const created = missing.map(([text, { key, displayName }]) => ({
      text,
      key,
      displayName: displayName ?? null,
      customerId: randomUUID(),
      identityId: randomUUID(),
    }));
    await db.sql(insertCustomers, [
      created.map((entry) => entry.customerId),
      created.map((entry) => entry.displayName),
    ]);
    await db.sql(insertIdentities(false), identityColumns(created));
    for (const entry of created)
      resolved.set(entry.text, { identityId: entry.identityId, customerId: entry.customerId, isNew: true });
  }

  const results = senders.map((sender) => resolved.get(identityText(sender.keys[0] as IdentityKey)) as ResolvedSender);
  const weaker = senders.flatMap((sender, index) =>
    sender.keys.slice(1).map((key) => ({
      key,
      identityId: randomUUID(),
      customerId: results[index]?.customerId as string,
      displayName: sender.displayName ?? null,
    })),
  );
  if (weaker.length > 0) await db.sql(insertIdentities(true), identityColumns(weaker));
  return results;
}

function identityColumns(
  rows: { key: IdentityKey; identityId: string; customerId: string; displayName: string | null }[],
): unknown[] {
  return [
    rows.map((row) => row.identityId),
    rows.map((row) => row.customerId),
    rows.map((row) => row.key.kind),
    rows.map((row) => row.key.value),
    rows.map((row) => row.displayName),
  ];
}

function identityText(key: IdentityKey): string {
  return `${key.kind}\u0000${key.value}`;
}
