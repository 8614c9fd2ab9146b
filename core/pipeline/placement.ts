import type { CanonicalMessage } from "../../normalizers/canonical-message";
import type { Continuation } from "../cases/continuation";
import type { MessageRow } from "./case-rows";
import type { AnalyzedMessage } from "./message-analysis";

/** A message that will be stored, and the case it goes to. */
export interface Placement {
  id: string;
  key: string;
  /** As stored: personal data masked. */
  message: CanonicalMessage;
  analyzed: AnalyzedMessage;
  /** The earlier message this one repeats word for word, when it joined that message's case for it. */
  duplicateOf: string | null;
  intakeItemId: string;
  connectorId: string;
  actor: string;
  identityId: string;
  caseId: string;
  /** How the message found (or did not find) its case. */
  via: Continuation;
}

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
