import type { Prisma } from "../db/generated/client";
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
  if (from.phone) keys.push({ kind: message.channel === "whatsapp" ? "whatsapp" : "phone", value: from.phone });
  if (from.handle) keys.push(handleIdentity(message.channel, connectorId, from.handle));
  return keys;
}

function handleIdentity(channel: CanonicalMessage["channel"], connectorId: string, handle: string): IdentityKey {
  // A webhook handle means something only within the system that sent it.
  return channel === "webhook" ? { kind: "external", value: `${connectorId}:${handle}` } : { kind: channel, value: handle };
}

/**
 * Finds the customer behind the sender, creating customer and identity the first time.
 * A concurrent first message from the same person can make the insert lose a race; the unique index
 * turns that into an error that the caller retries, and the retry finds the winner's row.
 */
export async function findOrCreateSender(
  tx: Prisma.TransactionClient,
  keys: IdentityKey[],
  displayName: string | undefined,
): Promise<{ identityId: string; customerId: string }> {
  const [primary, ...others] = keys;
  if (!primary) throw new Error("a message without a sender identity reached the case store");
  const identity = await tx.identity.upsert({
    where: { kind_value: primary },
    update: {},
    create: { ...primary, name: displayName ?? null, customer: { create: { displayName: displayName ?? null } } },
    select: { id: true, customerId: true },
  });
  if (others.length > 0) {
    await tx.identity.createMany({
      data: others.map((key) => ({ ...key, customerId: identity.customerId, name: displayName ?? null })),
      skipDuplicates: true,
    });
  }
  return { identityId: identity.id, customerId: identity.customerId };
}
