import type { ConnectorCatalog } from "../connector-contract/connector-set";
import { closestMatch } from "../kernel/config/did-you-mean";
import { formatPath, type PathProblem } from "../kernel/config/problems";
import { valueAt } from "../kernel/config/schema-walk";
import { checkRules } from "../routing/rules/rules.checks";

/** One field that must be unique across the entries of a list. */
interface UniqueField {
  list: readonly string[];
  field: string;
  /** What a duplicate is called in the message, e.g. `connector id`. */
  label: string;
  hint: string;
  /** Secrets are compared but never written into the message. */
  secret?: boolean;
}

const UNIQUE_FIELDS: readonly UniqueField[] = [
  {
    list: ["apiKeys"],
    field: "name",
    label: "API key name",
    hint: "give each API key its own name, so audit trails tell them apart",
  },
  {
    list: ["apiKeys"],
    field: "key",
    label: "API key",
    hint: "give each client its own key, so one can be revoked without the other",
    secret: true,
  },
  { list: ["teams"], field: "id", label: "team id", hint: "give each team its own id" },
  { list: ["agents"], field: "id", label: "agent id", hint: "give each agent its own id" },
  { list: ["agents"], field: "slackUserId", label: "Slack user id", hint: "link each Slack user to one agent" },
  { list: ["calendars"], field: "id", label: "calendar id", hint: "give each calendar its own id" },
  { list: ["taxonomy", "categories"], field: "id", label: "category id", hint: "give each category its own id" },
  { list: ["connectors"], field: "id", label: "connector id", hint: "give each connector its own id" },
  { list: ["destinations"], field: "id", label: "destination id", hint: "give each destination its own id" },
];

/**
 * The checks zod cannot make on one value alone: cross-references and uniqueness. They run on the raw merged
 * input even when zod found problems, so one run reports everything; malformed entries are simply skipped.
 */
export function checkSemantics(data: unknown, connectors: ConnectorCatalog): PathProblem[] {
  return [
    ...UNIQUE_FIELDS.flatMap((unique) => duplicates(data, unique)),
    ...defaultTeamProblems(data),
    ...agentTeamProblems(data),
    ...connectorProblems(data, connectors),
    ...checkRules(data),
  ];
}

/** Each connector entry's own cross-field checks (its definition's `checkConfig`), at the entry's path. */
function connectorProblems(data: unknown, catalog: ConnectorCatalog): PathProblem[] {
  const entries = valueAt(data, ["connectors"]);
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown, index) => {
    const type = valueAt(entry, ["type"]);
    const definition = typeof type === "string" ? catalog[type] : undefined;
    return (definition?.checkConfig?.(entry) ?? []).map((problem) => ({
      ...problem,
      path: ["connectors", index, ...problem.path],
    }));
  });
}

function duplicates(data: unknown, unique: UniqueField): PathProblem[] {
  const problems: PathProblem[] = [];
  const firstAt = new Map<string, number>();
  stringFields(data, unique.list, unique.field).forEach(({ index, value }) => {
    const first = firstAt.get(value);
    if (first === undefined) {
      firstAt.set(value, index);
      return;
    }
    const also = formatPath([...unique.list, first]);
    const message = unique.secret
      ? `duplicate ${unique.label} (same as ${also})`
      : `duplicate ${unique.label} "${value}" (also used by ${also})`;
    problems.push({ path: [...unique.list, index, unique.field], message, hint: unique.hint });
  });
  return problems;
}

/** The string values of `field` in each entry of the list at `list`, with their index. */
function stringFields(data: unknown, list: readonly string[], field: string): { index: number; value: string }[] {
  const entries = valueAt(data, list);
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown, index) => {
    const value = valueAt(entry, [field]);
    return typeof value === "string" ? [{ index, value }] : [];
  });
}

/** Every team an agent works for must exist. */
function agentTeamProblems(data: unknown): PathProblem[] {
  const teamIds = stringFields(data, ["teams"], "id").map(({ value }) => value);
  const agents = valueAt(data, ["agents"]);
  if (!Array.isArray(agents)) return [];
  return agents.flatMap((agent: unknown, index) => {
    const teams = valueAt(agent, ["teams"]);
    if (!Array.isArray(teams)) return [];
    return teams.flatMap((team: unknown, position) =>
      typeof team === "string" && !teamIds.includes(team)
        ? [{ path: ["agents", index, "teams", position], ...unknownTeam(team, teamIds) }]
        : [],
    );
  });
}

function defaultTeamProblems(data: unknown): PathProblem[] {
  const team = valueAt(data, ["routing", "defaultTeam"]);
  if (typeof team !== "string") return [];
  const teamIds = stringFields(data, ["teams"], "id").map(({ value }) => value);
  if (teamIds.includes(team)) return [];
  return [{ path: ["routing", "defaultTeam"], ...unknownTeam(team, teamIds) }];
}

/** The message and hint for a team id that names no team. */
function unknownTeam(team: string, teamIds: readonly string[]): { message: string; hint: string } {
  const close = closestMatch(team, [...teamIds]);
  const hint =
    close !== undefined
      ? `did you mean "${close}"? teams: ${teamIds.join(", ")}`
      : teamIds.length > 0
        ? `use one of the team ids: ${teamIds.join(", ")}`
        : `add a team with id "${team}" under teams:`;
  return { message: `team "${team}" does not exist`, hint };
}
