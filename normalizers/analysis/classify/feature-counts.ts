/**
 * Counts of hashed features for one text, in an open-addressing table that grows with the text rather than a
 * dims-sized array: it stays in cache, where random access into a megabyte-sized array would not.
 */

/** 1 + ln(count) for small counts, the common case, without calling Math.log. */
const SUBLINEAR = Float64Array.from({ length: 256 }, (_, count) => (count === 0 ? 0 : 1 + Math.log(count)));

export class FeatureCounts {
  private slots = new Int32Array(1024).fill(-1);
  private counts = new Uint16Array(1024);
  /** Slots in use, in first-seen order, so draining visits only them. */
  private used = new Int32Array(1024);
  private usedLength = 0;
  /** The drained vector: hashed indices and values, reused between texts. */
  indices = new Int32Array(1024);
  values = new Float32Array(1024);
  length = 0;

  /** Starts a new text: the output is emptied (the table is always empty between blocks). */
  reset(): void {
    this.length = 0;
  }

  /** Counts `count` more of `index`; the table doubles when half full, so probing stays short. */
  add(index: number, count = 1): void {
    const { slots } = this;
    const slotMask = slots.length - 1;
    let slot = index & slotMask;
    for (;;) {
      const key = slots[slot] as number;
      if (key === index) {
        this.counts[slot] = Math.min(65535, (this.counts[slot] as number) + count);
        return;
      }
      if (key === -1) break;
      slot = (slot + 1) & slotMask;
    }
    slots[slot] = index;
    this.counts[slot] = count;
    this.used[this.usedLength++] = slot;
    if (this.usedLength * 2 >= slots.length) this.grow();
  }

  /**
   * Appends the counted features to the output as one block, sublinear (1 + ln count), times `idf[index]` when given,
   * L2-normalised and scaled by `weight`; empties the table for the next block.
   */
  drain(weight: number, idf?: Float32Array): void {
    if (this.length + this.usedLength > this.indices.length) {
      const size = 2 * (this.length + this.usedLength);
      this.indices = copyInto(new Int32Array(size), this.indices);
      this.values = copyInto(new Float32Array(size), this.values);
    }
    const { slots, counts, indices, values } = this;
    let squares = 0;
    const start = this.length;
    for (let i = 0; i < this.usedLength; i++) {
      const slot = this.used[i] as number;
      const index = slots[slot] as number;
      const count = counts[slot] as number;
      const value =
        (count < 256 ? (SUBLINEAR[count] as number) : 1 + Math.log(count)) * (idf ? (idf[index] as number) : 1);
      slots[slot] = -1;
      indices[this.length] = index;
      values[this.length++] = value;
      squares += value * value;
    }
    this.usedLength = 0;
    const scale = squares > 0 ? weight / Math.sqrt(squares) : 0;
    for (let i = start; i < this.length; i++) values[i] = (values[i] as number) * scale;
  }

  private grow(): void {
    const { slots, counts, used, usedLength } = this;
    this.slots = new Int32Array(slots.length * 2).fill(-1);
    this.counts = new Uint16Array(this.slots.length);
    this.used = new Int32Array(this.slots.length);
    this.usedLength = 0;
    for (let i = 0; i < usedLength; i++) {
      const slot = used[i] as number;
      this.add(slots[slot] as number, counts[slot] ?? 0);
    }
  }
}

function copyInto<T extends Int32Array | Float32Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
