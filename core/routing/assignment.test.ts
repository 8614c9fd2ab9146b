import type { AgentConfig } from "../config/config.schema";
import { pickLeastLoaded, pickRoundRobin, teamAgents } from "./assignment";

const agent = (id: string, teams: string[], extra: Partial<AgentConfig> = {}): AgentConfig => ({
  id,
  name: id,
  teams,
  available: true,
  ...extra,
});
const ana = agent("ana", ["billing"]);
const bo = agent("bo", ["billing", "support"], { capacity: 2 });
const cy = agent("cy", ["billing"], { available: false });
const di = agent("di", ["support"]);

describe("teamAgents", () => {
  it("keeps the available agents of the team, in config order", () => {
    expect(teamAgents([ana, bo, cy, di], "billing").map((a) => a.id)).toStrictEqual(["ana", "bo"]);
    expect(teamAgents([ana, bo, cy, di], "support").map((a) => a.id)).toStrictEqual(["bo", "di"]);
    expect(teamAgents([ana], "sales")).toStrictEqual([]);
  });
});

describe("pickRoundRobin", () => {
  it("takes the agent after the last one, wrapping around, and starts with the first", () => {
    expect(pickRoundRobin([ana, bo, di], null)?.id).toBe("ana");
    expect(pickRoundRobin([ana, bo, di], "ana")?.id).toBe("bo");
    expect(pickRoundRobin([ana, bo, di], "di")?.id).toBe("ana");
    expect(pickRoundRobin([ana, bo, di], "gone")?.id).toBe("ana");
    expect(pickRoundRobin([], "ana")).toBeNull();
  });

  it("shares cases evenly over a long run", () => {
    const counts = new Map<string, number>();
    let last: string | null = null;
    for (let i = 0; i < 100; i++) {
      last = pickRoundRobin([ana, bo, di], last)?.id ?? null;
      if (last) counts.set(last, (counts.get(last) ?? 0) + 1);
    }
    expect([...counts.values()].sort()).toStrictEqual([33, 33, 34]);
  });
});

describe("pickLeastLoaded", () => {
  it("takes the agent with the fewest open cases, the first listed on a tie", () => {
    expect(
      pickLeastLoaded(
        [ana, bo],
        new Map([
          ["ana", 3],
          ["bo", 1],
        ]),
      )?.id,
    ).toBe("bo");
    expect(pickLeastLoaded([ana, bo], new Map())?.id).toBe("ana");
  });

  it("skips agents at their capacity, and finds nobody when all are full", () => {
    expect(
      pickLeastLoaded(
        [ana, bo],
        new Map([
          ["ana", 5],
          ["bo", 2],
        ]),
      )?.id,
    ).toBe("ana");
    expect(pickLeastLoaded([bo], new Map([["bo", 2]]))).toBeNull();
  });
});
