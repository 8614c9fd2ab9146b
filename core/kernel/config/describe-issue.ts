import type { z } from "zod";
import { closestMatch } from "./did-you-mean";
import { formatPath, type PathProblem } from "./problems";
import { objectKeysAt, valueAt } from "./schema-walk";

type Issue = z.core.$ZodIssue;

/** Words for zod's `expected` names, as an admin editing YAML thinks of them. */
const NOUNS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
};

/** Example values for the patterns the schemas use, keyed by the pattern as zod reports it. */
const PATTERN_HINTS: Record<string, string> = {
  "/^[a-z0-9][a-z0-9-]*$/": "e.g. customer-support",
  "/^(\\/([^~/]|~[01])*)*$/": "e.g. /data/message/text",
};

/**
 * Turns zod issues into problems with a message and a hint. `data` is the merged input (to tell a missing key
 * from a wrong value, and to suggest close spellings); `schema` is the one that produced the issues.
 *
 * A misspelt key shows up twice in zod (the unknown key, and the required key it was meant to be); only the
 * unknown key is kept, since its "did you mean" already says what to do.
 */
export function describeIssues(issues: readonly Issue[], data: unknown, schema: z.ZodType): PathProblem[] {
  const problems = issues.flatMap((issue) => describeIssue(issue, data, schema));
  const meant = new Set(problems.flatMap((problem) => (problem.meant === undefined ? [] : [problem.meant])));
  return problems.filter((problem) => !(problem.missing === true && meant.has(formatPath(problem.path))));
}

function describeIssue(issue: Issue, data: unknown, schema: z.ZodType): PathProblem[] {
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => unknownKey(issue.path, key, objectKeysAt(schema, issue.path, data)));
    case "invalid_type":
      return [invalidType(issue, valueAt(data, issue.path))];
    case "invalid_value":
      return [oneOf(issue, issue.values, valueAt(data, issue.path))];
    case "invalid_union":
      return [unionMismatch(issue, valueAt(data, issue.path))];
    case "too_small":
    case "too_big":
      return [{ path: issue.path, message: issue.message, hint: sizeHint(issue) }];
    case "invalid_format":
      return [{ path: issue.path, message: issue.message, hint: formatHint(issue) }];
    default:
      return [{ path: issue.path, message: issue.message, hint: referenceHint(issue.path) }];
  }
}

function unknownKey(parent: readonly PropertyKey[], key: string, allowed: string[] | undefined): PathProblem {
  const what = parent.length === 0 ? "section" : "key";
  const close = allowed === undefined ? undefined : closestMatch(key, allowed);
  const hint =
    close !== undefined
      ? `did you mean "${close}"?`
      : allowed === undefined
        ? "remove it"
        : `remove it; allowed ${what}s here: ${allowed.join(", ")}`;
  const meant = close === undefined ? undefined : formatPath([...parent, close]);
  return {
    path: [...parent, key],
    message: `unknown ${what} "${key}"`,
    hint,
    atKey: true,
    ...(meant === undefined ? {} : { meant }),
  };
}

function invalidType(issue: Extract<Issue, { code: "invalid_type" }>, value: unknown): PathProblem {
  const noun = NOUNS[issue.expected] ?? issue.expected;
  if (value === undefined) return missing(issue.path, noun);
  const unquote = typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) && noun.includes("number");
  return {
    path: issue.path,
    message: issue.message,
    hint: unquote ? `write ${noun} without quotes` : `write ${noun} here`,
  };
}

/** A required key is absent; `need` says what its value should be ("a list", "one of webhook"). */
function missing(path: readonly PropertyKey[], need: string): PathProblem {
  const key = String(path[path.length - 1]);
  if (path.length === 1) {
    return {
      path,
      message: `missing required section "${key}"`,
      hint: `add a "${key}:" section (${need})`,
      missing: true,
    };
  }
  return {
    path,
    message: `missing required key "${key}"`,
    hint: `add "${key}:" to this mapping (${need})`,
    missing: true,
  };
}

function oneOf(issue: Issue, values: readonly unknown[], value: unknown): PathProblem {
  const allowed = values.map(String);
  const list = `use one of ${allowed.join(", ")}`;
  if (value === undefined) return missing(issue.path, `one of ${allowed.join(", ")}`);
  // One edit at most: values are short, and "sha512" → "sha1" would suggest a different, weaker choice.
  const close = typeof value === "string" ? closestMatch(value, allowed, 1) : undefined;
  const hint = close === undefined ? list : `did you mean ${close}? ${list}`;
  return { path: issue.path, message: issue.message, hint };
}

/** A discriminated union names its options (the connector types); a plain union has nothing short to suggest. */
function unionMismatch(issue: Extract<Issue, { code: "invalid_union" }>, value: unknown): PathProblem {
  const options = "options" in issue ? (issue.options ?? []) : [];
  if (options.length > 0) return oneOf(issue, options, value);
  return { path: issue.path, message: issue.message, hint: referenceHint(issue.path) };
}

function sizeHint(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  const last = issue.path[issue.path.length - 1];
  if (small && issue.origin === "string" && (last === "key" || last === "secret")) {
    return "generate a random value, e.g. with: openssl rand -hex 32";
  }
  if (issue.origin === "string") return `write ${small ? "at least" : "at most"} ${limit} characters`;
  if (issue.origin === "array")
    return `${small ? "add at least" : "keep at most"} ${limit} ${limit === 1 ? "entry" : "entries"}`;
  return `use a number ${boundWord(small, issue.inclusive)} ${limit}`;
}

function boundWord(small: boolean, inclusive: boolean | undefined): string {
  if (small) return inclusive === false ? "above" : "at least";
  return inclusive === false ? "below" : "at most";
}

function formatHint(issue: Extract<Issue, { code: "invalid_format" }>): string {
  if (issue.format === "url") return "write an absolute URL, e.g. https://plaint.example.com";
  const pattern = "pattern" in issue && typeof issue.pattern === "string" ? issue.pattern : undefined;
  if (pattern === undefined) return referenceHint(issue.path);
  return PATTERN_HINTS[pattern] ?? `the value must match ${pattern}`;
}

/** The fallback hint: the section of the reference that documents the field. */
function referenceHint(path: readonly PropertyKey[]): string {
  const section = path.length > 0 ? String(path[0]) : "configuration";
  return `see "${section}" in config/README.md`;
}
