import pg from "pg";

/**
 * A PostgreSQL session-level advisory lock held on a connection of its own: whichever process holds it is the
 * one that polls a given mailbox, so several `plaint worker` processes never read the same mailbox twice.
 * The lock ends with its connection, so a dead process hands the mailbox on.
 * @see https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
export class LeaderLock {
  private client: pg.Client | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly name: string,
  ) {}

  /** True when this process now holds the lock; false when another does. */
  async tryAcquire(onLost: () => void): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    const result = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [
      this.name,
    ]);
    if (!result.rows[0]?.locked) {
      await client.end();
      return false;
    }
    this.client = client;
    // A lost connection is a lost lock: stop acting as the leader at once.
    client.on("error", () => {
      this.client = null;
      onLost();
    });
    return true;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}
