import { randomUUID } from "node:crypto";
import { placedConversationKey, placedKey, placedSubjectKey } from "../../cases/thread-match";
import { normalizeSubject } from "../../cases/subject";
import { isMachineMail } from "../placement";
import type { Placement } from "../pipeline.types";
import type { BatchMemory, MessageToPlace, Placed } from "./place.types";
import { continuationOf, type PlacementDecision } from "./placement-decision";

/** A decision that stores the message. */
export type Placing = Exclude<PlacementDecision, { action: "skip" }>;

/**
 * Puts a placed message on its case in the batch's memory: the placement to store, the case it opens, and what the
 * later messages of the batch must find (its thread keys, its text for repeats and similarity). No I/O.
 */
export function recordPlacement(
  decision: Placing,
  { candidate, sender }: MessageToPlace,
  memory: BatchMemory,
  placed: Placed,
): Placement {
  const { item, key, analyzed } = candidate;
  const caseId = caseFor(decision, { candidate, sender }, memory, placed);
  const placement: Placement = {
    id: randomUUID(),
    key,
    message: analyzed.message,
    analyzed,
    duplicateOf: decision.action === "join" ? decision.duplicateOf : null,
    intakeItemId: item.intakeItemId,
    connectorId: item.connectorId,
    actor: `connector:${item.connectorId}`,
    identityId: sender.identityId,
    caseId,
    via: continuationOf(decision),
  };
  remember(placement, sender.customerId, memory);
  placed.placements.push(placement);
  return placement;
}

/** The joined case, or the id of the case the message opens (a follow-up one linked to the closed case). */
function caseFor(decision: Placing, { candidate, sender }: MessageToPlace, { batch }: BatchMemory, placed: Placed) {
  const { analyzed } = candidate;
  if (decision.action === "join") {
    // Machine mail and repeats leave the case as it was: no reopening, no new activity for the subject window.
    if (!decision.quiet) batch.joined(decision.match.caseId, decision.reopen, analyzed.classification);
    return decision.match.caseId;
  }
  const caseId = randomUUID();
  const followUpOf = decision.action === "follow-up" ? decision.match.caseId : null;
  if (followUpOf) batch.followUps.set(followUpOf, caseId);
  placed.newCases.push({
    id: caseId,
    customerId: sender.customerId,
    customerIsNew: sender.isNew === true,
    connectorId: candidate.item.connectorId,
    message: analyzed.message,
    analyzed,
    followUpOf,
    openNote: decision.action === "open" ? decision.note : null,
  });
  return caseId;
}

/** What later messages of the batch find: the message by id, subject and chat, and its text (never machine mail's). */
function remember(placement: Placement, customerId: string, { batch, content }: BatchMemory): void {
  const { message, analyzed, caseId } = placement;
  const machineMail = isMachineMail(message);
  const newCase = placement.via.action !== "join";
  const conversation = message.thread.conversationId;
  const placedCase = { caseId, customerId, status: newCase ? "new" : "open", conversationId: conversation };
  batch.placed.set(placedKey(message.channel, message.externalId), placedCase);
  const topic = message.channel === "email" ? normalizeSubject(message.subject) : "";
  if (topic && !machineMail) batch.placed.set(placedSubjectKey(customerId, topic), placedCase);
  if (conversation) batch.placed.set(placedConversationKey(customerId, conversation), placedCase);
  if (machineMail) return;
  const category = analyzed.classification?.category ?? null;
  content.remember(customerId, analyzed, {
    caseId,
    messageId: placement.id,
    status: placedCase.status,
    newCase,
    category,
  });
}
