import type { SqlClient } from "../../kernel/db/database";
import type { ResolvedSender } from "../../cases/identities";
import { activeConversations, contentMatcher } from "../batch-lookups";
import { BatchState } from "../batch-state";
import type { AnalyzedCandidate, IngestSettings } from "../pipeline.types";
import { placeMessage } from "./place-message";
import type { Placed } from "./place.types";
import { recordPlacement } from "./record-placement";

/**
 * Place stage: the batch's look-ups (one query each), then every fresh message, oldest first, finds the case it
 * belongs to or opens one. Later messages of the batch see what earlier ones did before anything is written.
 */
export async function place(
  tx: SqlClient,
  fresh: readonly AnalyzedCandidate[],
  senders: readonly ResolvedSender[],
  settings: IngestSettings,
): Promise<Placed> {
  const batch = new BatchState();
  batch.conversations = await activeConversations(tx, fresh, senders);
  const memory = { batch, content: await contentMatcher(tx, fresh, senders, batch, settings.cases.matching) };
  const placed: Placed = { placements: [], newCases: [], batch };
  for (const [index, candidate] of fresh.entries()) {
    const target = { candidate, sender: senders[index] as ResolvedSender };
    const decision = await placeMessage(tx, target, memory, settings);
    if (decision.action !== "skip") recordPlacement(decision, target, memory, placed);
  }
  return placed;
}
