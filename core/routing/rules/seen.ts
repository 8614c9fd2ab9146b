/** What rules saw: the values their tests read, and the first test that failed. */

/** A test's value as the rule saw it; `held` is the test's own result (inside a `not`, the group inverts it). */
export interface ConditionValue {
  /** Where the test is written, relative to the rule: `if.all[1].category`. */
  path: string;
  /** The test as written: `{ in: [billing, refunds] }`. */
  expected: unknown;
  /**
   * The value the test read. For `text` and `subject`, the words that matched (at most 40 characters) or null,
   * never the whole text: explanations are stored and shown, message bodies stay in their own table.
   */
  actual: unknown;
  held: boolean;
}

/**
 * The first condition (in written order) that did not hold. For an `any` group, `actual` lists each
 * alternative's own first failure; for a `not` group, the values its inner condition saw (it held).
 */
export interface FailedCondition {
  path: string;
  expected: unknown;
  actual: unknown;
}

/** A test's fixed part, known at compile time. */
export interface LeafInfo {
  path: string;
  expected: unknown;
}

/** What the tests of one rule saw, in the order they ran. Reused from rule to rule, so it grows only once. */
export class Seen {
  private readonly leaves: LeafInfo[] = [];
  private readonly actuals: unknown[] = [];
  private readonly helds: boolean[] = [];
  length = 0;

  push(leaf: LeafInfo, actual: unknown, held: boolean): void {
    this.leaves[this.length] = leaf;
    this.actuals[this.length] = actual;
    this.helds[this.length] = held;
    this.length++;
  }

  /** The values recorded from `from` on. */
  values(from = 0): ConditionValue[] {
    const values: ConditionValue[] = [];
    for (let index = from; index < this.length; index++) {
      const leaf = this.leaves[index] as LeafInfo;
      values.push({ path: leaf.path, expected: leaf.expected, actual: this.actuals[index], held: !!this.helds[index] });
    }
    return values;
  }

  /** Forgets what was recorded (the arrays keep their capacity for the next rule). */
  reset(): void {
    this.length = 0;
  }
}
