import type { CanonicalMessage } from "../../normalizers/canonical-message";
import type { MessageRow } from "../store/messages.store";
import type { Placement } from "./pipeline.types";

/** Mail written by machines about other mail: auto-replies, bounces, abuse reports. */
export function isMachineMail(message: CanonicalMessage): boolean {
  return message.flags.autoReply || message.flags.bounce || message.flags.abuseReport;
}

/** The stored row of an inbound message. */
export function messageRow(placement: Placement): MessageRow {
  const { message } = placement;
  return {
    id: placement.id,
    idempotency_key: placement.key,
    direction: "in",
    channel: message.channel,
    external_id: message.externalId,
    case_id: placement.caseId,
    identity_id: placement.identityId,
    intake_item_id: placement.intakeItemId,
    subject: message.subject,
    text: message.text,
    full_text: message.fullText,
    thread: JSON.stringify(message.thread),
    conversation_id: message.thread.conversationId ?? null,
    attachments: JSON.stringify(message.attachments),
    flags: JSON.stringify(message.flags),
    kind: message.kind,
    classification: placement.analyzed.classification ? JSON.stringify(placement.analyzed.classification) : null,
    text_hash: placement.analyzed.fingerprint,
    duplicate_of_id: placement.duplicateOf,
    redactions: JSON.stringify(placement.analyzed.redactions),
    original: placement.analyzed.original ? JSON.stringify(placement.analyzed.original) : null,
    automatic: false,
    sent_at: message.receivedAt,
  };
}
