import type { PlaintConfig } from "../../config/config.schema";
import type { PlaintEnv } from "../../kernel/config/env";
import { startHub, type HubRole } from "../../hub";

/**
 * Runs a hub role until SIGTERM / SIGINT, then shuts down gracefully: stop accepting requests, let running
 * jobs finish, close connections. A second signal exits at once.
 */
export async function runHub(env: PlaintEnv, config: PlaintConfig, role: HubRole): Promise<number> {
  const hub = await startHub({ env, config, role });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      hub.logger.info({ signal }, "shutting down");
      process.once(signal, () => process.exit(130));
      resolve();
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  await hub.stop();
  return 0;
}
