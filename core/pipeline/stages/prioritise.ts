import type { SqlClient } from "../../kernel/db/database";
import type { Priority } from "../../cases/priority";
import type { PriorityConfig } from "../../config/config.schema";
import { prioritizeNewCases } from "../case-priority";
import { unprioritized, type NewCase } from "../new-cases";

/** Prioritise stage: each new case's priority score (two queries for the batch); none without `priority:`. */
export async function prioritise(
  tx: SqlClient,
  newCases: readonly NewCase[],
  config: PriorityConfig | undefined,
): Promise<Map<string, Priority>> {
  if (!config) return new Map();
  return prioritizeNewCases(tx, newCases.map(unprioritized), config, new Date());
}
