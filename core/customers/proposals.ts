import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import { err, ok, type Result } from "../kernel/result";
import {
  insertProposal,
  lockPairRecord,
  markProposalRejected,
  pairRecords as storedPairRecords,
  updateProposal,
  type PairRecord as StoredPairRecord,
} from "../store/customer-merges.store";
import { combineConfidence, decideMerge, mergeEvidence, type Evidence } from "./evidence";
import type { IdentityConfig } from "./identity.schema";
import { mergeCustomers, type MergeDone, type MergeProblem } from "./merge";

/** A recorded decision about a pair of customers that is not a merge in force. */
export type PairRecord = StoredPairRecord<Evidence>;

/** Open proposals, rejections and splits of the given pairs (either direction), in one query. */
export function pairRecords(db: SqlClient, pairs: readonly (readonly [string, string])[]): Promise<PairRecord[]> {
  return storedPairRecords<Evidence>(db, pairs);
}

/** The records of one pair, out of {@link pairRecords}' answer. */
export function recordsOf(records: readonly PairRecord[], a: string, b: string): PairRecord[] {
  return records.filter(
    (record) =>
      (record.survivorId === a && record.mergedId === b) || (record.survivorId === b && record.mergedId === a),
  );
}

/** What the evidence about a pair of customers led to. */
export type Settlement =
  | { action: "merged"; merge: MergeDone }
  | { action: "proposed"; proposalId: string; confidence: number; evidence: Evidence[] }
  /** Below `proposeAt`: nothing is recorded. */
  | { action: "too-weak"; confidence: number; evidence: Evidence[] }
  /** An agent rejected this pair, or split its merge: evidence never joins them again by itself. */
  | { action: "kept-apart"; mergeId: string; status: "rejected" | "split"; evidence: Evidence[] }
  | { action: "already-one"; customerId: string };

export interface SettleRequest {
  customerIds: readonly [string, string];
  evidence: Evidence[];
  actor: string;
  config: Pick<IdentityConfig, "autoMergeAt" | "proposeAt">;
  /** The pair's records, from {@link pairRecords} (read once for many pairs). */
  records: readonly PairRecord[];
}

/**
 * Weighs new evidence about two customers together with an open proposal's: merges at `autoMergeAt`, proposes
 * (or strengthens the proposal) at `proposeAt`. A pair an agent rejected or split is kept apart: the evidence
 * that joined them once would join them again on the next message, undoing the agent's decision.
 */
export async function settlePair(tx: SqlClient, request: SettleRequest): Promise<Settlement> {
  const [a, b] = request.customerIds;
  const records = recordsOf(request.records, a, b);
  const apart = records.find((record) => record.status === "rejected" || record.status === "split");
  if (apart)
    return {
      action: "kept-apart",
      mergeId: apart.id,
      status: apart.status as "rejected" | "split",
      evidence: request.evidence,
    };
  const proposal = records.find((record) => record.status === "proposed");
  const evidence = mergeEvidence(proposal?.evidence ?? [], request.evidence);
  const confidence = combineConfidence(evidence);
  switch (decideMerge(confidence, request.config)) {
    case "merge": {
      const merged = await mergeCustomers(tx, {
        survivorId: a,
        mergedId: b,
        confidence,
        evidence,
        actor: request.actor,
        ...(proposal && { proposalId: proposal.id }),
      });
      if (merged.ok) return { action: "merged", merge: merged.value };
      if (merged.error.code === "already_merged")
        return { action: "already-one", customerId: merged.error.mergedInto ?? a };
      throw new Error(`merging customers ${a} and ${b}: ${merged.error.message}`);
    }
    case "propose": {
      const proposalId = proposal
        ? await strengthenProposal(tx, proposal.id, confidence, evidence)
        : await proposeMerge(tx, [a, b], confidence, evidence, request.actor);
      return { action: "proposed", proposalId, confidence, evidence };
    }
    case "none":
      return { action: "too-weak", confidence, evidence };
  }
}

/**
 * A `proposed` row, the older customer as survivor. Two transactions proposing the same pair at once meet on the
 * unique index: the second adds its evidence to the first's row.
 */
async function proposeMerge(
  tx: SqlClient,
  [a, b]: readonly [string, string],
  confidence: number,
  evidence: Evidence[],
  actor: string,
): Promise<string> {
  const id = await insertProposal(tx, { id: randomUUID(), customerIds: [a, b], confidence, evidence, actor });
  if (!id) throw new Error(`cannot propose merging ${a} and ${b}: a customer is missing`);
  return id;
}

async function strengthenProposal(
  tx: SqlClient,
  id: string,
  confidence: number,
  evidence: Evidence[],
): Promise<string> {
  await updateProposal(tx, id, confidence, evidence);
  return id;
}

/** A proposal, locked for deciding it. */
async function lockProposal(tx: SqlClient, mergeId: string): Promise<Result<PairRecord, MergeProblem>> {
  const row = await lockPairRecord<Evidence>(tx, mergeId);
  if (!row) return err({ code: "not_found", message: `no customer merge ${mergeId}` });
  if (row.status !== "proposed")
    return err({ code: "not_proposed", message: `merge ${mergeId} is ${row.status}, not an open proposal`, mergeId });
  return ok(row);
}

/** An agent accepts a proposal: the merge is performed with the proposal's evidence and confidence. */
export async function acceptProposal(
  tx: SqlClient,
  mergeId: string,
  actor: string,
): Promise<Result<MergeDone, MergeProblem>> {
  const proposal = await lockProposal(tx, mergeId);
  if (!proposal.ok) return proposal;
  const { survivorId, mergedId, confidence, evidence } = proposal.value;
  return mergeCustomers(tx, { survivorId, mergedId, confidence, evidence, actor, proposalId: mergeId });
}

/** An agent rejects a proposal: the pair is kept apart, and the same evidence never proposes it again. */
export async function rejectProposal(
  tx: SqlClient,
  mergeId: string,
  actor: string,
): Promise<Result<PairRecord, MergeProblem>> {
  const proposal = await lockProposal(tx, mergeId);
  if (!proposal.ok) return proposal;
  await markProposalRejected(tx, mergeId, actor);
  return ok({ ...proposal.value, status: "rejected" });
}

/**
 * An agent says two customers are one person: confidence 1, whatever was rejected or split before (the agent
 * decides). An open proposal of the pair is decided by it, its evidence kept.
 */
export async function agentMerge(
  tx: SqlClient,
  customerIds: readonly [string, string],
  actor: string,
  detail: string,
  identity?: { kind: string; value: string },
): Promise<Result<MergeDone, MergeProblem>> {
  const [a, b] = customerIds;
  const proposal = recordsOf(await pairRecords(tx, [customerIds]), a, b).find((record) => record.status === "proposed");
  const agent: Evidence = { kind: "agent", detail, weight: 1, ...(identity && { identity }) };
  return mergeCustomers(tx, {
    survivorId: a,
    mergedId: b,
    confidence: 1,
    evidence: mergeEvidence(proposal?.evidence ?? [], [agent]),
    actor,
    ...(proposal && { proposalId: proposal.id }),
  });
}
