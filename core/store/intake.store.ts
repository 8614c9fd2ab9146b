import type { Database, SqlClient } from "../kernel/db/database";
import type { PrismaClient } from "../kernel/db/generated/client";

export type IntakeStatus = "received" | "processing" | "processed" | "rejected" | "failed" | "ignored";

export interface NewIntakeItem {
  connectorId: string;
  channel: string;
  externalId: string;
  rawBody: string;
  meta?: Record<string, unknown>;
  receivedAt: Date;
  status?: Extract<IntakeStatus, "received" | "rejected">;
  error?: string;
}

export interface RecordedIntake {
  id: string;
  /** False when the channel redelivered an item the log already had. */
  created: boolean;
  status: IntakeStatus;
}

/** The part of the database the HTTP edge writes through: parameterised SQL, no transaction, no Prisma. */
export type IntakeWriter = Pick<Database, "sql">;

/** An item's identity in the log: the unique index is (connector_id, external_id). */
export interface IntakeKey {
  connectorId: string;
  externalId: string;
}

const insertIntake = `
  INSERT INTO intake_items (id, connector_id, channel, external_id, raw_body, meta, received_at, status, error)
  VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::jsonb, $6, $7, $8)
  ON CONFLICT (connector_id, external_id) DO NOTHING
  RETURNING id::text AS id`;

const selectIntake = `SELECT id::text AS id, status FROM intake_items WHERE connector_id = $1 AND external_id = $2`;

/**
 * Writes a raw inbound item durably, once. A redelivery (same connector and external id) returns the
 * existing row instead of a new one: the unique index decides, so concurrent redeliveries cannot race.
 * Plain SQL because this runs once per HTTP request and Prisma's per-query cost would dominate it.
 */
export async function recordIntake(db: IntakeWriter, item: NewIntakeItem): Promise<RecordedIntake> {
  const status = item.status ?? "received";
  const inserted = await db.sql<{ id: string }>(insertIntake, [
    item.connectorId,
    item.channel,
    item.externalId,
    item.rawBody,
    JSON.stringify(item.meta ?? {}),
    item.receivedAt,
    status,
    item.error ?? null,
  ]);
  const row = inserted[0];
  if (row) return { id: row.id, created: true, status };
  const [existing] = await db.sql<{ id: string; status: IntakeStatus }>(selectIntake, [
    item.connectorId,
    item.externalId,
  ]);
  if (!existing) throw new Error("intake item vanished between its insert and its read");
  return { id: existing.id, created: false, status: existing.status };
}

const insertMany = `
  INSERT INTO intake_items (id, connector_id, channel, external_id, raw_body, meta, received_at, status, error)
  SELECT gen_random_uuid(), *
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[], $7::text[], $8::text[])
  ON CONFLICT (connector_id, external_id) DO NOTHING
  RETURNING id::text AS id, connector_id AS "connectorId", external_id AS "externalId"`;

const selectMany = `
  SELECT i.id::text AS id, i.status, i.connector_id AS "connectorId", i.external_id AS "externalId"
  FROM intake_items i
  JOIN unnest($1::text[], $2::text[]) AS wanted(connector_id, external_id)
    ON i.connector_id = wanted.connector_id AND i.external_id = wanted.external_id`;

/**
 * Writes many items in one statement (the HTTP edge's group commit); returns the ones it created. Items the log
 * already had are skipped: read them with {@link findIntakeItems}.
 */
export function insertIntakeItems(
  db: IntakeWriter,
  items: readonly NewIntakeItem[],
): Promise<(IntakeKey & { id: string })[]> {
  return db.sql<IntakeKey & { id: string }>(insertMany, [
    items.map((item) => item.connectorId),
    items.map((item) => item.channel),
    items.map((item) => item.externalId),
    items.map((item) => item.rawBody),
    items.map((item) => JSON.stringify(item.meta ?? {})),
    items.map((item) => item.receivedAt),
    items.map((item) => item.status ?? "received"),
    items.map((item) => item.error ?? null),
  ]);
}

/** The log's rows of the given items, in one query. */
export function findIntakeItems(
  db: IntakeWriter,
  keys: readonly IntakeKey[],
): Promise<(IntakeKey & { id: string; status: IntakeStatus })[]> {
  return db.sql<IntakeKey & { id: string; status: IntakeStatus }>(selectMany, [
    keys.map((key) => key.connectorId),
    keys.map((key) => key.externalId),
  ]);
}

/** An intake item as a worker takes it: what its connector's normalizer reads, and the attempt this is. */
export interface IntakeAttempt {
  id: string;
  connectorId: string;
  rawBody: string;
  receivedAt: Date;
  meta: Record<string, unknown>;
  /** Counting this one. */
  attempts: number;
}

/**
 * Counts an attempt on each of the items and reads them, in one statement; items already `processed` or `ignored`
 * are neither counted nor returned (a job run again after its transaction committed).
 */
export function startIntakeAttempts(db: SqlClient, ids: readonly string[]): Promise<IntakeAttempt[]> {
  return db.sql<IntakeAttempt>(
    `UPDATE intake_items SET attempts = attempts + 1
     WHERE id = ANY($1::uuid[]) AND status NOT IN ('processed', 'ignored')
     RETURNING id::text AS id, connector_id AS "connectorId", raw_body AS "rawBody", received_at AS "receivedAt", meta,
       attempts`,
    [ids],
  );
}

/**
 * Whether the connector's log has, under one of `externalIds`, an item other than `exceptId` that is still to be
 * processed (not processed, ignored, rejected or failed).
 */
export async function hasUnfinishedIntake(
  db: SqlClient,
  where: { connectorId: string; externalIds: readonly string[]; exceptId: string },
): Promise<boolean> {
  const [pending] = await db.sql<{ id: string }>(
    `SELECT id::text AS id FROM intake_items
     WHERE connector_id = $1 AND external_id = ANY($2::text[]) AND id <> $3::uuid
       AND status NOT IN ('processed', 'ignored', 'rejected', 'failed')
     LIMIT 1`,
    [where.connectorId, where.externalIds, where.exceptId],
  );
  return pending !== undefined;
}

/** Items whose work is done: `processed` (their messages are stored) or `ignored` (nothing to store); error cleared. */
export async function markIntakeItemsDone(
  db: SqlClient,
  ids: readonly string[],
  status: Extract<IntakeStatus, "processed" | "ignored">,
): Promise<void> {
  await db.sql(`UPDATE intake_items SET status = $2, error = NULL, processed_at = now() WHERE id = ANY($1::uuid[])`, [
    ids,
    status,
  ]);
}

/** Replaces items' raw bodies (with their masked versions), in one statement. */
export async function replaceRawBodies(
  db: SqlClient,
  bodies: readonly { id: string; rawBody: string }[],
): Promise<void> {
  await db.sql(
    `UPDATE intake_items i SET raw_body = t.raw_body
     FROM unnest($1::uuid[], $2::text[]) AS t(id, raw_body) WHERE i.id = t.id`,
    [bodies.map((entry) => entry.id), bodies.map((entry) => entry.rawBody)],
  );
}

/** An attempt failed and will be retried: the item keeps its status and shows why. */
export async function recordIntakeError(prisma: PrismaClient, id: string, reason: string): Promise<void> {
  await prisma.intakeItem.update({ where: { id }, data: { error: reason } });
}

/** Marks an item failed for good (bad input, or retries exhausted); `plaint replay` can re-run it. */
export async function markIntakeFailed(prisma: PrismaClient, id: string, reason: string): Promise<void> {
  await prisma.intakeItem.update({ where: { id }, data: { status: "failed", error: reason } });
}

/** Puts items back to `received` for another run; returns the ids to enqueue. */
export async function resetForReplay(
  prisma: PrismaClient,
  where: { ids?: string[]; failedOnly: boolean; since?: Date },
): Promise<string[]> {
  const rows = await prisma.intakeItem.findMany({
    where: {
      ...(where.ids ? { id: { in: where.ids } } : {}),
      status: {
        in: where.failedOnly ? ["failed", "rejected"] : ["failed", "rejected", "received", "processing", "processed"],
      },
      ...(where.since ? { receivedAt: { gte: where.since } } : {}),
    },
    select: { id: true },
    orderBy: { receivedAt: "asc" },
  });
  const ids = rows.map((row) => row.id);
  if (ids.length > 0) {
    await prisma.intakeItem.updateMany({ where: { id: { in: ids } }, data: { status: "received", error: null } });
  }
  return ids;
}

/**
 * Items accepted but not finished, older than `olderThanMs`: the process that took them in died between
 * writing the log and enqueueing, or a worker died mid-job. Re-enqueueing them is what makes "nothing lost" hold.
 */
export async function findStrandedIntake(prisma: PrismaClient, olderThanMs: number, limit = 500): Promise<string[]> {
  const rows = await prisma.intakeItem.findMany({
    where: { status: { in: ["received", "processing"] }, receivedAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true },
    orderBy: { receivedAt: "asc" },
    take: limit,
  });
  return rows.map((row) => row.id);
}

/** A page of `GET /v1/intake`: filters, and the position after the previous page's last item. */
export interface IntakeListQuery {
  status?: IntakeStatus | undefined;
  connectorId?: string | undefined;
  /** The last item of the previous page; the list runs newest first. */
  after?: { receivedAt: Date; id: string } | null | undefined;
  /** Rows to read: the page size plus one, to tell whether another page follows. */
  take: number;
}

/** Intake items newest first, without their raw bodies (those hold customer text). */
export function listIntakeItems(prisma: PrismaClient, query: IntakeListQuery) {
  const { after } = query;
  return prisma.intakeItem.findMany({
    where: {
      ...(query.status && { status: query.status }),
      ...(query.connectorId && { connectorId: query.connectorId }),
      ...(after && {
        OR: [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { lt: after.id } }],
      }),
    },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: query.take,
    omit: { rawBody: true },
  });
}
