import { formatCaseNumber } from "../cases/case-number";
import type { PrismaClient } from "../kernel/db/generated/client";
import { listMergesOf } from "../store/customer-merges.store";
import { findCustomerWithIdentitiesAndCases, findMergedIntoId } from "../store/customers.store";

/** A merge as `GET /v1/customers/:id` shows it, from the customer's side. */
export interface MergeView {
  id: string;
  status: string;
  /** `survivor`: the other customer was merged into this one; `merged`: this one into the other. */
  role: "survivor" | "merged";
  otherCustomerId: string;
  survivorId: string;
  mergedId: string;
  confidence: number;
  evidence: unknown;
  moved: unknown;
  actor: string;
  createdAt: Date;
  decidedAt: Date | null;
  splitAt: Date | null;
}

/**
 * A customer with its identities, attributes, cases and every merge it took part in (both directions), open
 * proposals apart. A merged customer says where it lives on (`mergedInto`, the end of the chain); its own
 * identities and cases are the survivor's until a split. Null when there is no such customer.
 */
export async function customerView(prisma: PrismaClient, id: string) {
  const customer = await findCustomerWithIdentitiesAndCases(prisma, id);
  if (!customer) return null;
  const merges = await listMergesOf(prisma, id);
  const views: MergeView[] = merges.map((merge) => ({
    id: merge.id,
    status: merge.status,
    role: merge.survivorId === id ? "survivor" : "merged",
    otherCustomerId: merge.survivorId === id ? merge.mergedId : merge.survivorId,
    survivorId: merge.survivorId,
    mergedId: merge.mergedId,
    confidence: merge.confidence,
    evidence: merge.evidence,
    moved: merge.moved,
    actor: merge.actor,
    createdAt: merge.createdAt,
    decidedAt: merge.decidedAt,
    splitAt: merge.splitAt,
  }));
  return {
    customer: {
      id: customer.id,
      displayName: customer.displayName,
      attributes: customer.attributes,
      createdAt: customer.createdAt,
      mergedInto: customer.mergedIntoId ? await chainEnd(prisma, customer.mergedIntoId) : null,
    },
    identities: customer.identities.map((identity) => ({
      id: identity.id,
      kind: identity.kind,
      value: identity.value,
      since: identity.createdAt,
    })),
    cases: customer.cases.map((kase) => ({ ...kase, reference: formatCaseNumber(kase.number) })),
    merges: views.filter((merge) => merge.status !== "proposed"),
    proposals: views.filter((merge) => merge.status === "proposed"),
  };
}

async function chainEnd(prisma: PrismaClient, start: string): Promise<string> {
  let current = start;
  for (let hops = 0; hops < 64; hops++) {
    const next = await findMergedIntoId(prisma, current);
    if (!next) return current;
    current = next;
  }
  return current;
}
