import type { SqlClient } from "../kernel/db/database";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import type { MatchingConfig } from "../config/config.schema";
import { findOrCreateSenders, senderIdentities, type ResolvedSender } from "../cases/identities";
import { findEarlierRepeats } from "../cases/repeats";
import { findCandidateCases } from "../cases/similar-cases";
import { linkIdentities } from "../customers/link-identities";
import type { IdentityConfig } from "../customers/identity.schema";
import { textProfile } from "../../normalizers/analysis/similarity/similarity";
import type { BatchState } from "./batch-state";
import { ContentMatcher } from "./content-match";
import type { IntakeMessages } from "./ingest-messages";
import type { AnalyzedMessage, MessageAnalyzer } from "./message-analysis";
import { isMachineMail } from "./placement";

/*
 * The look-ups a batch makes before placing its messages, each one query for the whole batch: its senders (and
 * the customers evidence merges), what webhooks said about them, and the repeats and open cases its messages
 * could join.
 */

/** The message analysed, or as it is stored when no analyzer is configured: unmasked, unclassified, no fingerprint. */
export function analyze(analyzer: MessageAnalyzer | undefined, message: CanonicalMessage): AnalyzedMessage {
  if (analyzer) return analyzer.analyze(message);
  return { message, classification: null, fingerprint: null, profile: textProfile(""), redactions: [], original: null };
}

/** Finds or creates each sender's customer, then lets the identity graph merge customers on evidence. */
export async function identifySenders(
  tx: SqlClient,
  fresh: readonly { item: IntakeMessages; analyzed: AnalyzedMessage }[],
  identity: IdentityConfig | undefined,
): Promise<{ senders: ResolvedSender[]; mergedCustomers: string[] }> {
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
export async function recordCustomerFacts(
  tx: SqlClient,
  fresh: readonly { message: CanonicalMessage }[],
  senders: readonly ResolvedSender[],
): Promise<void> {
  const facts = fresh.flatMap(({ message }, index) => {
    const customerId = senders[index]?.customerId;
    return message.customer && customerId ? [{ customerId, facts: JSON.stringify(message.customer) }] : [];
  });
  if (facts.length === 0) return;
  await tx.sql(
    `UPDATE customers c SET attributes = c.attributes || t.facts, updated_at = now()
     FROM unnest($1::uuid[], $2::jsonb[]) AS t(id, facts) WHERE c.id = t.id`,
    [facts.map((entry) => entry.customerId), facts.map((entry) => entry.facts)],
  );
}

/** The repeats and open cases the batch's messages could join, looked up once for the whole batch. */
export async function contentMatcher(
  tx: SqlClient,
  fresh: readonly { message: CanonicalMessage; analyzed: AnalyzedMessage }[],
  senders: readonly ResolvedSender[],
  batch: BatchState,
  matching: MatchingConfig,
): Promise<ContentMatcher> {
  const earliest = fresh.reduce((min, { message }) => Math.min(min, Date.parse(message.receivedAt)), Date.now());
  // A customer created in this batch has no earlier messages or cases to look up.
  const known = (index: number) => (senders[index]?.isNew ? undefined : senders[index]?.customerId);
  const fingerprints = fresh.flatMap(({ analyzed }, index) => {
    const customerId = known(index);
    return analyzed.fingerprint && customerId ? [{ customerId, fingerprint: analyzed.fingerprint }] : [];
  });
  const repeats = await findEarlierRepeats(
    tx,
    fingerprints,
    new Date(earliest - matching.duplicateWindowMinutes * 60_000),
  );
  // Machine mail is never placed by content, so its senders need no candidates.
  const customers = fresh.flatMap(({ message }, index) => (!isMachineMail(message) ? [known(index) ?? ""] : []));
  const candidates =
    matching.enabled && (customers.some(Boolean) || batch.resolvedChatCaseIds().length > 0)
      ? await findCandidateCases(
          tx,
          customers.filter(Boolean),
          batch.resolvedChatCaseIds(),
          new Date(earliest - matching.windowHours * 3_600_000),
        )
      : [];
  return new ContentMatcher(repeats, candidates, matching);
}
