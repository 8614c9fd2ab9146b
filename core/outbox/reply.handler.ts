import type { Channel, ThreadHints } from "../../normalizers/canonical-message";
import { RecipientOptedOutError, type ReplyHistory, type SentAutomaticMessage } from "../connector-contract/connector";
import type { ConnectorSet } from "../connector-contract/connector-set";
import type { Database } from "../kernel/db/database";
import { PermanentError } from "../kernel/errors";
import { markIdentityOptedOut } from "../store/customers.store";
import { appendEvent } from "../store/events.store";
import {
  findAutomaticSentSince,
  findLatestCustomerMessage,
  findOutboundMessage,
  markReplySent,
} from "../store/messages.store";
import type { OutboxHandler } from "./outbox-dispatcher";

/**
 * Sends an outbound message of a case (outbox destinations `reply:<channel>`: `reply:email`, `reply:sms`,
 * `reply:whatsapp`, …) through the connector the customer last wrote through on a channel that connector answers
 * on, to the identity they wrote from. Held, with a `reply_not_sent` event saying why, when the customer opted out,
 * when the address is undeliverable, outside the channel's customer-service window, or for the connector's own
 * reasons (automatic-mail caps); the vendor's message id is stored so its status callbacks find the message.
 */
export function createReplyHandler(database: Database, connectors: ConnectorSet): OutboxHandler {
  return async (row) => {
    const outbound = await findOutboundMessage(database.prisma, String(row.payload["messageId"]));
    // The channels the connectors answering on this row's channel send on: a mail reply answers the customer's
    // latest mail, a WhatsApp reply through Twilio their latest SMS or WhatsApp message.
    const rowChannel = row.destination.replace(/^reply:/, "");
    const families = new Set(connectors.answering(rowChannel).flatMap((c) => c.definition.reply?.channels ?? []));
    const answered = await findLatestCustomerMessage(database.prisma, {
      caseId: outbound.caseId,
      customerId: outbound.case.customerId,
      channels: [...families],
    });
    const connector = answered?.intakeItem ? connectors.get(answered.intakeItem.connectorId) : undefined;
    const reply = connector?.definition.reply;
    if (!answered?.identity || !connector || !reply?.channels.includes(answered.channel as Channel)) {
      throw new PermanentError("the case has no customer message on a channel that can be answered");
    }
    const unable = reply.unableToSend?.(connector.config);
    if (unable) throw new PermanentError(unable);
    const recipient = answered.identity;
    const channel = answered.channel as Channel;
    const automatic = outbound.automatic || (outbound.flags as { automatic?: boolean }).automatic === true;
    const now = new Date();
    const refuse = async (reason: string): Promise<never> => {
      await appendEvent(database, {
        caseId: outbound.caseId,
        actor: `connector:${connector.id}`,
        type: "reply_not_sent",
        reason,
        data: { messageId: outbound.id },
      });
      throw new PermanentError(reason);
    };
    if (recipient.optedOutAt) await refuse(`${recipient.value} opted out on ${recipient.optedOutAt.toISOString()}`);
    if (recipient.undeliverableUntil && recipient.undeliverableUntil > now) {
      const why = recipient.undeliverableReason ? ` (${recipient.undeliverableReason})` : "";
      await refuse(`${recipient.value} is undeliverable until ${recipient.undeliverableUntil.toISOString()}${why}`);
    }
    const windowHours = reply.customerWindowHours?.(connector.config, channel);
    if (windowHours !== undefined && now.getTime() - answered.sentAt.getTime() > windowHours * 3_600_000) {
      await refuse(
        `the customer last wrote on ${answered.sentAt.toISOString()}: outside ${channel}'s ${windowHours}-hour ` +
          "customer-service window, only an approved template may be sent",
      );
    }

    const outboundReply = {
      messageId: outbound.id,
      channel,
      to: recipient.value,
      toName: recipient.name,
      text: outbound.text,
      automatic,
      case: { number: outbound.case.number, subject: outbound.case.subject },
      ...(answered.externalId && { inReplyTo: answered.externalId }),
      answeredThread: answered.thread as unknown as ThreadHints,
      ...(answered.conversationId && { conversationId: answered.conversationId }),
    };
    const history: ReplyHistory = {
      undeliverableUntil: recipient.undeliverableUntil,
      undeliverableReason: recipient.undeliverableReason,
      automaticSentWithin: (minutes) => automaticSentWithin(database, outbound.caseId, recipient.id, minutes, now),
    };
    const held = await reply.holdReason?.(connector.config, outboundReply, history);
    if (held) await refuse(held);

    const sent = await reply.send(connector.config, outboundReply).catch(async (error: unknown) => {
      // The vendor knows of an opt-out we missed (sent from another system, or before Plaint): record it.
      if (error instanceof RecipientOptedOutError) {
        await markIdentityOptedOut(database.prisma, recipient.id, now);
        await refuse(`${recipient.value} opted out (${error.message})`);
      }
      throw error;
    });
    // The message is sent and its trail says so, together or not at all.
    await database.transaction(async (tx) => {
      await markReplySent(tx, {
        messageId: outbound.id,
        externalId: sent.externalId,
        identityId: recipient.id,
        automatic,
        sentAt: now,
        subject: sent.subject,
        deliveryStatus: reply.reportsDelivery ? "sent" : null,
      });
      await appendEvent(tx, {
        caseId: outbound.caseId,
        actor: `connector:${connector.id}`,
        type: "reply_sent",
        reason: `sent to ${recipient.value} by ${channel}`,
        data: { messageId: outbound.id, externalId: sent.externalId, ...sent.eventData },
      });
    });
  };
}

/** The automatic messages sent to the case or the recipient within the last `minutes`, for connectors' caps. */
async function automaticSentWithin(
  database: Database,
  caseId: string,
  identityId: string,
  minutes: number,
  now: Date,
): Promise<SentAutomaticMessage[]> {
  if (minutes <= 0) return [];
  return findAutomaticSentSince(database, { caseId, identityId, since: new Date(now.getTime() - minutes * 60_000) });
}
