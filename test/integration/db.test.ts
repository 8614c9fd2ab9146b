import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrateOnly, openDatabase, type Database } from "../../core/db/database";
import { Prisma } from "../../core/db/generated/client";
import { findPackageRoot, prismaPaths } from "../../core/db/migrate";
import { createTestPostgres, type TestPostgres } from "../support/postgres";

// The database layer against both of its backends: the embedded PGlite and a PostgreSQL server. Migrations are
// applied by Prisma's schema engine (wasm); everything after that goes through the generated Prisma client.

/** The migrations in prisma/migrations, oldest first, with the checksum Prisma records for each. */
async function migrationsOnDisk(): Promise<{ name: string; checksum: string }[]> {
  const { migrationsDir } = prismaPaths();
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, "migration.sql"));
      return { name, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

let uniqueCounter = 0;
/** A value no other test uses, so the tests do not depend on each other's rows. */
function unique(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${uniqueCounter}`;
}

/** Asserts that `work` fails with Prisma's "unique constraint failed" (P2002). */
async function expectUniqueViolation(work: Promise<unknown>): Promise<void> {
  const error: unknown = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
  expect(error).toMatchObject({ code: "P2002" });
}

async function createCustomerWithCase(db: Database, email: string) {
  return db.prisma.customer.create({
    data: {
      displayName: "Ada",
      identities: { create: { kind: "email", value: email } },
      cases: { create: { channel: "email", subject: "Broken kettle" } },
    },
    include: { identities: true, cases: true },
  });
}

/** What both backends must do identically once migrated. */
function databaseBehaviour(getDb: () => Database | undefined): void {
  test("answers ping", async () => {
    const db = getDb();
    if (!db) return;
    await expect(db.ping()).resolves.toBeUndefined();
  });

  test("records the applied migrations in _prisma_migrations as prisma migrate deploy does", async () => {
    const db = getDb();
    if (!db) return;
    const rows = await db.prisma.$queryRaw<
      { migration_name: string; checksum: string; finished: boolean; rolled_back: boolean; applied_steps_count: number }[]
    >`SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back,
             applied_steps_count FROM _prisma_migrations ORDER BY migration_name`;
    const expected = await migrationsOnDisk();
    expect(expected.length).toBeGreaterThan(0);
    expect(rows).toEqual(
      expected.map(({ name, checksum }) => ({ migration_name: name, checksum, finished: true, rolled_back: false, applied_steps_count: 1 })),
    );
  });

  test("stores a customer with an identity and a case, numbering the case", async () => {
    const db = getDb();
    if (!db) return;
    const email = unique("ada@example.com");
    const customer = await createCustomerWithCase(db, email);
    const again = await db.prisma.identity.findUnique({
      where: { kind_value: { kind: "email", value: email } },
      include: { customer: { include: { cases: true } } },
    });
    expect(again?.customer.id).toBe(customer.id);
    expect(again?.customer.cases).toHaveLength(1);
    const [kase] = customer.cases;
    expect(kase?.status).toBe("new");
    expect(kase?.number).toEqual(expect.any(Number));
    expect(kase?.createdAt).toBeInstanceOf(Date);

    const second = await createCustomerWithCase(db, unique("bob@example.com"));
    expect(second.cases[0]?.number).toBeGreaterThan(kase?.number ?? Infinity);
  });

  test("rejects a second identity with the same kind and value (P2002), not the same value of another kind", async () => {
    const db = getDb();
    if (!db) return;
    const value = unique("shared@example.com");
    await createCustomerWithCase(db, value);
    const other = await db.prisma.customer.create({ data: { displayName: "Mallory" } });

    const duplicate = db.prisma.identity.create({ data: { customerId: other.id, kind: "email", value } });
    await expectUniqueViolation(duplicate);
    await expect(db.prisma.identity.create({ data: { customerId: other.id, kind: "slack", value } })).resolves.toMatchObject({ value });
    expect(await db.prisma.identity.count({ where: { value } })).toBe(2);
  });

  test("commits an interactive transaction", async () => {
    const db = getDb();
    if (!db) return;
    const email = unique("tx-commit@example.com");
    const id = await db.prisma.$transaction(async (tx) => {
      const customer = await tx.customer.create({ data: { displayName: "Commit" } });
      await tx.identity.create({ data: { customerId: customer.id, kind: "email", value: email } });
      // Read-your-writes inside the transaction.
      expect(await tx.identity.count({ where: { value: email } })).toBe(1);
      return customer.id;
    });
    expect(await db.prisma.customer.findUnique({ where: { id } })).not.toBeNull();
    expect(await db.prisma.identity.count({ where: { value: email } })).toBe(1);
  });

  test("rolls an interactive transaction back when its callback throws", async () => {
    const db = getDb();
    if (!db) return;
    const name = unique("rollback");
    const attempt = db.prisma.$transaction(async (tx) => {
      await tx.customer.create({ data: { displayName: name } });
      throw new Error("changed my mind");
    });
    await expect(attempt).rejects.toThrow("changed my mind");
    expect(await db.prisma.customer.count({ where: { displayName: name } })).toBe(0);
  });

  test("rolls an interactive transaction back when a statement in it fails, and stays usable", async () => {
    const db = getDb();
    if (!db) return;
    const email = unique("taken@example.com");
    const owner = await createCustomerWithCase(db, email);
    const name = unique("loser");
    const attempt = db.prisma.$transaction(async (tx) => {
      const customer = await tx.customer.create({ data: { displayName: name } });
      await tx.identity.create({ data: { customerId: customer.id, kind: "email", value: email } });
    });
    await expectUniqueViolation(attempt);
    expect(await db.prisma.customer.count({ where: { displayName: name } })).toBe(0);
    expect(await db.prisma.identity.findMany({ where: { value: email } })).toEqual([expect.objectContaining({ customerId: owner.id })]);
    await expect(db.ping()).resolves.toBeUndefined();
  });

  test("runs concurrent interactive transactions to completion", async () => {
    const db = getDb();
    if (!db) return;
    const names = Array.from({ length: 5 }, () => unique("concurrent"));
    await Promise.all(
      names.map((name) =>
        db.prisma.$transaction(async (tx) => {
          const customer = await tx.customer.create({ data: { displayName: name } });
          await tx.case.create({ data: { customerId: customer.id, channel: "sms" } });
        }),
      ),
    );
    expect(await db.prisma.customer.count({ where: { displayName: { in: names } } })).toBe(names.length);
  });
}

test("finds the package root from the sources", () => {
  const root = findPackageRoot();
  expect(root).toBe(path.resolve(__dirname, "..", ".."));
  expect(prismaPaths(root).migrationsDir).toBe(path.join(root, "prisma", "migrations"));
});

describe("embedded database (PGlite)", () => {
  let dataDir: string;
  let db: Database | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "plaint-db-test-"));
  });

  afterAll(async () => {
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("migrates a fresh data folder, then has nothing left to apply", async () => {
    const expected = (await migrationsOnDisk()).map((migration) => migration.name);
    await expect(migrateOnly({ dataDir })).resolves.toEqual({ applied: expected });
    await expect(migrateOnly({ dataDir })).resolves.toEqual({ applied: [] });
    // openDatabase migrates too (nothing to do now) and hands the same PGlite to Prisma.
    db = await openDatabase({ dataDir, migrate: true });
    expect(db.mode).toBe("embedded");
  });

  databaseBehaviour(() => db);

  test("keeps the data in the data folder across close and reopen", async () => {
    if (!db) throw new Error("the migration test did not open the database");
    const email = unique("persist@example.com");
    await createCustomerWithCase(db, email);
    await db.close();
    db = await openDatabase({ dataDir, migrate: false });
    expect(await db.prisma.identity.count({ where: { value: email } })).toBe(1);
  });
});

describe("PostgreSQL server", () => {
  let server: TestPostgres | null = null;
  let db: Database | undefined;

  beforeAll(async () => {
    server = await createTestPostgres();
  });

  afterAll(async () => {
    await db?.close();
    await server?.drop();
  });

  test("migrates a fresh database, then has nothing left to apply", async () => {
    if (!server) return;
    const expected = (await migrationsOnDisk()).map((migration) => migration.name);
    const location = { databaseUrl: server.url, dataDir: "/nonexistent/unused-with-postgres" };
    await expect(migrateOnly(location)).resolves.toEqual({ applied: expected });
    await expect(migrateOnly(location)).resolves.toEqual({ applied: [] });
    db = await openDatabase({ ...location, migrate: true, poolSize: 4 });
    expect(db.mode).toBe("postgres");
  });

  databaseBehaviour(() => db);
});
