/**
 * The candidate a typo most likely meant, or `undefined` when none is close enough to be worth suggesting.
 *
 * Spelling variants (`max_body_bytes`, `MaxBodyBytes`, `SHA-256`) match first, because admins coming from other
 * tools write snake_case or PascalCase; otherwise the nearest candidate within `maxDistance` edits (by default
 * one edit per three characters).
 */
export function closestMatch(input: string, candidates: readonly string[], maxDistance?: number): string | undefined {
  const folded = fold(input);
  const variant = candidates.find((candidate) => fold(candidate) === folded);
  if (variant !== undefined) return variant;

  const limit = maxDistance ?? Math.max(1, Math.floor(input.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function fold(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, "");
}

/** Levenshtein distance with one rolling row; config words are short, so this is never hot. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
