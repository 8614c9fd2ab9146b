import {
  findIntakeItems,
  insertIntakeItems,
  recordIntake,
  type IntakeWriter,
  type NewIntakeItem,
  type RecordedIntake,
} from "../store/intake.store";

interface Waiting {
  item: NewIntakeItem;
  resolve: (recorded: RecordedIntake) => void;
  reject: (error: unknown) => void;
}

export interface IntakeBatchWriterOptions {
  /** Statements in flight at once; requests arriving meanwhile wait and go together in the next one. */
  maxInFlight: number;
  /** Largest number of items in one statement. */
  maxBatch: number;
}

/**
 * Group commit for the HTTP edge: every request still gets its answer only after its item is durable, but the
 * items of requests that arrive while earlier writes are in flight are written together, in one INSERT and one
 * commit. Under load that turns fifty single-row transactions into a few multi-row ones, which is most of the
 * database's cost per message; an idle hub writes each item at once, so a lone request waits no longer.
 */
export class IntakeBatchWriter {
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: IntakeWriter,
    private readonly options: IntakeBatchWriterOptions = { maxInFlight: 2, maxBatch: 200 },
  ) {}

  record(item: NewIntakeItem): Promise<RecordedIntake> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.startNext();
    });
  }

  private startNext(): void {
    if (this.inFlight >= this.options.maxInFlight || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, this.options.maxBatch);
    this.inFlight += 1;
    this.write(batch)
      .catch(() => this.writeOneByOne(batch))
      .finally(() => {
        this.inFlight -= 1;
        this.startNext();
      });
  }

  private async write(batch: Waiting[]): Promise<void> {
    const items = batch.map((entry) => entry.item);
    const inserted = await insertIntakeItems(this.db, items);
    const created = new Map(inserted.map((row) => [itemKey(row), row.id]));
    const redelivered = items.filter((item) => !created.has(itemKey(item)));
    const existing = redelivered.length ? await findIntakeItems(this.db, redelivered) : [];
    const found = new Map(existing.map((row) => [itemKey(row), row]));
    // The same item twice in one batch: the first is the one written, the second a redelivery of it.
    const claimed = new Set<string>();
    for (const { item, resolve, reject } of batch) {
      const key = itemKey(item);
      const id = created.get(key);
      if (id !== undefined && !claimed.has(key)) {
        claimed.add(key);
        resolve({ id, created: true, status: item.status ?? "received" });
      } else if (id !== undefined) {
        resolve({ id, created: false, status: item.status ?? "received" });
      } else {
        const row = found.get(key);
        if (row) resolve({ id: row.id, created: false, status: row.status });
        else reject(new Error("intake item vanished between its insert and its read"));
      }
    }
  }

  /** A statement that failed fails for one item's sake (a value the column refuses): the others still get in. */
  private async writeOneByOne(batch: Waiting[]): Promise<void> {
    for (const { item, resolve, reject } of batch) {
      await recordIntake(this.db, item).then(resolve, reject);
    }
  }
}

function itemKey(item: { connectorId: string; externalId: string }): string {
  return `${item.connectorId}\u0000${item.externalId}`;
}
