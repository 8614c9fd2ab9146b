import type { Prisma, PrismaClient } from "../kernel/db/generated/client";

// Where a polling connector is in its source (an IMAP folder's UIDVALIDITY and last UID, a Slack cursor), kept in
// the database so that a restart or another process carries on where the last one stopped.

/** A cursor's address: the connector, and the scope within it (a folder, a channel); "" when it has one only. */
export interface CursorKey {
  connectorId: string;
  scope: string;
}

/** The stored value of a cursor, as the connector wrote it; null before the first save. */
export async function readConnectorCursor(prisma: PrismaClient, key: CursorKey): Promise<Prisma.JsonValue | null> {
  const row = await prisma.connectorCursor.findUnique({ where: { connectorId_scope: key } });
  return row ? row.value : null;
}

/** Stores a cursor's value, creating it the first time. */
export async function saveConnectorCursor(
  prisma: PrismaClient,
  key: CursorKey,
  value: Prisma.InputJsonValue,
): Promise<void> {
  await prisma.connectorCursor.upsert({
    where: { connectorId_scope: key },
    create: { ...key, value },
    update: { value },
  });
}
