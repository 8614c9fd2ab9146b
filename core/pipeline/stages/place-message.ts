import type { CanonicalMessage } from "../../../normalizers/canonical-message";
import type { SqlClient } from "../../kernel/db/database";
import { TransientError } from "../../kernel/errors";
import { matchThread } from "../../cases/thread-match";
import { hasUnfinishedIntake } from "../../store/intake.store";
import type { CasesConfig } from "../../config/config.schema";
import { joinExistingFollowUp } from "../batch-state";
import { isMachineMail } from "../placement";
import type { IngestSettings, IntakeMessages } from "../pipeline.types";
import type { BatchMemory, MessageToPlace } from "./place.types";
import { decidePlacement, joinFollowUp, type PlacementDecision } from "./placement-decision";

/**
 * Where one message goes: its thread look-up, then the pure decision, then the two look-ups only some decisions
 * need (the follow-up case a closed case already has; whether the parent of a reply is still in intake).
 */
export async function placeMessage(
  tx: SqlClient,
  { candidate, sender }: MessageToPlace,
  { batch, content }: BatchMemory,
  settings: IngestSettings,
): Promise<PlacementDecision> {
  const { item, analyzed } = candidate;
  const message = analyzed.message;
  const threadMatch = wantsThreadMatch(message, settings.cases)
    ? await matchThread(tx, message, sender.customerId, batch, settings.cases.subjectMatch)
    : null;
  const optOut = message.flags.optOut;
  let decision = decidePlacement(
    {
      threadMatch,
      duplicate: content.duplicateOf(sender.customerId, analyzed),
      similarCase: () =>
        content.similarCase(sender.customerId, analyzed, batch.resolvedChatCase(sender.customerId, message)),
      machineMail: isMachineMail(message),
      optOut,
      receivedAt: message.receivedAt,
      reopenedInBatch: batch.reopened,
    },
    settings.cases,
  );
  if (decision.action === "follow-up") {
    const followUp = await joinExistingFollowUp(tx, batch, decision.match);
    if (followUp) decision = joinFollowUp(followUp);
  }
  if (optOut) batch.optOuts.push({ intakeItemId: item.intakeItemId, identityId: sender.identityId, optOut, message });
  const opensNoCaseYet = decision.action === "open" || decision.action === "skip";
  if (opensNoCaseYet && (await parentStillArriving(tx, item, message, settings.maxAttempts))) {
    throw new TransientError(`message ${message.externalId} waits for the message it replies to, still in intake`);
  }
  return decision;
}

/** Whether the message carries anything a thread could be found by (a subject only when subject matching is on). */
export function wantsThreadMatch(message: CanonicalMessage, cases: Pick<CasesConfig, "subjectMatch">): boolean {
  const { thread } = message;
  if (thread.caseTag || thread.inReplyTo || thread.references.length || thread.conversationId) return true;
  return cases.subjectMatch.enabled && message.channel === "email" && Boolean(message.subject);
}

/**
 * The intake keys of the messages a reply answers, when it may still wait for them: only while attempts remain,
 * and only when the queue runs it. Empty when the reply must be placed now.
 */
export function awaitedParents(
  item: Pick<IntakeMessages, "attempt">,
  message: CanonicalMessage,
  maxAttempts: number | undefined,
): string[] {
  if (item.attempt === undefined || maxAttempts === undefined || item.attempt >= maxAttempts) return [];
  const parents = [message.thread.inReplyTo, ...message.thread.references].filter((id): id is string => Boolean(id));
  // Mail's intake key is its Message-ID as written, with angle brackets; the message's thread ids are without.
  return parents.flatMap((id) => [id, `<${id}>`]);
}

/**
 * A reply whose parent was taken in but is not on a case yet, because another worker's transaction holds it:
 * without waiting, the reply would open a case of its own. The reply is retried (the queue's backoff) while
 * attempts remain; on the last one it opens its case rather than never arriving.
 */
async function parentStillArriving(
  tx: SqlClient,
  item: IntakeMessages,
  message: CanonicalMessage,
  maxAttempts: number | undefined,
): Promise<boolean> {
  const keys = awaitedParents(item, message, maxAttempts);
  if (keys.length === 0) return false;
  return hasUnfinishedIntake(tx, { connectorId: item.connectorId, externalIds: keys, exceptId: item.intakeItemId });
}
