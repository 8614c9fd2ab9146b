/**
 * The side figures of the matching evaluation: how the exact-repeat fingerprint behaves on the corpus texts, and
 * how fast similarity and fingerprints are. Prints figures only, never corpus text.
 */
import { repeatFingerprint } from "../../normalizers/analysis/similarity/fingerprint";
import { readComplaints } from "./matching-corpus";
import type { LabelledPair } from "./matching-pairs";
import { profileSimilarity, textProfile, textSimilarity } from "../../normalizers/analysis/similarity/similarity";

const percent = (value: number): string => value.toFixed(3);

/** How often the exact-repeat fingerprint sees through channel wrapping, and how many corpus texts are too short. */
export function fingerprintFigures(corporaDir: string): Record<string, number> {
  const texts = readComplaints(corporaDir, "report").map((complaint) => complaint.text);
  const wrapped = (text: string): string =>
    `Hi,\n\n${text}\n\nThanks,\nAnna\n\nSent from my iPhone\n\nOn Mon, 2 Mar 2026, Support <s@plaint.example> wrote:\n> We are looking into it.`;
  const shouted = (text: string): string => `  ${text.toUpperCase().replace(/\s+/g, "   ")} 😡`;
  let nulls = 0;
  let sameWrapped = 0;
  let sameShouted = 0;
  const distinct = new Map<string, string>();
  let collisions = 0;
  for (const text of texts) {
    const fingerprint = repeatFingerprint(text);
    if (fingerprint === null) {
      nulls += 1;
      continue;
    }
    if (repeatFingerprint(wrapped(text)) === fingerprint) sameWrapped += 1;
    if (repeatFingerprint(shouted(text)) === fingerprint) sameShouted += 1;
    const key = text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    const seen = distinct.get(fingerprint);
    if (seen !== undefined && seen !== key) collisions += 1;
    distinct.set(fingerprint, key);
  }
  const withPrint = texts.length - nulls;
  const figures = {
    texts: texts.length,
    nullShare: nulls / texts.length,
    equalWhenWrappedInEmail: sameWrapped / withPrint,
    equalWhenShoutedWithEmoji: sameShouted / withPrint,
    collisionsBetweenDifferentTexts: collisions,
  };
  console.log("\n== exact-repeat fingerprint on the report texts ==");
  console.log(
    `texts ${figures.texts}; null (too short) ${percent(figures.nullShare)}; equal after email wrapping ${percent(figures.equalWhenWrappedInEmail)}; equal upper-cased + spaced + emoji ${percent(figures.equalWhenShoutedWithEmoji)}; collisions between different texts ${collisions}`,
  );
  return figures;
}

/** Comparisons per second: raw texts (normalise + shingle both every time), and precomputed profiles. */
export function timing(pairs: LabelledPair[]): Record<string, number> {
  const measure = (run: () => void, count: number): number => {
    let rounds = 0;
    const started = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < 1 || rounds < 1) {
      run();
      rounds += 1;
      elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    }
    return Math.round((rounds * count) / elapsed);
  };
  let sink = 0;
  const textPairs = pairs.map((pair) => [pair.newText, pair.caseTexts[0] ?? ""] as const);
  const raw = measure(() => textPairs.forEach(([a, b]) => (sink += textSimilarity(a, b))), textPairs.length);
  const profiles = textPairs.map(([a, b]) => [textProfile(a), textProfile(b)] as const);
  const profiled = measure(() => profiles.forEach(([p, q]) => (sink += profileSimilarity(p, q))), profiles.length);
  const fingerprints = measure(
    () => textPairs.forEach(([a]) => (sink += repeatFingerprint(a)?.length ?? 0)),
    textPairs.length,
  );
  console.log("\n== speed (one core, while others may be working) ==");
  console.log(
    `textSimilarity ${raw} pairs/s; profileSimilarity (profiles precomputed) ${profiled} pairs/s; repeatFingerprint ${fingerprints} texts/s (checksum ${sink > 0 ? "ok" : "0"})`,
  );
  return {
    textSimilarityPairsPerSecond: raw,
    profileSimilarityPairsPerSecond: profiled,
    fingerprintsPerSecond: fingerprints,
  };
}
