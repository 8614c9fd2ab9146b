import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { findIdentities, insertCustomers, insertIdentities, type IdentityKey } from "../store/customers.store";

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
  const known = await findIdentities(db, wanted);
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
    await insertCustomers(db, created);
    await insertIdentities(db, created, { skipHeld: false });
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
  if (weaker.length > 0) await insertIdentities(db, weaker, { skipHeld: true });
  return results;
}

function identityText(key: IdentityKey): string {
  return `${key.kind}\u0000${key.value}`;
}
