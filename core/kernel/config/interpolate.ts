import { isMap, isScalar, isSeq, type Scalar } from "yaml";
import type { ParsedFile } from "./config-files";
import { keyText, positionOf } from "./locate";
import { formatPath, type ConfigProblem } from "./problems";

/** Environment variables as `process.env` holds them. */
export type EnvSource = Record<string, string | undefined>;

/** The result of expanding one string: the text, and what could not be expanded. */
export interface Expansion {
  value: string;
  problems: { message: string; hint: string }[];
}

/** `${NAME}`, `${NAME:-default}`, or the escape `$${…}`; an unclosed `${` is captured to report it. */
const REFERENCE = /\$(\$?)\{([^}]*)(\}?)/g;
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Replaces `${NAME}` with the variable's value and `${NAME:-default}` with the value, or `default` when the
 * variable is unset or empty (as the shell does). `$${` writes a literal `${`.
 */
export function expandString(text: string, env: EnvSource): Expansion {
  const problems: Expansion["problems"] = [];
  const value = text.replace(REFERENCE, (match, escape: string, body: string, close: string) => {
    if (escape === "$") return match.slice(1);
    if (close === "") {
      problems.push({
        message: "unclosed ${ in value",
        hint: "close the reference with }, or write $${ for a literal ${",
      });
      return match;
    }
    return expandReference(body, env, problems) ?? match;
  });
  return { value, problems };
}

function expandReference(body: string, env: EnvSource, problems: Expansion["problems"]): string | undefined {
  const parsed = EXPRESSION.exec(body);
  const name = parsed?.[1];
  if (parsed === null || name === undefined) {
    problems.push({
      message: `"\${${body}}" is not a valid reference`,
      hint: "write ${NAME} or ${NAME:-default}, NAME being letters, digits and _",
    });
    return undefined;
  }
  const fallback = parsed[2];
  const set = env[name];
  if (fallback !== undefined) return set === undefined || set === "" ? fallback : set;
  if (set !== undefined) return set;
  problems.push({
    message: `environment variable ${name} is not set`,
    hint: `set ${name} in the environment or give a default: \${${name}:-value}`,
  });
  return undefined;
}

/**
 * Expands references in every string value of a parsed file, in place. Done per scalar after parsing, so line
 * numbers stay those of the file and a value containing YAML syntax (a secret with `: ` or `#`) stays one string.
 * Keys are left alone: a section name that depends on the environment would make the config unreadable.
 *
 * @returns a problem for each reference that cannot be expanded, at the scalar that holds it.
 */
export function interpolateFile(parsed: ParsedFile, env: EnvSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  forEachStringScalar(parsed.doc.contents, [], (scalar, path) => {
    const expansion = expandString(scalar.value, env);
    scalar.value = expansion.value;
    const where = positionOf(parsed, scalar);
    for (const problem of expansion.problems) problems.push({ ...where, path: formatPath(path), ...problem });
  });
  return problems;
}

function forEachStringScalar(
  node: unknown,
  path: PropertyKey[],
  visit: (scalar: Scalar<string>, path: PropertyKey[]) => void,
): void {
  if (isScalar(node) && typeof node.value === "string") visit(node as Scalar<string>, path);
  else if (isMap(node))
    for (const pair of node.items) forEachStringScalar(pair.value, [...path, keyText(pair.key)], visit);
  else if (isSeq(node)) node.items.forEach((item, index) => forEachStringScalar(item, [...path, index], visit));
  // Aliases are skipped: they are expanded where their anchor is defined.
}
