import { cardRule, ibanRule, NATIONAL_ID_RULES, type Masked, type Rule } from "./rules";
import type { MaskStyle, RedactionConfig, RedactionPattern } from "./redaction.schema";

/** How many values of one kind were masked. */
export interface RedactionFinding {
  kind: string;
  count: number;
}

export interface RedactionResult {
  text: string;
  /** In rule order; kinds with no match are left out. */
  findings: RedactionFinding[];
}

export interface Redactor {
  /** Masks every configured kind of personal data in `text`. */
  redact(text: string): RedactionResult;
  /**
   * Masks every string inside a JSON value (object keys stay as they are), for payloads that leave the hub.
   * Returns a copy; the input is not changed.
   */
  redactDeep<T>(value: T): { value: T; findings: RedactionFinding[] };
}

const CONTEXT_CHARS = 48;
/** JSON from our own payloads is shallow; anything deeper is a bug or a cycle. */
const MAX_DEPTH = 64;

const LABELS: Record<string, string> = { card: "card", iban: "IBAN" };

/**
 * Builds a redactor from a parsed `redaction:` config. Rules run one after another, each in a single regex pass:
 * configured secret patterns first (masked whole, so a key with digit runs is not half-masked as a card), then cards,
 * IBANs and national ids.
 */
export function createRedactor(config: RedactionConfig): Redactor {
  const rules: Rule[] = [];
  if (config.enabled) {
    rules.push(...config.patterns.map(patternRule));
    if (config.cards) rules.push(cardRule);
    if (config.ibans) rules.push(ibanRule);
    for (const kind of config.nationalIds) rules.push(NATIONAL_ID_RULES[kind]);
  }
  const mask = masker(config.mask);

  function redactInto(text: string, counts: Map<string, number>): string {
    let out = text;
    for (const rule of rules) out = applyRule(rule, out, mask, counts);
    return out;
  }

  return {
    redact(text) {
      const counts = new Map<string, number>();
      const masked = rules.length === 0 ? text : redactInto(text, counts);
      return { text: masked, findings: toFindings(counts) };
    },
    redactDeep<T>(value: T) {
      const counts = new Map<string, number>();
      const masked = rules.length === 0 ? value : (walk(value, (s) => redactInto(s, counts), 0) as T);
      return { value: masked, findings: toFindings(counts) };
    },
  };
}

function applyRule(rule: Rule, text: string, mask: Masker, counts: Map<string, number>): string {
  rule.pattern.lastIndex = 0;
  return text.replace(rule.pattern, (candidate: string, ...rest: unknown[]) => {
    const offset = rest.find((item) => typeof item === "number") as number;
    if (rule.context !== undefined && !rule.context.test(text.slice(Math.max(0, offset - CONTEXT_CHARS), offset))) {
      return candidate;
    }
    const groups = rest.slice(0, rest.indexOf(offset)) as (string | undefined)[];
    const found = rule.check(candidate, groups);
    if (found === null) return candidate;
    counts.set(rule.kind, (counts.get(rule.kind) ?? 0) + 1);
    return candidate.slice(0, found.start) + mask(rule.kind, found) + candidate.slice(found.end);
  });
}

type Masker = (kind: string, found: Masked) => string;

function masker(style: MaskStyle): Masker {
  switch (style) {
    case "descriptive":
      return (kind, found) =>
        found.ending === ""
          ? `[redacted ${LABELS[kind] ?? kind}]`
          : `[redacted ${LABELS[kind] ?? kind} ending ${found.ending}]`;
    case "kind":
      return (kind) => `[redacted ${LABELS[kind] ?? kind}]`;
    case "fixed":
      return () => "[redacted]";
  }
}

function patternRule(pattern: RedactionPattern): Rule {
  return {
    kind: pattern.name,
    pattern: new RegExp(pattern.regex, `${pattern.flags ?? ""}g`),
    // A pattern that can match nothing (/\b/) would insert masks between characters.
    check: (candidate) => (candidate.length === 0 ? null : { start: 0, end: candidate.length, ending: "" }),
  };
}

function walk(value: unknown, redact: (text: string) => string, depth: number): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) throw new RangeError(`redactDeep: value nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((item) => walk(item, redact, depth + 1));
  // Only plain objects are JSON; a Date or a Buffer is passed through as it is.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = walk(item, redact, depth + 1);
  return out;
}

function toFindings(counts: ReadonlyMap<string, number>): RedactionFinding[] {
  return [...counts].map(([kind, count]) => ({ kind, count }));
}
