import type { SqlClient } from "../kernel/db/database";

// Assignment: the open cases each agent holds (least loaded) and the teams' round-robin positions
// (`assignment_rotations`).

/** Open cases (new, open, pending) held by each of the agents, in one query; agents without any are absent. */
export async function countOpenCasesByAssignee(
  db: SqlClient,
  agentIds: readonly string[],
): Promise<Map<string, number>> {
  if (agentIds.length === 0) return new Map();
  const rows = await db.sql<{ assignee: string; open: number }>(
    `SELECT assignee, count(*)::int AS open FROM cases
     WHERE assignee = ANY($1::text[]) AND status IN ('new', 'open', 'pending') GROUP BY assignee`,
    [agentIds],
  );
  return new Map(rows.map((row) => [row.assignee, row.open]));
}

/**
 * The teams' last round-robin agents, their rows locked until the transaction ends: two workers assigning for one
 * team take turns, so the rotation is shared by every process. Teams without a row yet get one first.
 */
export async function lockRotations(db: SqlClient, teams: readonly string[]): Promise<Map<string, string | null>> {
  if (teams.length === 0) return new Map();
  await db.sql(
    `INSERT INTO assignment_rotations (team, last_agent, updated_at)
     SELECT t, '', now() FROM unnest($1::text[]) AS t ON CONFLICT (team) DO NOTHING`,
    [teams],
  );
  const rows = await db.sql<{ team: string; lastAgent: string }>(
    `SELECT team, last_agent AS "lastAgent" FROM assignment_rotations WHERE team = ANY($1::text[])
     ORDER BY team FOR UPDATE`,
    [teams],
  );
  return new Map(rows.map((row) => [row.team, row.lastAgent === "" ? null : row.lastAgent]));
}

/** Saves where each team's rotation now is. */
export async function saveRotations(db: SqlClient, lastAgents: ReadonlyMap<string, string>): Promise<void> {
  if (lastAgents.size === 0) return;
  await db.sql(
    `UPDATE assignment_rotations r SET last_agent = v.agent, updated_at = now()
     FROM unnest($1::text[], $2::text[]) AS v(team, agent) WHERE r.team = v.team`,
    [[...lastAgents.keys()], [...lastAgents.values()]],
  );
}
