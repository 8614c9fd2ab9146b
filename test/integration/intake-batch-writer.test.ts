import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../../core/kernel/db/database";
import { IntakeBatchWriter } from "../../core/intake/intake-batch-writer";
import type { IntakeWriter, NewIntakeItem } from "../../core/store/intake.store";
import { createTestPostgres, type TestPostgres } from "../support/postgres";

/** Group commit at the HTTP edge, on both databases: every item durable once, fewer statements than items. */
describe.each(["embedded", "postgres"] as const)("IntakeBatchWriter (%s)", (mode) => {
  let database: Database | null = null;
  let server: TestPostgres | null = null;

  beforeAll(async () => {
    if (mode === "postgres") {
      server = await createTestPostgres();
      if (!server) return;
      database = await openDatabase({
        databaseUrl: server.url,
        dataDir: mkdtempSync(path.join(tmpdir(), "plaint-batch-")),
        migrate: true,
      });
    } else {
      database = await openDatabase({ dataDir: mkdtempSync(path.join(tmpdir(), "plaint-batch-")), migrate: true });
    }
  });
  afterAll(async () => {
    await database?.close();
    await server?.drop();
  });

  /** The database, counting the statements sent through it. */
  function counted(db: Database): { writer: IntakeWriter; statements: () => number } {
    let statements = 0;
    return {
      writer: { sql: (text, values) => ((statements += 1), db.sql(text, values)) },
      statements: () => statements,
    };
  }

  function item(externalId: string, rawBody = `{"id":"${externalId}"}`): NewIntakeItem {
    return { connectorId: "form", channel: "webhook", externalId, rawBody, receivedAt: new Date() };
  }

  it("writes concurrent items together, each once, telling redeliveries apart", async () => {
    if (!database) return;
    const { writer, statements } = counted(database);
    const batchWriter = new IntakeBatchWriter(writer);
    await batchWriter.record(item(`${mode}-early`));
    const ids = Array.from({ length: 60 }, (_, index) => `${mode}-${index}`);
    // 60 new items, the same 10 of them again in the same burst, and one item stored before the burst.
    const results = await Promise.all(
      [...ids, ...ids.slice(0, 10), `${mode}-early`].map((id) => batchWriter.record(item(id))),
    );

    expect(results.slice(0, 60).every((result) => result.created)).toBe(true);
    expect(results.slice(60).every((result) => !result.created)).toBe(true);
    expect(results.slice(60, 70).map((result) => result.id)).toEqual(results.slice(0, 10).map((result) => result.id));
    expect(new Set(results.map((result) => result.id)).size).toBe(61);
    const [row] = await database.sql<{ count: number }>(
      `SELECT count(*)::int AS count FROM intake_items WHERE external_id LIKE $1`,
      [`${mode}-%`],
    );
    expect(row?.count).toBe(61);
    // The first write went alone; the burst's 71 records took a handful of statements, not 71.
    expect(statements()).toBeLessThan(20);
  });

  it("keeps the other items of a batch when the database refuses one", async () => {
    if (!database) return;
    const batchWriter = new IntakeBatchWriter(database, { maxInFlight: 1, maxBatch: 200 });
    // PostgreSQL text cannot hold a NUL character: that item's statement fails.
    const outcomes = await Promise.allSettled([
      batchWriter.record(item(`${mode}-ok-1`)),
      batchWriter.record(item(`${mode}-bad`, "nul \u0000 here")),
      batchWriter.record(item(`${mode}-ok-2`)),
      batchWriter.record(item(`${mode}-ok-3`)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    const rows = await database.sql<{ externalId: string }>(
      `SELECT external_id AS "externalId" FROM intake_items WHERE external_id LIKE $1 ORDER BY external_id`,
      [`${mode}-ok-%`],
    );
    expect(rows.map((r) => r.externalId)).toEqual([`${mode}-ok-1`, `${mode}-ok-2`, `${mode}-ok-3`]);
  });
});
