/**
 * The taxonomy's keywords and patterns, compiled once. Rules are the part of a classification an admin can read
 * and change without retraining; the classifier adds their hits to the model's evidence.
 */
import type { Taxonomy } from "./taxonomy";

/** One rule that fired: a keyword (as configured) or a pattern, with the text it matched (at most 40 characters). */
export interface RuleHit {
  kind: "keyword" | "pattern";
  rule: string;
  matched: string;
}

/** Rule hits per category id, for one text. */
export type RuleMatcher = (text: string) => Map<string, RuleHit[]>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Throws when a pattern is not a valid regular expression, naming the category and the pattern. */
export function compileRules(taxonomy: Taxonomy): RuleMatcher {
  const keywordOwners = new Map<string, string[]>();
  const patterns: { id: string; source: string; regex: RegExp }[] = [];
  for (const category of taxonomy.categories) {
    for (const keyword of category.keywords ?? []) {
      const key = keyword.trim().toLowerCase();
      if (key === "") continue;
      keywordOwners.set(key, [...(keywordOwners.get(key) ?? []), category.id]);
    }
    for (const source of category.patterns ?? []) {
      try {
        patterns.push({ id: category.id, source, regex: new RegExp(source, "i") });
      } catch (error) {
        throw new Error(
          `taxonomy category "${category.id}": pattern /${source}/ is invalid: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
  }
  // One alternation for every keyword, longest first so "credit card" wins over "card"; letters or digits on either
  // side mean the keyword is part of a longer word and does not count.
  const alternatives = [...keywordOwners.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const keywordRegex =
    alternatives.length > 0
      ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}])`, "giu")
      : null;

  return (text) => {
    const hits = new Map<string, RuleHit[]>();
    const add = (id: string, hit: RuleHit): void => {
      const list = hits.get(id) ?? [];
      if (!list.some((seen) => seen.kind === hit.kind && seen.rule === hit.rule)) list.push(hit);
      hits.set(id, list);
    };
    if (keywordRegex) {
      for (const match of text.matchAll(keywordRegex)) {
        const keyword = match[0].toLowerCase();
        for (const id of keywordOwners.get(keyword) ?? [])
          add(id, { kind: "keyword", rule: keyword, matched: keyword });
      }
    }
    for (const { id, source, regex } of patterns) {
      const match = regex.exec(text);
      if (match) add(id, { kind: "pattern", rule: source, matched: match[0].slice(0, 40).toLowerCase() });
    }
    return hits;
  };
}
