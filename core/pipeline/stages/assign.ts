import type { AgentConfig } from "../../config/config.schema";
import type { SqlClient } from "../../kernel/db/database";
import { pickLeastLoaded, pickRoundRobin, teamAgents } from "../../routing/assignment";
import { countOpenCasesByAssignee, lockRotations, saveRotations } from "../../store/assignment.store";
import type { RoutedCase } from "../new-cases";

/**
 * Assign stage: the agent for each new case whose rules asked for a strategy. Least loaded counts the team's agents'
 * open cases (one query, kept current through the batch); round robin takes the team's rotation row under a lock,
 * so processes assigning at once take turns. Cases no rule asked for are left as routed; a team without an agent
 * to pick leaves the case unassigned, and the `routed` event says so.
 */
export async function assignByStrategy(
  tx: SqlClient,
  routed: readonly RoutedCase[],
  agents: readonly AgentConfig[],
): Promise<RoutedCase[]> {
  const wanting = routed.filter((entry) => entry.routing.strategy !== null && entry.routing.assignee === null);
  if (wanting.length === 0) return [...routed];
  const teamsOf = (strategy: string) =>
    [...new Set(wanting.filter((e) => e.routing.strategy === strategy).map((e) => e.routing.team))].sort();
  // Each strategy's look-up only when some case asks for it.
  const leastLoaded = wanting.some((entry) => entry.routing.strategy === "least-loaded");
  const loads = leastLoaded
    ? await countOpenCasesByAssignee(
        tx,
        agents.map((agent) => agent.id),
      )
    : new Map<string, number>();
  const rotations = await lockRotations(tx, teamsOf("round-robin"));
  const moved = new Map<string, string>();
  const assigned = routed.map((entry) => {
    const { strategy, team } = entry.routing;
    if (!wanting.includes(entry) || strategy === null) return entry;
    const candidates = teamAgents(agents, team);
    const agent =
      strategy === "round-robin"
        ? pickRoundRobin(candidates, moved.get(team) ?? rotations.get(team) ?? null)
        : pickLeastLoaded(candidates, loads);
    if (!agent)
      return { ...entry, routing: { ...entry.routing, assignmentNote: `no agent of ${team} to ${strategy}` } };
    if (strategy === "round-robin") moved.set(team, agent.id);
    loads.set(agent.id, (loads.get(agent.id) ?? 0) + 1);
    return { ...entry, routing: { ...entry.routing, assignee: agent.id, assignmentNote: `${strategy} among ${team}` } };
  });
  await saveRotations(tx, moved);
  return assigned;
}
