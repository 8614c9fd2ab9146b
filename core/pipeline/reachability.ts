import type { IngestPolicy } from "../connector-contract/connector";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { normalizeEmail } from "../../normalizers/identity-values";
import type { SqlClient } from "../kernel/db/database";
import { markEmailsUndeliverable, recordOptOutKeywords } from "../store/customers.store";
import { appendEventRows } from "../store/events.store";
import type { Placement } from "./pipeline.types";

/** A customer's opt-out (STOP) or opt-in (START) keyword, applied to the identity it came from. */
export interface OptOut {
  intakeItemId: string;
  identityId: string;
  optOut: "stop" | "start";
  message: CanonicalMessage;
}

/**
 * An opted-out identity is sent nothing until it opts in again (carriers require it for SMS, and Twilio
 * enforces it on its own numbers). The keyword itself is stored on the case when the conversation has one.
 */
export async function recordOptOuts(tx: SqlClient, optOuts: readonly OptOut[]): Promise<void> {
  if (optOuts.length === 0) return;
  await recordOptOutKeywords(
    tx,
    optOuts.map((optOut) => ({ identityId: optOut.identityId, keyword: optOut.optOut, at: optOut.message.receivedAt })),
  );
}

/**
 * A permanent bounce (5.x.x) stops all mail to the address for the connector's `undeliverableDays`: writing
 * again to a dead mailbox only earns more bounces and hurts the sending domain's reputation.
 */
export async function markUndeliverable(
  tx: SqlClient,
  placements: Placement[],
  policies: ReadonlyMap<string, IngestPolicy>,
): Promise<void> {
  const marks = placements.flatMap((placement) => {
    const { bounce } = placement.message;
    const days = policies.get(placement.connectorId)?.undeliverableDays;
    if (!bounce?.permanent || !bounce.recipient || days === undefined) return [];
    const until = new Date(Date.parse(placement.message.receivedAt) + days * 86_400_000).toISOString();
    return [{ placement, address: normalizeEmail(bounce.recipient), until, status: bounce.status }];
  });
  if (marks.length === 0) return;
  await markEmailsUndeliverable(
    tx,
    marks.map((mark) => ({ address: mark.address, until: mark.until, reason: `permanent bounce ${mark.status}` })),
  );
  await appendEventRows(
    tx,
    marks.map(({ placement, address, until, status }) => ({
      case_id: placement.caseId,
      actor: placement.actor,
      type: "address_undeliverable",
      reason: `permanent delivery failure ${status}: nothing is sent to ${address} until ${until}`,
      data: JSON.stringify({ address, until, status, messageId: placement.id }),
    })),
  );
}
