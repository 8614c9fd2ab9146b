/** Outcome of one item of a batch: a batch may partly fail. */
export type ItemOutcome = { ok: true } | { ok: false; error: unknown };

export interface MicroBatcherOptions {
  /** A batch is processed as soon as it holds this many items. */
  maxBatch: number;
  /** …or this long after its first item arrived, whichever comes first. */
  maxWaitMs: number;
}

/**
 * Gathers items submitted one at a time (one per queue job) into batches, so that work with a fixed cost per
 * round trip (a database transaction) is paid once per batch instead of once per item. Each submitter still
 * gets its own outcome, so the queue retries exactly the items that failed.
 */
export class MicroBatcher<Item> {
  private pending: Array<{ item: Item; resolve: () => void; reject: (error: unknown) => void }> = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly processBatch: (items: Item[]) => Promise<ItemOutcome[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  submit(item: Item): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.processBatch(batch.map((entry) => entry.item)).then(
      (outcomes) =>
        batch.forEach((entry, index) => {
          const outcome = outcomes[index] ?? {
            ok: false,
            error: new Error("the batch returned no outcome for this item"),
          };
          if (outcome.ok) entry.resolve();
          else entry.reject(outcome.error);
        }),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
