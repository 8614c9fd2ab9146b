import { randomInt } from "node:crypto";
import pg from "pg";
import { eventually } from "./test-hub";

/**
 * Holds an insert still at a known point, on PostgreSQL, until {@link IntakeGate.open} is called: the intake after
 * its n-th item, or a worker about to store one message. A test can then stop a process, restart a server, change a
 * mailbox or let other work overtake, while the held work is provably in the middle of its batch, without racing a
 * clock.
 */
export interface IntakeGate {
  /** Resolves once an insert is waiting at the gate (that is, the intake is mid-batch, right after item `after`). */
  waitUntilHeld(timeoutMs?: number): Promise<void>;
  /** Lets the waiting insert (and every later one) through. */
  open(): Promise<void>;
  /** Opens the gate if still closed, removes the trigger and closes the connection. Never throws. */
  close(): Promise<void>;
}

/**
 * Installs the gate: a BEFORE INSERT trigger on intake_items that, for the insert following item `after` of
 * `connectorId`, waits for an advisory lock this helper's own connection holds until {@link IntakeGate.open}.
 * Needs the migrated schema. The trigger only ever waits once: later inserts find more than `after` items.
 */
export function closeIntakeGate(databaseUrl: string, connectorId: string, after: number): Promise<IntakeGate> {
  return closeInsertGate(
    databaseUrl,
    "intake_items",
    `NEW.connector_id = ${literal(connectorId)}
     AND (SELECT count(*) FROM intake_items WHERE connector_id = NEW.connector_id) = ${Math.trunc(after)}`,
  );
}

/**
 * Holds the worker's transaction that stores the message with this external id (without angle brackets) just before
 * its insert, until {@link IntakeGate.open}: the message's case and events stay uncommitted meanwhile.
 */
export function closeMessageGate(databaseUrl: string, externalId: string): Promise<IntakeGate> {
  return closeInsertGate(databaseUrl, "messages", `NEW.external_id = ${literal(externalId)}`);
}

/** A BEFORE INSERT trigger on `table` that waits at the advisory lock while `condition` (SQL on NEW) holds. */
async function closeInsertGate(databaseUrl: string, table: string, condition: string): Promise<IntakeGate> {
  const key = randomInt(1, 2 ** 31 - 1);
  const name = `plaint_test_gate_${key}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query("SELECT pg_advisory_lock($1)", [key]);
  await client.query(`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF ${condition} THEN
        PERFORM pg_advisory_xact_lock_shared(${key});
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}();`);
  let held = true;
  const open = async () => {
    if (!held) return;
    held = false;
    await client.query("SELECT pg_advisory_unlock($1)", [key]);
  };
  return {
    waitUntilHeld: async (timeoutMs = 60_000) => {
      await eventually(
        async () => {
          // A bigint advisory key below 2^32 shows as classid 0, objid key.
          const waiting = await client.query(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = $1",
            [key],
          );
          return (waiting.rowCount ?? 0) > 0;
        },
        timeoutMs,
        20,
      );
    },
    open,
    close: async () => {
      try {
        // Open first: dropping the trigger while an insert waits at it would deadlock on the table lock.
        await open();
        await client.query(`DROP TRIGGER IF EXISTS ${name} ON ${table}; DROP FUNCTION IF EXISTS ${name}();`);
      } catch {
        // The database may already be gone; the trigger goes with it.
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
