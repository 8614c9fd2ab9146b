/**
 * Character shingles of a normalised text and the set / vector overlaps the similarity candidates are built from.
 * Character n-grams rather than words: they survive the typos, abbreviations and glued words of fast typing
 * ("recieved", "didnt", "cardnot") that break whole-word matching.
 */

/** The distinct character n-grams of a text, with one space of padding so word starts and ends count. */
export function charShingles(normalised: string, size: number): Set<string> {
  const padded = ` ${normalised} `;
  const shingles = new Set<string>();
  for (let index = 0; index + size <= padded.length; index += 1) shingles.add(padded.slice(index, index + size));
  return shingles;
}

/** How many members two sets share; iterates the smaller one. */
export function intersectionSize(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const member of small) if (large.has(member)) shared += 1;
  return shared;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const shared = intersectionSize(a, b);
  return shared / (a.size + b.size - shared);
}

/** The share of the smaller set found in the larger: an SMS cut of an email is fully contained in it. */
export function containment(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  return intersectionSize(a, b) / Math.min(a.size, b.size);
}

/** Term counts of character n-grams of several sizes (for the TF cosine candidate). */
export function charGramCounts(normalised: string, sizes: readonly number[]): Map<string, number> {
  const padded = ` ${normalised} `;
  const counts = new Map<string, number>();
  for (const size of sizes) {
    for (let index = 0; index + size <= padded.length; index += 1) {
      const gram = padded.slice(index, index + size);
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

/** Cosine of two count vectors with sublinear term frequency (1 + log tf), so a repeated phrase does not dominate. */
export function sublinearCosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const weight = (count: number): number => 1 + Math.log(count);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [gram, count] of a) {
    normA += weight(count) ** 2;
    const other = b.get(gram);
    if (other !== undefined) dot += weight(count) * weight(other);
  }
  for (const count of b.values()) normB += weight(count) ** 2;
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
