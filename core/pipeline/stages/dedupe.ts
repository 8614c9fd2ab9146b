import type { SqlClient } from "../../kernel/db/database";
import { senderIdentities } from "../../cases/identities";
import { findStoredIdempotencyKeys } from "../../store/messages.store";
import { inboundMessageKey } from "../idempotency-key";
import type { FreshMessage, IntakeMessages } from "../pipeline.types";

/** What the dedupe stage found: the messages to place, and the keys an earlier run already stored. */
export interface Deduped {
  /** Oldest first, so within a batch a parent is placed before its replies. */
  fresh: FreshMessage[];
  alreadyStored: ReadonlySet<string>;
}

/** Dedupe stage: one query for the idempotency keys of the whole batch, then `freshMessages`. */
export async function dedupe(tx: SqlClient, items: readonly IntakeMessages[]): Promise<Deduped> {
  const keys = items.flatMap((item) =>
    item.messages.map((message) => inboundMessageKey(item.connectorId, message.externalId)),
  );
  const alreadyStored = await findStoredIdempotencyKeys(tx, keys);
  return { fresh: freshMessages(items, alreadyStored), alreadyStored };
}

/**
 * The messages that may go on a case: not stored yet (a redelivery is stored once), real messages (status, edit,
 * delete and reaction updates are applied to the messages they name, and never open cases), and with a sender
 * identity (a message from nobody cannot go on a customer's case). Oldest first, so a parent precedes its replies.
 */
export function freshMessages(items: readonly IntakeMessages[], alreadyStored: ReadonlySet<string>): FreshMessage[] {
  return items
    .flatMap((item) =>
      item.messages.map((message) => ({ item, message, key: inboundMessageKey(item.connectorId, message.externalId) })),
    )
    .filter(
      ({ item, message, key }) =>
        !alreadyStored.has(key) && message.kind === "message" && senderIdentities(message, item.connectorId).length > 0,
    )
    .sort((a, b) => Date.parse(a.message.receivedAt) - Date.parse(b.message.receivedAt));
}
