import type { SqlClient } from "../kernel/db/database";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { findHoldersAndNames } from "../store/customers.store";
import { evidenceCandidates, evidenceFor, type Candidate, type Evidence, type Holder } from "./evidence";
import type { IdentityConfig } from "./identity.schema";
import { pairRecords, settlePair, type Settlement } from "./proposals";

/** One message whose sender was resolved (`findOrCreateSenders`). */
export interface LinkInput {
  message: CanonicalMessage;
  connectorId: string;
  /** The customer holding the message's sender identity. */
  customerId: string;
  /** The message's sender identity. */
  identityId: string;
}

/** What the identity graph made of one input. */
export interface LinkOutcome {
  /** The customer the message belongs to now: the survivor when its customer was merged (in this call or before). */
  customerId: string;
  /** Unchanged: a merge moves identities, it does not replace them. */
  identityId: string;
  /** The evidence this message gave (identities it offered that another customer holds). */
  evidence: Evidence[];
  /** What the evidence led to, per other customer. */
  settlements: Settlement[];
}

/** The actor of merges and proposals the pipeline makes on evidence alone. */
export const IDENTITY_GRAPH_ACTOR = "system";

/**
 * The pipeline's hook, inside the ingest transaction after the senders are resolved: finds evidence that a
 * message's customer is somebody another customer already is (a web form's phone held by an SMS customer, a phone
 * number in an email's signature), merges at `identity.autoMergeAt`, proposes at `identity.proposeAt`, and says
 * per input which customer the message belongs to afterwards.
 *
 * No query at all when no message offers a second identity or (email) a phone number in its text, which is most
 * messages; otherwise one query for the whole batch, and more only where evidence was found.
 */
export async function linkIdentities(
  tx: SqlClient,
  inputs: LinkInput[],
  config: IdentityConfig,
): Promise<LinkOutcome[]> {
  const candidates = inputs.map((input) => evidenceCandidates(input.message, input.connectorId, config.defaultCountry));
  const unchanged = (input: LinkInput): LinkOutcome => ({
    customerId: input.customerId,
    identityId: input.identityId,
    evidence: [],
    settlements: [],
  });
  if (candidates.every((list) => list.length === 0)) return inputs.map(unchanged);

  const { holders, names } = await lookUp(tx, inputs, candidates);
  const outcomes = inputs.map(unchanged);
  // Evidence per pair of customers, over the whole batch: two messages pointing the same way count together.
  const pairs = new Map<string, { ids: [string, string]; evidence: Evidence[]; inputs: number[] }>();
  for (const [index, input] of inputs.entries()) {
    for (const candidate of candidates[index] ?? []) {
      const holder = holders.get(keyText(candidate));
      if (!holder || holder.customerId === input.customerId) continue;
      const context = {
        message: input.message,
        connectorId: input.connectorId,
        customerName: names.get(input.customerId) ?? null,
      };
      const piece = evidenceFor(candidate, holder, context, config.evidence);
      (outcomes[index] as LinkOutcome).evidence.push(piece);
      const ids = [input.customerId, holder.customerId].sort() as [string, string];
      const pair = pairs.get(ids.join(" ")) ?? { ids, evidence: [], inputs: [] };
      pair.evidence.push(piece);
      if (!pair.inputs.includes(index)) pair.inputs.push(index);
      pairs.set(ids.join(" "), pair);
    }
  }
  if (pairs.size === 0) return outcomes;

  const records = await pairRecords(
    tx,
    [...pairs.values()].map((pair) => pair.ids),
  );
  const survivors = new Map<string, string>();
  for (const pair of pairs.values()) {
    const ids = pair.ids.map((id) => liveIn(survivors, id)) as [string, string];
    const settlement =
      ids[0] === ids[1]
        ? ({ action: "already-one", customerId: ids[0] } as const)
        : await settlePair(tx, {
            customerIds: ids,
            evidence: pair.evidence,
            actor: IDENTITY_GRAPH_ACTOR,
            config,
            records,
          });
    if (settlement.action === "merged") survivors.set(settlement.merge.mergedId, settlement.merge.survivorId);
    // Merged meanwhile by another transaction: follow them to where they live now.
    if (settlement.action === "already-one")
      for (const id of ids) if (id !== settlement.customerId) survivors.set(id, settlement.customerId);
    for (const index of pair.inputs) (outcomes[index] as LinkOutcome).settlements.push(settlement);
  }
  for (const outcome of outcomes) outcome.customerId = liveIn(survivors, outcome.customerId);
  return outcomes;
}

/** Who holds each candidate identity, and the display names of the inputs' customers: one query. */
async function lookUp(
  tx: SqlClient,
  inputs: LinkInput[],
  candidates: Candidate[][],
): Promise<{ holders: Map<string, Holder>; names: Map<string, string | null> }> {
  const keys = [...new Map(candidates.flat().map((candidate) => [keyText(candidate), candidate.key])).values()];
  const rows = await findHoldersAndNames(tx, keys, [...new Set(inputs.map((input) => input.customerId))]);
  const holders = new Map<string, Holder>();
  const names = new Map<string, string | null>();
  for (const row of rows) {
    if (row.role === "customer") names.set(row.customerId, row.displayName);
    else holders.set(`${row.kind}\u0000${row.value}`, { customerId: row.customerId, displayName: row.displayName });
  }
  return { holders, names };
}

function keyText(candidate: Candidate): string {
  return `${candidate.key.kind}\u0000${candidate.key.value}`;
}

/** Where a customer lives on after the merges made in this call. */
function liveIn(survivors: ReadonlyMap<string, string>, id: string): string {
  let current = id;
  for (let hops = 0; hops < 64 && survivors.has(current); hops++) current = survivors.get(current) as string;
  return current;
}
