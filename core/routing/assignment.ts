import type { AgentConfig } from "../config/config.schema";

/** The agents who can take a team's cases: available, working for the team, in config order. */
export function teamAgents(agents: readonly AgentConfig[], team: string): AgentConfig[] {
  return agents.filter((agent) => agent.available && agent.teams.includes(team));
}

/**
 * Least loaded: the agent with the fewest open cases, among those below their capacity (no capacity: no limit);
 * ties go to the agent listed first. Null when every agent is full or there is none.
 */
export function pickLeastLoaded(
  candidates: readonly AgentConfig[],
  openCases: ReadonlyMap<string, number>,
): AgentConfig | null {
  let best: AgentConfig | null = null;
  let bestLoad = Infinity;
  for (const agent of candidates) {
    const load = openCases.get(agent.id) ?? 0;
    if (agent.capacity !== undefined && load >= agent.capacity) continue;
    if (load < bestLoad) [best, bestLoad] = [agent, load];
  }
  return best;
}

/**
 * Round robin: the agent after the one who got the team's last case, in config order, wrapping around; the first
 * agent when there was none (or that agent left the team). Null when the team has no agent.
 */
export function pickRoundRobin(candidates: readonly AgentConfig[], lastAgent: string | null): AgentConfig | null {
  if (candidates.length === 0) return null;
  const last = candidates.findIndex((agent) => agent.id === lastAgent);
  return candidates[(last + 1) % candidates.length] ?? null;
}
