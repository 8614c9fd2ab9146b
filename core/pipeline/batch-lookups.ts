import type { SqlClient } from "../kernel/db/database";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import type { MatchingConfig } from "../config/config.schema";
import type { ResolvedSender } from "../cases/identities";
import { findEarlierRepeats } from "../cases/repeats";
import { findCandidateCases } from "../cases/similar-cases";
import { findActiveConversations, type ActiveConversations } from "../cases/thread-match";
import type { BatchState } from "./batch-state";
import { ContentMatcher } from "./content-match";
import type { AnalyzedMessage } from "./message-analysis";
import { isMachineMail } from "./placement";

/*
 * The look-ups the place stage makes before placing a batch's messages, each one query for the whole batch: the
 * active cases of its chats, and the repeats and open cases its messages could join.
 */

/** The case each chat of the batch is on, for its known customers (a new customer has no cases yet). */
export function activeConversations(
  tx: SqlClient,
  fresh: readonly { message: CanonicalMessage }[],
  senders: readonly ResolvedSender[],
): Promise<ActiveConversations> {
  return findActiveConversations(
    tx,
    fresh.flatMap(({ message }, index) => {
      const conversationId = message.thread.conversationId;
      const sender = senders[index];
      return conversationId && sender && !sender.isNew ? [{ conversationId, customerId: sender.customerId }] : [];
    }),
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
