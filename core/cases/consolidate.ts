import type { SqlClient } from "../kernel/db/database";
import type { MatchingConfig } from "../config/config.schema";
import { textProfile } from "../../normalizers/analysis/similarity/similarity";
import { findCaseNumbers } from "../store/cases.store";
import { mergeCases } from "./agent-actions";
import { chooseSimilarCase, findCandidateCases } from "./similar-cases";

/**
 * After two customers were found to be one person, their open cases about the same complaint become one: the
 * customer who wrote by email and then by SMS (before anything tied the two together) has one complaint, not two.
 * The newer case is merged into the older one, with the similarity on both trails; cases about different things
 * stay apart.
 */
export async function consolidateMergedCustomers(
  tx: SqlClient,
  customerIds: readonly string[],
  matching: MatchingConfig,
  now: Date,
): Promise<number> {
  if (customerIds.length === 0 || !matching.enabled) return 0;
  const cases = await findCandidateCases(
    tx,
    customerIds,
    [],
    new Date(now.getTime() - matching.windowHours * 3_600_000),
  );
  const open = cases.filter((candidate) => candidate.status !== "resolved");
  const numberOf = await findCaseNumbers(
    tx,
    open.map((candidate) => candidate.caseId),
  );
  // Oldest first (case numbers follow creation): each case is compared with the older ones still standing.
  open.sort((a, b) => (numberOf.get(a.caseId) ?? 0) - (numberOf.get(b.caseId) ?? 0));
  const standing: typeof open = [];
  let merged = 0;
  for (const candidate of open) {
    const others = standing.filter((kept) => kept.customerId === candidate.customerId);
    // The case's first message says what it is about; later ones may be answers to questions.
    const first = candidate.profiles[candidate.profiles.length - 1] ?? textProfile("");
    const best = chooseSimilarCase(
      { profile: first, category: candidate.category, channel: candidate.channel, subject: candidate.subject },
      others,
      matching,
    );
    if (best?.decision.join) {
      const why = `by the system: its customer turned out to be the same person, same complaint (${best.decision.reason})`;
      const result = await mergeCases(tx, candidate.caseId, best.candidate.caseId, "system", why);
      if (result.ok) {
        best.candidate.profiles.push(...candidate.profiles);
        merged += 1;
        continue;
      }
    }
    standing.push(candidate);
  }
  return merged;
}
