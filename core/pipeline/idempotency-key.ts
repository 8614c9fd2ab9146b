/**
 * The one place message idempotency keys are computed. The key is enforced twice: by the unique index on
 * messages.idempotency_key, and by the queue job id (the intake item id, itself unique on connector + external id).
 * Redeliveries by a channel therefore never create a second message.
 */
export function inboundMessageKey(connectorId: string, externalId: string): string {
  return `in:${connectorId}:${externalId}`;
}

/** Key of an outbox side effect: one per destination, event and subject. */
export function outboxKey(destinationId: string, event: string, subjectId: string): string {
  return `${destinationId}:${event}:${subjectId}`;
}

/** External id of a payload that was refused before it had a trustworthy id of its own. */
export function rejectedPayloadId(sha256Hex: string): string {
  return `rejected:${sha256Hex}`;
}
