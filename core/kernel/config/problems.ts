/**
 * One mistake in the configuration (YAML files or environment), pinned to where an admin can fix it.
 *
 * `line` and `column` are 1-based. Both are 0 when the problem has no position in a file: an environment
 * variable, a missing file or folder, or a section missing from every file of a folder.
 */
export interface ConfigProblem {
  /** The file as it was given (a path below the folder in folder mode), or `environment` for variables. */
  file: string;
  line: number;
  column: number;
  /** Where in the config the problem is, e.g. `connectors[0].signature.algorithm`; `""` for the whole file. */
  path: string;
  /** What is wrong. Never contains a secret's value. */
  message: string;
  /** What to do about it. */
  hint: string;
}

/** The `file` of problems found in environment variables. */
export const ENVIRONMENT_FILE = "environment";

/** Thrown at start-up when the configuration cannot be used; carries every problem, not just the first. */
export class ConfigError extends Error {
  /** Every problem found, in file and line order. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid configuration (${count}):\n${formatProblems(problems)}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * One line per problem, in the `file:line:column` form editors and terminals turn into links:
 * `config/plaint.yaml:12:7 connectors[0].signature.algorithm: Invalid option … — hint: use one of sha256, sha1`.
 */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map(formatProblem).join("\n");
}

function formatProblem(problem: ConfigProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  const what = problem.path === "" ? problem.message : `${problem.path}: ${problem.message}`;
  return `${where} ${what} — hint: ${problem.hint}`;
}

/**
 * Renders a zod-style path the way it would be written in JavaScript: `connectors[0].signature.algorithm`.
 * Keys that are not identifiers are quoted so an odd key cannot make the path ambiguous.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_$][\w$]*$/.test(segment))
      out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Orders problems by file, then position, so the list reads top to bottom like the files do. */
export function compareProblems(a: ConfigProblem, b: ConfigProblem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

/** A problem found in the merged config, before it is pinned to a file and line. */
export interface PathProblem {
  path: readonly PropertyKey[];
  message: string;
  hint: string;
  /** Point at the key of the last segment rather than its value (unknown and duplicate keys). */
  atKey?: boolean;
  /** Set on a required key that is absent. */
  missing?: boolean;
  /** Set on an unknown key: the formatted path of the key it was probably meant to be. */
  meant?: string;
}
