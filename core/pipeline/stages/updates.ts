import type { SqlClient } from "../../kernel/db/database";
import { applyMessageUpdates, type UpdateItem } from "../message-updates";
import type { IntakeMessages } from "../pipeline.types";
import { recordOptOuts, type OptOut } from "../reachability";

/**
 * Updates stage: status callbacks, edits, deletes and reactions change the messages they name, and opt-out keywords
 * the identities they came from. Returns the intake items whose updates were applied.
 */
export async function applyUpdates(
  tx: SqlClient,
  items: readonly IntakeMessages[],
  optOuts: readonly OptOut[],
): Promise<Set<string>> {
  const updated = await applyMessageUpdates(tx, updatesOf(items));
  await recordOptOuts(tx, optOuts);
  return updated;
}

/** Status callbacks, edits, deletes and reactions: they change stored messages and never open a case. */
export function updatesOf(items: readonly IntakeMessages[]): UpdateItem[] {
  return items.flatMap((item) =>
    item.messages.flatMap((message) =>
      message.kind !== "message" && message.update
        ? [
            {
              intakeItemId: item.intakeItemId,
              connectorId: item.connectorId,
              message: { ...message, update: message.update },
            },
          ]
        : [],
    ),
  );
}
