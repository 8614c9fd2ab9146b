import { z } from "zod";
import { defineConnector, type PollerContext } from "../connector-contract/connector";
import { ConnectorSet } from "../connector-contract/connector-set";
import type { Database } from "../kernel/db/database";
import { createLogger } from "../kernel/logger";
import { ok } from "../kernel/result";
import { startConnectorPollers } from "./connector-pollers";

describe("startConnectorPollers (embedded: no election)", () => {
  it("starts one poller per connector that fetches, with its own id, and stops each one", async () => {
    const events: string[] = [];
    const fetching = defineConnector({
      type: "fetching",
      channel: "email",
      configSchema: z.strictObject({ id: z.string(), type: z.literal("fetching") }),
      poller: (config, context: PollerContext) => {
        expect(context.database).toBe(database);
        return {
          start: () => void events.push(`start ${config.id}`),
          stop: () => Promise.resolve(void events.push(`stop ${config.id}`)),
        };
      },
      normalize: () => ok([]),
    });
    const posted = defineConnector({
      type: "posted",
      channel: "webhook",
      configSchema: z.strictObject({ id: z.string(), type: z.literal("posted") }),
      normalize: () => ok([]),
    });
    const database = {} as Database;
    const connectors = ConnectorSet.bind(
      [
        { id: "inbox-a", type: "fetching" },
        { id: "form", type: "posted" },
        { id: "inbox-b", type: "fetching" },
      ],
      { fetching, posted },
    );

    const pollers = startConnectorPollers({
      connectors,
      database,
      databaseUrl: undefined,
      queue: { enqueue: () => Promise.resolve() } as never,
      logger: createLogger("silent"),
    });
    // The election is asynchronous even without a lock: it resolves on the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toStrictEqual(["start inbox-a", "start inbox-b"]);
    await pollers.stop();
    expect(events).toStrictEqual(["start inbox-a", "start inbox-b", "stop inbox-a", "stop inbox-b"]);
  });
});
