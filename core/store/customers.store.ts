import type { SqlClient } from "../kernel/db/database";
import type { PrismaClient } from "../kernel/db/generated/client";

// Customers and their identities. Merges of customers (`customer_merges`) are in customer-merges.store.ts.

/** An identity as the pipeline looks it up: a kind (`email`, `phone`, …) and its normalized value. */
export interface IdentityKey {
  kind: string;
  value: string;
}

/** An identity found, with the customer holding it. */
export interface HeldIdentity extends IdentityKey {
  identityId: string;
  customerId: string;
}

/** A new identity row; `displayName` (the sender's name as they gave it) goes to its `name` column. */
export interface NewIdentity {
  key: IdentityKey;
  identityId: string;
  customerId: string;
  displayName: string | null;
}

const selectIdentitiesText = `
  SELECT i.id::text AS "identityId", i.customer_id::text AS "customerId", i.kind, i.value
  FROM identities i
  JOIN unnest($1::text[], $2::text[]) AS wanted(kind, value) ON i.kind = wanted.kind AND i.value = wanted.value`;

const insertCustomersText = `
  INSERT INTO customers (id, display_name, updated_at)
  SELECT id, display_name, now() FROM unnest($1::uuid[], $2::text[]) AS t(id, display_name)`;

const insertIdentitiesText = (skipHeld: boolean) => `
  INSERT INTO identities (id, customer_id, kind, value, name)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])
  ${skipHeld ? "ON CONFLICT (kind, value) DO NOTHING" : ""}`;

/** The identities among `keys` that somebody holds, in one query whatever their number. */
export function findIdentities(db: SqlClient, keys: readonly IdentityKey[]): Promise<HeldIdentity[]> {
  return db.sql<HeldIdentity>(selectIdentitiesText, [keys.map((key) => key.kind), keys.map((key) => key.value)]);
}

/** Creates customers in one statement. */
export async function insertCustomers(
  db: SqlClient,
  customers: readonly { customerId: string; displayName: string | null }[],
): Promise<void> {
  await db.sql(insertCustomersText, [
    customers.map((customer) => customer.customerId),
    customers.map((customer) => customer.displayName),
  ]);
}

/**
 * Creates identities in one statement. `skipHeld`: identities somebody holds already are left to them (a sender's
 * weaker identities); otherwise a held one fails the statement on the unique index (a concurrent transaction
 * created it: the caller retries and finds it).
 */
export async function insertIdentities(
  db: SqlClient,
  identities: readonly NewIdentity[],
  { skipHeld }: { skipHeld: boolean },
): Promise<void> {
  await db.sql(insertIdentitiesText(skipHeld), [
    identities.map((row) => row.identityId),
    identities.map((row) => row.customerId),
    identities.map((row) => row.key.kind),
    identities.map((row) => row.key.value),
    identities.map((row) => row.displayName),
  ]);
}

/** Gives a customer an identity unless somebody holds it; returns the new identity's id, null when it was held. */
export async function insertIdentityIfFree(
  db: SqlClient,
  identity: { identityId: string; customerId: string; kind: string; value: string },
): Promise<string | null> {
  const [inserted] = await db.sql<{ id: string }>(
    `INSERT INTO identities (id, customer_id, kind, value) VALUES ($1::uuid, $2::uuid, $3, $4)
     ON CONFLICT (kind, value) DO NOTHING RETURNING id::text AS id`,
    [identity.identityId, identity.customerId, identity.kind, identity.value],
  );
  return inserted?.id ?? null;
}

/** The identity with this kind and value, and the customer holding it; null when nobody does. */
export async function findIdentity(
  db: SqlClient,
  key: IdentityKey,
): Promise<{ id: string; customerId: string } | null> {
  const [held] = await db.sql<{ id: string; customerId: string }>(
    `SELECT id::text AS id, customer_id::text AS "customerId" FROM identities WHERE kind = $1 AND value = $2`,
    [key.kind, key.value],
  );
  return held ?? null;
}

/** What webhooks said about a customer (tier, segment, deal size, …): the `attributes` column. */
export type CustomerAttributes = Record<string, unknown>;

/**
 * Adds what webhooks said to customers' attributes, in one statement (newer facts win key by key); `updated_at`
 * becomes now.
 */
export async function mergeCustomerAttributes(
  db: SqlClient,
  facts: readonly { customerId: string; attributes: object }[],
): Promise<void> {
  await db.sql(
    `UPDATE customers c SET attributes = c.attributes || t.facts, updated_at = now()
     FROM unnest($1::uuid[], $2::jsonb[]) AS t(id, facts) WHERE c.id = t.id`,
    [facts.map((entry) => entry.customerId), facts.map((entry) => JSON.stringify(entry.attributes))],
  );
}

/** The attributes of the given customers, by id; customers that do not exist are missing from the map. */
export async function findCustomerAttributes(
  db: SqlClient,
  ids: readonly string[],
): Promise<Map<string, CustomerAttributes>> {
  const rows = await db.sql<{ id: string; attributes: CustomerAttributes }>(
    `SELECT id::text AS id, attributes FROM customers WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.attributes]));
}

/**
 * Applies customers' opt-out (`stop`) and opt-in (`start`) keywords to the identities they came from, in one
 * statement: `opted_out_at` becomes the keyword's time for `stop`, null for `start`.
 */
export async function recordOptOutKeywords(
  db: SqlClient,
  keywords: readonly { identityId: string; keyword: "stop" | "start"; at: string }[],
): Promise<void> {
  await db.sql(
    `UPDATE identities i SET opted_out_at = CASE WHEN t.keyword = 'stop' THEN t.at::timestamptz END
     FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, keyword, at) WHERE i.id = t.id`,
    [
      keywords.map((entry) => entry.identityId),
      keywords.map((entry) => entry.keyword),
      keywords.map((entry) => entry.at),
    ],
  );
}

/**
 * Marks email identities undeliverable until a time (ISO), with a reason, in one statement; a later mark already
 * stored stands (the latest time wins). An address that is null (not a valid one) matches no identity.
 */
export async function markEmailsUndeliverable(
  db: SqlClient,
  marks: readonly { address: string | null; until: string; reason: string }[],
): Promise<void> {
  await db.sql(
    `UPDATE identities i SET undeliverable_until = GREATEST(i.undeliverable_until, t.until::timestamptz),
       undeliverable_reason = t.reason
     FROM unnest($1::text[], $2::text[], $3::text[]) AS t(value, until, reason)
     WHERE i.kind = 'email' AND i.value = t.value`,
    [marks.map((mark) => mark.address), marks.map((mark) => mark.until), marks.map((mark) => mark.reason)],
  );
}

/** The identity opted out at `at` (the vendor told us when sending to it). */
export async function markIdentityOptedOut(prisma: PrismaClient, identityId: string, at: Date): Promise<void> {
  await prisma.identity.update({ where: { id: identityId }, data: { optedOutAt: at } });
}

/** What {@link findHoldersAndNames} returns per row. */
export interface HolderOrCustomer {
  /** `holder`: a customer holding one of the keys; `customer`: one of the customers asked for by id. */
  role: "holder" | "customer";
  kind: string | null;
  value: string | null;
  customerId: string;
  displayName: string | null;
}

/**
 * Who holds each of `keys` (with their display names), and the display names of `customerIds`, in one query: the
 * identity graph's look-up of a batch's evidence.
 */
export function findHoldersAndNames(
  db: SqlClient,
  keys: readonly IdentityKey[],
  customerIds: readonly string[],
): Promise<HolderOrCustomer[]> {
  return db.sql<HolderOrCustomer>(
    `SELECT 'holder' AS role, i.kind, i.value, c.id::text AS "customerId", c.display_name AS "displayName"
     FROM identities i
     JOIN unnest($1::text[], $2::text[]) AS wanted(kind, value) ON i.kind = wanted.kind AND i.value = wanted.value
     JOIN customers c ON c.id = i.customer_id
     UNION ALL
     SELECT 'customer', NULL, NULL, c.id::text, c.display_name FROM customers c WHERE c.id = ANY($3::uuid[])`,
    [keys.map((key) => key.kind), keys.map((key) => key.value), customerIds],
  );
}

/**
 * The customer each id lives on in: itself, or the end of its `merged_into_id` chain. Ids of customers that do
 * not exist are missing from the map.
 */
export async function liveCustomers(db: SqlClient, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await db.sql<{ start: string; live: string }>(
    `WITH RECURSIVE chain(start, id, merged_into_id, depth) AS (
       SELECT c.id, c.id, c.merged_into_id, 0 FROM customers c WHERE c.id = ANY($1::uuid[])
       UNION ALL
       SELECT chain.start, c.id, c.merged_into_id, chain.depth + 1
       FROM chain JOIN customers c ON c.id = chain.merged_into_id
       WHERE chain.depth < 64
     )
     SELECT start::text AS start, id::text AS live FROM chain WHERE merged_into_id IS NULL`,
    [ids],
  );
  return new Map(rows.map((row) => [row.start, row.live]));
}

/** A customer row locked for a merge or split. */
export interface LockedCustomer {
  id: string;
  mergedIntoId: string | null;
  createdAt: Date;
}

/** Locks customer rows in id order, the one order every merge and split uses, so two of them cannot deadlock. */
export async function lockCustomers(db: SqlClient, ids: readonly string[]): Promise<LockedCustomer[]> {
  const rows = await db.sql<LockedCustomer>(
    `SELECT id::text AS id, merged_into_id::text AS "mergedIntoId", created_at AS "createdAt"
     FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
}

/** Identities and cases, by id, that a merge moved or a split gave back. */
export interface MovedRows {
  identityIds: string[];
  caseIds: string[];
}

/**
 * Everything of `mergedId` goes to `survivorId` in one statement: its identities and cases move, and it points at
 * the survivor (`merged_into_id`). Returns what moved, ids sorted.
 */
export async function moveCustomerInto(db: SqlClient, survivorId: string, mergedId: string): Promise<MovedRows> {
  const [moved] = await db.sql<MovedRows>(
    `WITH moved_identities AS (
       UPDATE identities SET customer_id = $1::uuid WHERE customer_id = $2::uuid RETURNING id
     ), moved_cases AS (
       -- updated_at stays: it is the case's last activity (the subject-match window), and a merge is none.
       UPDATE cases SET customer_id = $1::uuid WHERE customer_id = $2::uuid RETURNING id
     ), gone AS (
       UPDATE customers SET merged_into_id = $1::uuid, updated_at = now() WHERE id = $2::uuid RETURNING id
     )
     SELECT (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM moved_identities) AS "identityIds",
            (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM moved_cases) AS "caseIds",
            (SELECT count(*) FROM gone)::int AS gone`,
    [survivorId, mergedId],
  );
  return { identityIds: moved?.identityIds ?? [], caseIds: moved?.caseIds ?? [] };
}

/**
 * Undoes {@link moveCustomerInto} in one statement: the given identities and cases go back to `mergedId` where
 * they are still with `survivorId`, and `mergedId` stands alone again. Returns what went back, ids sorted.
 */
export async function restoreCustomer(
  db: SqlClient,
  survivorId: string,
  mergedId: string,
  moved: Partial<MovedRows>,
): Promise<MovedRows> {
  const [restored] = await db.sql<MovedRows>(
    `WITH back_identities AS (
       UPDATE identities SET customer_id = $2::uuid WHERE id = ANY($3::uuid[]) AND customer_id = $1::uuid RETURNING id
     ), back_cases AS (
       UPDATE cases SET customer_id = $2::uuid WHERE id = ANY($4::uuid[]) AND customer_id = $1::uuid RETURNING id
     ), separate AS (
       UPDATE customers SET merged_into_id = NULL, updated_at = now() WHERE id = $2::uuid RETURNING id
     )
     SELECT (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM back_identities) AS "identityIds",
            (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM back_cases) AS "caseIds",
            (SELECT count(*) FROM separate)::int AS separated`,
    [survivorId, mergedId, moved.identityIds ?? [], moved.caseIds ?? []],
  );
  return { identityIds: restored?.identityIds ?? [], caseIds: restored?.caseIds ?? [] };
}

/** A customer with its identities (oldest first) and cases (by number), for `GET /v1/customers/:id`. */
export function findCustomerWithIdentitiesAndCases(prisma: PrismaClient, id: string) {
  return prisma.customer.findUnique({
    where: { id },
    include: {
      identities: { orderBy: { createdAt: "asc" }, select: { id: true, kind: true, value: true, createdAt: true } },
      cases: { orderBy: { number: "asc" }, select: { id: true, number: true, status: true } },
    },
  });
}

/** Where a customer was merged into (one step of the chain); null when it was not, or does not exist. */
export async function findMergedIntoId(prisma: PrismaClient, id: string): Promise<string | null> {
  const row = await prisma.customer.findUnique({ where: { id }, select: { mergedIntoId: true } });
  return row?.mergedIntoId ?? null;
}
