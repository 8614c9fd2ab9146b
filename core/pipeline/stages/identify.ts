import type { SqlClient } from "../../kernel/db/database";
import type { CanonicalMessage } from "../../../normalizers/canonical-message";
import { findOrCreateSenders, senderIdentities, type ResolvedSender } from "../../cases/identities";
import { linkIdentities } from "../../customers/link-identities";
import { mergeCustomerAttributes } from "../../store/customers.store";
import type { IdentityConfig } from "../../customers/identity.schema";
import type { AnalyzedCandidate } from "../pipeline.types";

/** Who sent each fresh message (by index), and the customers evidence merged, for the finish stage to consolidate. */
export interface Identified {
  senders: ResolvedSender[];
  mergedCustomers: string[];
}

/** Identify stage: each sender's customer (merging customers on evidence), and what webhooks said about them. */
export async function identify(
  tx: SqlClient,
  fresh: readonly AnalyzedCandidate[],
  identity: IdentityConfig | undefined,
): Promise<Identified> {
  const identified = await identifySenders(tx, fresh, identity);
  await recordCustomerFacts(tx, fresh, identified.senders);
  return identified;
}

/** Finds or creates each sender's customer, then lets the identity graph merge customers on evidence. */
async function identifySenders(
  tx: SqlClient,
  fresh: readonly AnalyzedCandidate[],
  identity: IdentityConfig | undefined,
): Promise<Identified> {
  if (fresh.length === 0) return { senders: [], mergedCustomers: [] };
  const senders = await findOrCreateSenders(
    tx,
    fresh.map(({ item, analyzed }) => ({
      keys: senderIdentities(analyzed.message, item.connectorId),
      displayName: analyzed.message.from.name,
    })),
  );
  if (!identity) return { senders, mergedCustomers: [] };
  const links = await linkIdentities(
    tx,
    fresh.map(({ item, analyzed }, index) => ({
      message: analyzed.message,
      connectorId: item.connectorId,
      ...(senders[index] as ResolvedSender),
    })),
    identity,
  );
  const mergedCustomers = links.flatMap((link) =>
    link.settlements.some((settlement) => settlement.action === "merged") ? [link.customerId] : [],
  );
  return {
    // A customer merged into an older one is not new any more: the survivor has a history.
    senders: links.map((link, index) => ({
      customerId: link.customerId,
      identityId: link.identityId,
      isNew: senders[index]?.isNew === true && link.customerId === senders[index]?.customerId,
    })),
    mergedCustomers: [...new Set(mergedCustomers)],
  };
}

/** What a webhook said about its customers (tier, segment, deal size) is kept on them, newest facts winning. */
async function recordCustomerFacts(
  tx: SqlClient,
  fresh: readonly { message: CanonicalMessage }[],
  senders: readonly ResolvedSender[],
): Promise<void> {
  const facts = fresh.flatMap(({ message }, index) => {
    const customerId = senders[index]?.customerId;
    return message.customer && customerId ? [{ customerId, attributes: message.customer }] : [];
  });
  if (facts.length === 0) return;
  await mergeCustomerAttributes(tx, facts);
}
