import { connectorEntrySchema, type ConnectorCatalog } from "../connector-contract/connector-set";
import { plaintConfigSchema, type PlaintConfig } from "./config.schema";
import { readConfigFiles, type ParsedFile } from "../kernel/config/config-files";
import { describeIssues } from "../kernel/config/describe-issue";
import { interpolateFile, type EnvSource } from "../kernel/config/interpolate";
import { ProblemLocator } from "../kernel/config/locate";
import { mergeSections } from "../kernel/config/merge-sections";
import {
  ConfigError,
  compareProblems,
  formatPath,
  type ConfigProblem,
  type PathProblem,
} from "../kernel/config/problems";
import { checkSemantics } from "./semantic-checks";

export { ConfigError, formatProblems, type ConfigProblem } from "../kernel/config/problems";
export type { EnvSource } from "../kernel/config/interpolate";

/** A usable config and the files it came from, or every problem that stops it from being used. */
export type LoadConfigResult =
  { ok: true; config: PlaintConfig; files: string[] } | { ok: false; problems: ConfigProblem[] };

/**
 * Loads the configuration from a YAML file, or from every `*.yaml` / `*.yml` file of a folder (each file holding
 * whole top-level sections). Expands `${VAR}` and `${VAR:-default}` from `env`, validates with
 * {@link plaintConfigSchema} (each connector entry with its type's schema from `connectors`), then checks
 * cross-references. Never throws for a bad config: every problem is
 * collected, with file, line, column, path and a hint, in file order.
 *
 * YAML syntax errors stop the loading after all files have been read, because validating half-parsed files would
 * report mistakes that are not there.
 */
export function loadConfig(connectors: ConnectorCatalog, path: string, env: EnvSource = process.env): LoadConfigResult {
  const read = readConfigFiles(path);
  if (read.problems.length > 0) return failure(read.problems);

  const interpolation = read.files.flatMap((parsed) => interpolateFile(parsed, env));
  const merged = mergeSections(read.files);
  const root: ParsedFile | string = read.folder ? path : (read.files[0] ?? path);
  const locator = new ProblemLocator(merged.sections, root);

  const schema = plaintConfigSchema(connectorEntrySchema(connectors));
  const validated = schema.safeParse(merged.data);
  const schemaProblems = validated.success ? [] : describeIssues(validated.error.issues, merged.data, schema);
  const pathProblems = dropShadowed([interpolation, schemaProblems, checkSemantics(merged.data, connectors)]);
  const problems = [...interpolation, ...merged.problems, ...pathProblems.map((problem) => pin(problem, locator))];

  if (problems.length > 0 || !validated.success) return failure(problems);
  return { ok: true, config: validated.data, files: read.files.map((parsed) => parsed.file) };
}

/**
 * Like {@link loadConfig}, for start-up code that cannot go on without a config.
 *
 * @throws ConfigError with every problem.
 */
export function loadConfigOrThrow(
  connectors: ConnectorCatalog,
  path: string,
  env: EnvSource = process.env,
): PlaintConfig {
  const result = loadConfig(connectors, path, env);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}

/**
 * Keeps one explanation per value: an unset `${VAR}` also makes the value too short for zod, and a malformed
 * `defaultTeam` also names no team, but only the first stage's problem says what to fix. Stages are given in order;
 * the first holds problems already pinned, which only shadow the later ones.
 */
function dropShadowed([pinned, ...stages]: [ConfigProblem[], ...PathProblem[][]]): PathProblem[] {
  const seen = new Set(pinned.map((problem) => problem.path));
  const kept: PathProblem[] = [];
  for (const stage of stages) {
    const fresh = stage.filter((problem) => !seen.has(formatPath(problem.path)));
    for (const problem of fresh) seen.add(formatPath(problem.path));
    kept.push(...fresh);
  }
  return kept;
}

function pin(problem: PathProblem, locator: ProblemLocator): ConfigProblem {
  const where = locator.locate(problem.path, problem.atKey);
  return { ...where, path: formatPath(problem.path), message: problem.message, hint: problem.hint };
}

function failure(problems: ConfigProblem[]): LoadConfigResult {
  // A stable sort: problems at the same position keep the order of the stages that found them.
  return { ok: false, problems: [...problems].sort(compareProblems) };
}
