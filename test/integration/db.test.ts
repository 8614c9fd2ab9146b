import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { migrateOnly, openDatabase, type Database } from "../../core/kernel/db/database";
import { Prisma } from "../../core/kernel/db/generated/client";
import { createMigration, findPackageRoot, migrateDatabase, prismaPaths } from "../../core/kernel/db/migrate";
import { pgliteMigrationFactory, postgresMigrationFactory } from "../../core/kernel/db/schema-engine";
import { createTestPostgres, type TestPostgres } from "../support/postgres";

// The database layer against both of its backends: the embedded PGlite and a PostgreSQL server. Migrations are
// applied by Prisma's schema engine (wasm); everything after that goes through the generated Prisma client.

/** The migrations in prisma/migrations, oldest first, with the checksum Prisma records for each. */
async function migrationsOnDisk(): Promise<{ name: string; checksum: string }[]> {
  const { migrationsDir } = prismaPaths();
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
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
      {
        migration_name: string;
        checksum: string;
        finished: boolean;
        rolled_back: boolean;
        applied_steps_count: number;
      }[]
    >`SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back,
             applied_steps_count FROM _prisma_migrations ORDER BY migration_name`;
    const expected = await migrationsOnDisk();
    expect(expected.length).toBeGreaterThan(0);
    expect(rows).toEqual(
      expected.map(({ name, checksum }) => ({
        migration_name: name,
        checksum,
        finished: true,
        rolled_back: false,
        applied_steps_count: 1,
      })),
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
    await expect(
      db.prisma.identity.create({ data: { customerId: other.id, kind: "slack", value } }),
    ).resolves.toMatchObject({ value });
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
    expect(await db.prisma.identity.findMany({ where: { value: email } })).toEqual([
      expect.objectContaining({ customerId: owner.id }),
    ]);
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

/** A scratch folder removed after the test file. */
const scratchDirs: string[] = [];
async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `plaint-${prefix}-`));
  scratchDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * A migrations folder whose first migration has `;` inside a string and a function body (which a naive split at
 * `;` would break) and whose second fails half-way (after an INSERT that must not survive).
 */
async function trickyMigrations(): Promise<string> {
  const dir = await scratchDir("tricky-migrations");
  const write = async (name: string, sql: string) => {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  };
  await writeFile(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
  await write(
    "20000101000000_semicolons",
    `CREATE TABLE "notes" ("body" TEXT NOT NULL DEFAULT 'a;b');
CREATE FUNCTION note_count() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM "notes"); END $$;
`,
  );
  await write("20000101000001_broken", `INSERT INTO "notes" DEFAULT VALUES;\nSELECT * FROM "no_such_table";\n`);
  return dir;
}

/** Applies {@link trickyMigrations} through `factory` and checks the outcome with `sql`. */
async function checkTrickyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  sql: (text: string) => Promise<Record<string, unknown>[]>,
): Promise<void> {
  const dir = await trickyMigrations();
  await expect(migrateDatabase(factory, undefined, dir)).rejects.toThrow(/no_such_table/);

  // The first migration ran whole, the failed one left nothing behind.
  expect(await sql(`SELECT note_count()::int AS n`)).toEqual([{ n: 0 }]);
  await sql(`INSERT INTO "notes" DEFAULT VALUES`);
  expect(await sql(`SELECT "body" FROM "notes"`)).toEqual([{ body: "a;b" }]);
  expect(
    await sql(`SELECT migration_name, finished_at IS NOT NULL AS finished, logs IS NOT NULL AS has_logs
               FROM _prisma_migrations ORDER BY migration_name`),
  ).toEqual([
    { migration_name: "20000101000000_semicolons", finished: true, has_logs: false },
    { migration_name: "20000101000001_broken", finished: false, has_logs: true },
  ]);
  // A failed migration blocks further runs until someone resolves it, as with `prisma migrate deploy`.
  await expect(migrateDatabase(factory, undefined, dir)).rejects.toThrow(/20000101000001_broken/);
}

test("finds the package root from the sources", () => {
  const root = findPackageRoot();
  expect(root).toBe(path.resolve(__dirname, "..", ".."));
  expect(prismaPaths(root).migrationsDir).toBe(path.join(root, "prisma", "migrations"));
});

describe("createMigration", () => {
  /** A copy of the package's migrations, so that the tests never write into the repository. */
  async function copyOfMigrations(): Promise<string> {
    const dir = path.join(await scratchDir("migrations"), "migrations");
    await cp(prismaPaths().migrationsDir, dir, { recursive: true });
    return dir;
  }

  test("finds nothing to do: the committed migrations produce prisma/schema.prisma", async () => {
    const migrationsDir = await copyOfMigrations();
    const before = await readdir(migrationsDir);
    await expect(
      createMigration("drift check", { paths: { migrationsDir, schemaFile: prismaPaths().schemaFile } }),
    ).resolves.toBeNull();
    expect(await readdir(migrationsDir)).toEqual(before);
  });

  test("writes the SQL for a schema change into a new timestamped folder", async () => {
    const migrationsDir = await copyOfMigrations();
    const schemaFile = path.join(path.dirname(migrationsDir), "schema.prisma");
    const schema = await readFile(prismaPaths().schemaFile, "utf8");
    await writeFile(
      schemaFile,
      `${schema}\nmodel Widget {\n  id   Int    @id @default(autoincrement())\n  name String\n\n  @@map("widgets")\n}\n`,
    );

    const folder = await createMigration("Add widgets!", { paths: { migrationsDir, schemaFile } });
    expect(folder).not.toBeNull();
    expect(path.dirname(folder ?? "")).toBe(migrationsDir);
    expect(path.basename(folder ?? "")).toMatch(/^\d{14}_add_widgets$/);
    const sql = await readFile(path.join(folder ?? "", "migration.sql"), "utf8");
    expect(sql).toBe(`-- CreateTable
CREATE TABLE "widgets" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "widgets_pkey" PRIMARY KEY ("id")
);
`);
    expect(await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toMatch(
      /^provider = "postgresql"$/m,
    );
  });
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

  test("queues a transaction behind a long one instead of failing after Prisma's default 2 s maxWait", async () => {
    if (!db) throw new Error("the migration test did not open the database");
    const prisma = db.prisma;
    const names = [unique("long"), unique("queued")];
    const long = prisma.$transaction(async (tx) => {
      await tx.customer.create({ data: { displayName: names[0] } });
      await new Promise((resolve) => setTimeout(resolve, 2500));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const queued = prisma.$transaction((tx) => tx.customer.create({ data: { displayName: names[1] } }));
    await expect(Promise.all([long, queued])).resolves.toHaveLength(2);
    expect(await prisma.customer.count({ where: { displayName: { in: names } } })).toBe(2);
  });

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

  test("applies each migration whole and records a failed one, even with ; inside statements", async () => {
    const scratch = await createTestPostgres();
    if (!scratch) return;
    const client = new pg.Client({ connectionString: scratch.url });
    try {
      await client.connect();
      await checkTrickyMigrations(
        postgresMigrationFactory(scratch.url),
        async (text) => (await client.query<Record<string, unknown>>(text)).rows,
      );
    } finally {
      await client.end();
      await scratch.drop();
    }
  });
});

describe("migrations on PGlite", () => {
  test("applies each migration whole and records a failed one, even with ; inside statements", async () => {
    const pglite = new PGlite();
    try {
      await checkTrickyMigrations(
        pgliteMigrationFactory(pglite),
        async (text) => (await pglite.query<Record<string, unknown>>(text)).rows,
      );
    } finally {
      await pglite.close();
    }
  });
});
