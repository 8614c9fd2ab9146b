import type { SqlClient } from "../kernel/db/database";
import { findActiveFollowUpCaseId } from "../store/case-matching.store";
import { setModelCategoryWhereUnset, touchAndReopenCases } from "../store/cases.store";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import {
  placedConversationKey,
  type ActiveConversations,
  type PlacedInBatch,
  type ThreadMatch,
} from "../cases/thread-match";
import type { MessageClassification } from "./message-analysis";
import type { OptOut } from "./reachability";

/** What earlier messages of this batch did to cases, so later ones see it before it is written. */
export class BatchState {
  readonly placed: PlacedInBatch = new Map();
  conversations: ActiveConversations = new Map();
  /** Closed case id → the follow-up case opened for it in this batch. */
  readonly followUps = new Map<string, string>();
  readonly touched = new Set<string>();
  readonly reopened = new Set<string>();
  readonly optOuts: OptOut[] = [];
  /** Joined case → the classification of a message that joined it, for cases still without a category. */
  readonly classifiedBy = new Map<string, MessageClassification>();

  joined(caseId: string, reopen: boolean, classification: MessageClassification | null): void {
    this.touched.add(caseId);
    if (reopen) this.reopened.add(caseId);
    if (classification && !classification.triage && !this.classifiedBy.has(caseId))
      this.classifiedBy.set(caseId, classification);
  }

  /** The resolved case a chat message's conversation last had, which the similarity step may reopen. */
  resolvedChatCase(customerId: string, message: CanonicalMessage): string | null {
    const conversationId = message.thread.conversationId;
    if (!conversationId) return null;
    const found = this.conversations.get(placedConversationKey(customerId, conversationId));
    return found?.status === "resolved" ? found.caseId : null;
  }

  resolvedChatCaseIds(): string[] {
    return [...this.conversations.values()].filter((row) => row.status === "resolved").map((row) => row.caseId);
  }
}

/**
 * Every later reply to a closed case joins the one follow-up case its first reply opened, while that is active:
 * the match onto that follow-up case, or null when the closed case has none (the reply opens it).
 */
export async function joinExistingFollowUp(
  tx: SqlClient,
  batch: BatchState,
  closed: ThreadMatch,
): Promise<ThreadMatch | null> {
  const followUpId = batch.followUps.get(closed.caseId) ?? (await findActiveFollowUpCaseId(tx, closed.caseId));
  if (!followUpId) return null;
  return {
    ...closed,
    caseId: followUpId,
    status: "open",
    evidence: `${closed.evidence}, follow-up of the closed case`,
  };
}

/**
 * Joined cases show new activity (the subject window counts from it); reopened ones go back to `open`. A case that
 * has no category yet (its first message was "hi" on a chat) takes the first confident one of a message joining it;
 * a category an agent set is never overwritten.
 */
export async function touchJoinedCases(tx: SqlClient, batch: BatchState): Promise<void> {
  if (batch.touched.size === 0) return;
  if (batch.classifiedBy.size > 0) await setModelCategoryWhereUnset(tx, batch.classifiedBy);
  await touchAndReopenCases(tx, [...batch.touched], [...batch.reopened]);
}
