import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import { err, ok, type Result } from "../kernel/result";
import { normalizeEmail, normalizePhone } from "../../normalizers/identity-values";
import { findIdentity, insertIdentityIfFree, liveCustomers } from "../store/customers.store";
import type { Evidence } from "./evidence";
import type { IdentityConfig } from "./identity.schema";
import type { MergeProblem } from "./merge";
import { agentMerge, pairRecords, settlePair, type Settlement } from "./proposals";

/** Identity kinds (schema.prisma `Identity.kind`). A WhatsApp number is a `phone` identity. */
export const IDENTITY_KINDS = ["email", "phone", "messenger", "instagram", "slack", "external", "crm"] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** Who says the customer has this identity: a CRM record (evidence) or an agent (a decision). */
export const IDENTITY_SOURCES = ["crm", "agent"] as const;
export type IdentitySource = (typeof IDENTITY_SOURCES)[number];

export interface AddIdentityRequest {
  customerId: string;
  kind: IdentityKind;
  value: string;
  source: IdentitySource;
  actor: string;
}

export type AddIdentityOutcome =
  | { outcome: "added"; identityId: string; kind: string; value: string }
  | { outcome: "already-held"; identityId: string; kind: string; value: string }
  /** Another customer held it: what the CRM's word or the agent's decision did about the two customers. */
  | {
      outcome: "held-by-other";
      identityId: string;
      kind: string;
      value: string;
      holderId: string;
      settlement: Settlement;
    };

/**
 * The value as the pipeline stores it, so the same identity is found however it was typed: emails lower-cased
 * (no provider rules: Gmail's dots and plus tags are not safe to strip, since other providers treat them as
 * distinct mailboxes and a wrong merge costs more than a missed one), phones in E.164, `external` as
 * `connectorId:handle`; other kinds are vendor-scoped ids, trimmed.
 */
export function normalizeIdentityValue(kind: IdentityKind, raw: string, defaultCountry?: string): string | null {
  switch (kind) {
    case "email":
      return normalizeEmail(raw);
    case "phone":
      return normalizePhone(raw, defaultCountry);
    case "external":
      return /^[a-z0-9][a-z0-9-]*:\S+$/.test(raw.trim()) ? raw.trim() : null;
    case "messenger":
    case "instagram":
    case "slack":
    case "crm":
      return raw.trim() || null;
  }
}

const invalid: Record<IdentityKind, string> = {
  email: "not an email address",
  phone: "not a phone number (write it with + and the country code, or set identity.defaultCountry)",
  external: "write an external identity as connectorId:handle",
  messenger: "empty",
  instagram: "empty",
  slack: "empty",
  crm: "empty",
};

/**
 * `POST /v1/customers/:id/identities`: gives a customer an identity. When another customer holds it, a CRM record
 * is evidence (`crm-record`: merged or proposed by the thresholds), an agent's word merges the two directly.
 */
export async function addIdentity(
  tx: SqlClient,
  request: AddIdentityRequest,
  config: IdentityConfig,
): Promise<Result<AddIdentityOutcome, MergeProblem>> {
  const value = normalizeIdentityValue(request.kind, request.value, config.defaultCountry);
  if (value === null)
    return err({ code: "invalid_identity", message: `${request.kind} "${request.value}": ${invalid[request.kind]}` });
  const live = (await liveCustomers(tx, [request.customerId])).get(request.customerId);
  if (!live) return err({ code: "not_found", message: `no customer ${request.customerId}` });
  if (live !== request.customerId)
    return err({
      code: "customer_merged",
      message: `customer ${request.customerId} was merged into ${live}`,
      mergedInto: live,
    });

  const identity = { kind: request.kind, value };
  const inserted = await insertIdentityIfFree(tx, { identityId: randomUUID(), customerId: live, ...identity });
  if (inserted) return ok({ outcome: "added", identityId: inserted, ...identity });
  const held = await findIdentity(tx, identity);
  if (!held) throw new Error(`identity ${request.kind} ${value} neither inserted nor found`);
  if (held.customerId === live) return ok({ outcome: "already-held", identityId: held.id, ...identity });

  const settlement = await settleHeld(tx, request, live, held.customerId, identity, config);
  if (!settlement.ok) return settlement;
  return ok({
    outcome: "held-by-other",
    identityId: held.id,
    ...identity,
    holderId: held.customerId,
    settlement: settlement.value,
  });
}

async function settleHeld(
  tx: SqlClient,
  request: AddIdentityRequest,
  customerId: string,
  holderId: string,
  identity: { kind: string; value: string },
  config: IdentityConfig,
): Promise<Result<Settlement, MergeProblem>> {
  const pair = [customerId, holderId] as const;
  if (request.source === "agent") {
    const detail = `${request.actor} gave customer ${customerId} the ${identity.kind} ${identity.value}, held by customer ${holderId}`;
    const merged = await agentMerge(tx, pair, request.actor, detail, identity);
    return merged.ok ? ok({ action: "merged", merge: merged.value }) : merged;
  }
  const evidence: Evidence = {
    kind: "crm-record",
    detail: `a CRM record lists ${identity.kind} ${identity.value} (held by customer ${holderId}) for customer ${customerId}`,
    weight: config.evidence.crmRecord,
    identity,
  };
  const settlement = await settlePair(tx, {
    customerIds: pair,
    evidence: [evidence],
    actor: request.actor,
    config,
    records: await pairRecords(tx, [pair]),
  });
  if (settlement.action === "kept-apart")
    return err({
      code: "kept_apart",
      message: `customers ${customerId} and ${holderId} were kept apart (merge ${settlement.mergeId} ${settlement.status}); an agent can still merge them`,
      mergeId: settlement.mergeId,
    });
  return ok(settlement);
}
