/**
 * Text → hashed sparse feature vector. Word unigrams and bigrams plus character n-grams inside word boundaries
 * (fastText's "<word>" padding), each block with sublinear term frequency and its own L2 norm, so short chat lines
 * and long email narratives land on the same scale. Hashing keeps memory fixed whatever the vocabulary.
 */
import { FeatureCounts } from "./feature-counts";
import { scanWords } from "./tokenizer";

/** How text becomes features. Part of the model file: prediction must featurise exactly as training did. */
export interface FeatureOptions {
  /** Hash space size; a power of two. */
  dims: number;
  /** 1 = unigrams only, 2 = unigrams and bigrams. */
  wordNgrams: number;
  /** Shortest and longest character n-gram; 0 for charMax turns character n-grams off. */
  charMin: number;
  charMax: number;
  /** Relative weight of the character block against the word block (each block is L2-normalised first). */
  charWeight: number;
}

/** Character 3–4-grams: as accurate as 3–5 on CFPB and Banking77 (eval-classify), with a third fewer features. */
export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  dims: 1 << 18,
  wordNgrams: 2,
  charMin: 3,
  charMax: 4,
  charWeight: 1,
};

/** Hashed feature indices with their values; an index may repeat (a rare collision between blocks). */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** Long tokens (URLs, ids, base64) add cost and no meaning past this many characters. */
const MAX_WORD_CHARS = 32;
/** Only the start of a very long text is read: enough to classify it, and it bounds the work per message. */
const MAX_TEXT_CHARS = 20_000;
/** Character n-grams are taken from the start of a word up to this length. */
const MAX_GRAM_WORD_CHARS = 24;
const WORD_SEED = 0x811c9dc5;
const KEY_SEED = 0x1b873593;
const BIGRAM_SEED = 0x2545f491;
const CHAR_SEED = 0x9e3779b9;

function step(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/** murmur3's finaliser: FNV alone leaves the low bits, which the mask keeps, poorly mixed. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Words whose character n-grams are remembered; past this the memory is dropped and refilled. */
const CHAR_CACHE_WORDS = 50_000;

/**
 * Returns a featuriser with its own scratch space: reuse one per thread of work, not one per text. `idf`, indexed by
 * hashed feature, weighs each feature before the block norm. The vector it returns is a view into that scratch
 * space, valid until the next call (copying it for every prediction would cost more than the prediction): copy it
 * to keep it.
 */
export function createFeaturizer(options: FeatureOptions, idf?: Float32Array): (text: string) => SparseVector {
  if (!Number.isInteger(Math.log2(options.dims))) throw new Error(`dims must be a power of two, got ${options.dims}`);
  const mask = options.dims - 1;
  const counts = new FeatureCounts();
  // A word's character n-grams are the same every time it occurs, and words repeat (Zipf): computing them once per
  // word rather than once per occurrence is most of the featuriser's speed on long texts.
  const charCache = new Map<number, Int32Array>();

  /** The word's character n-grams, remembered under a 53-bit key of two hashes: a collision is a one-in-ten-million event. */
  const charGramsOf = (codes: Uint16Array, length: number, hash: number): Int32Array => {
    let second = KEY_SEED;
    for (let i = 0; i < length; i++) second = step(second, codes[i] as number);
    const key = (hash >>> 0) * 2097152 + (second & 0x1fffff);
    let grams = charCache.get(key);
    if (grams === undefined) {
      grams = charGrams(codes, Math.min(length, MAX_GRAM_WORD_CHARS), options, mask);
      if (charCache.size >= CHAR_CACHE_WORDS) charCache.clear();
      charCache.set(key, grams);
    }
    return grams;
  };

  const total = Math.sqrt(1 + (options.charMax > 0 ? options.charWeight * options.charWeight : 0));
  const codes = new Uint16Array(MAX_WORD_CHARS);
  let grams: Int32Array[] = [];
  let previous = 0;
  let wordCount = 0;
  const onWord = (word: Uint16Array, length: number): void => {
    let hash = WORD_SEED;
    for (let i = 0; i < length; i++) hash = step(hash, word[i] as number);
    counts.add(mix(hash) & mask);
    if (options.wordNgrams >= 2 && wordCount > 0) counts.add(mix(step(step(BIGRAM_SEED, previous), hash)) & mask);
    previous = hash;
    wordCount++;
    if (options.charMax > 0) grams.push(charGramsOf(word, length, hash));
  };

  return (fullText: string): SparseVector => {
    const text = fullText.length > MAX_TEXT_CHARS ? fullText.slice(0, MAX_TEXT_CHARS) : fullText;
    counts.reset();
    previous = 0;
    wordCount = 0;
    grams = [];
    scanWords(text, codes, onWord);
    counts.drain(1 / total, idf);
    if (options.charMax > 0) {
      for (const list of grams) for (let i = 0; i < list.length; i++) counts.add(list[i] as number);
      counts.drain(options.charWeight / total, idf);
    }
    return { indices: counts.indices.subarray(0, counts.length), values: counts.values.subarray(0, counts.length) };
  };
}

/** Hashed indices of the n-grams of "<word>". */
function charGrams(word: Uint16Array, wordLength: number, options: FeatureOptions, mask: number): Int32Array {
  const length = wordLength + 2;
  const code = (i: number): number => (i === 0 ? 60 : i === length - 1 ? 62 : (word[i - 1] as number)); // "<", ">"
  const out: number[] = [];
  for (let start = 0; start + options.charMin <= length; start++) {
    let hash = CHAR_SEED;
    const end = Math.min(length, start + options.charMax);
    for (let j = start; j < end; j++) {
      hash = step(hash, code(j));
      if (j - start + 1 >= options.charMin) out.push(mix(hash) & mask);
    }
  }
  return Int32Array.from(out);
}

/** Smoothed inverse document frequency, as log((n + 1) / (df + 1)) + 1. */
export function idfWeight(documents: number, count: number): number {
  return Math.log((documents + 1) / (count + 1)) + 1;
}
