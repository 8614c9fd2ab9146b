import { NEGATORS, negatedBefore, tokenize } from "./tokens";

/**
 * A cue phrase, written readably and compiled once: `(a|b c|)` is a choice (an empty branch makes it optional),
 * `*` stands for up to two arbitrary words, a word ending in `+` matches any word starting with it
 * ("deliver+" → delivered, delivery). The first word must be a plain word (it is the index key).
 */
export interface Cue<L extends string> {
  /** The phrase as written, for `reasons`. */
  phrase: string;
  label: L;
  weight: number;
}

export interface CueMatch<L extends string> {
  cue: Cue<L>;
  /** Index of the first matched token. */
  start: number;
  /** Index after the last matched token. */
  end: number;
  /** The words the cue matched, as the customer wrote them (after tokenising). */
  text: string;
  /** A negator stood just before a cue that is not itself a negation ("no problem"). */
  negated: boolean;
}

interface Compiled<L extends string> {
  cue: Cue<L>;
  rest: readonly string[];
  /** The phrase starts with a negator, so a negator before it does not undo it. */
  selfNegating: boolean;
}

const WILDCARD = "*";
const MAX_WILDCARD_WORDS = 2;

/** Compiles cues into a map keyed by their first word, so matching costs one lookup per token. */
export class PhraseMatcher<L extends string> {
  private readonly byFirst = new Map<string, Compiled<L>[]>();

  constructor(cues: readonly Cue<L>[]) {
    for (const cue of cues) {
      for (const words of expand(cue.phrase)) {
        const [first, ...rest] = words;
        if (first === undefined || first === WILDCARD || first.endsWith("+")) {
          throw new Error(`cue "${cue.phrase}": must start with a plain word`);
        }
        const list = this.byFirst.get(first) ?? [];
        list.push({ cue, rest, selfNegating: NEGATORS.has(first) });
        this.byFirst.set(first, list);
      }
    }
  }

  /**
   * Every cue occurrence; a cue's several spellings at one position count once, and a match inside a longer one of
   * the same label is dropped ("not delivered after" within "was not delivered after").
   */
  match(tokens: readonly string[]): CueMatch<L>[] {
    const out: CueMatch<L>[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const candidates = this.byFirst.get(tokens[i] as string);
      if (candidates === undefined) continue;
      let last: Cue<L> | undefined;
      for (const candidate of candidates) {
        if (candidate.cue === last) continue;
        const end = matchRest(tokens, i + 1, candidate.rest, 0);
        if (end < 0) continue;
        last = candidate.cue;
        const negated = !candidate.selfNegating && negatedBefore(tokens, i, 2);
        out.push({ cue: candidate.cue, start: i, end, text: tokens.slice(i, end).join(" "), negated });
      }
    }
    return out.length < 2 ? out : out.filter((m) => !out.some((o) => o !== m && covers(o, m)));
  }
}

function covers<L extends string>(outer: CueMatch<L>, inner: CueMatch<L>): boolean {
  return (
    outer.cue.label === inner.cue.label &&
    outer.start <= inner.start &&
    outer.end >= inner.end &&
    outer.end - outer.start > inner.end - inner.start
  );
}

/** End index (exclusive) of a match of `rest` from `at`, or -1. Wildcards try the shortest span first. */
function matchRest(tokens: readonly string[], at: number, rest: readonly string[], r: number): number {
  if (r === rest.length) return at;
  const want = rest[r] as string;
  if (want === WILDCARD) {
    for (let skip = 0; skip <= MAX_WILDCARD_WORDS && at + skip <= tokens.length; skip++) {
      const end = matchRest(tokens, at + skip, rest, r + 1);
      if (end >= 0) return end;
    }
    return -1;
  }
  const token = tokens[at];
  if (token === undefined) return -1;
  const ok = want.endsWith("+") ? token.startsWith(want.slice(0, -1)) : token === want;
  return ok ? matchRest(tokens, at + 1, rest, r + 1) : -1;
}

/** All spellings of a phrase as token lists: choices multiplied out, each branch tokenised like message text. */
export function expand(phrase: string): string[][] {
  const parts = phrase.match(/\([^)]*\)|[^\s()]+/g) ?? [];
  let results: string[][] = [[]];
  for (const part of parts) {
    const branches = part.startsWith("(") ? part.slice(1, -1).split("|") : [part];
    const next: string[][] = [];
    for (const prefix of results) {
      for (const branch of branches) next.push([...prefix, ...branchWords(branch)]);
    }
    results = next;
  }
  return results.filter((words) => words.length > 0);
}

function branchWords(branch: string): string[] {
  return branch
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .flatMap((word) => (word === WILDCARD || word.endsWith("+") ? [word] : tokenize(word)));
}
