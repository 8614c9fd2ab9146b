import type { Channel, ThreadHints } from "../../normalizers/canonical-message";
import {
  RecipientOptedOutError,
  type ConnectorConfigBase,
  type OutboundReply,
  type ReplyChannel,
  type ReplyHistory,
  type SentAutomaticMessage,
  type SentReply,
} from "../connector-contract/connector";
import type { ConfiguredConnector, ConnectorSet } from "../connector-contract/connector-set";
import type { Database } from "../kernel/db/database";
import { PermanentError } from "../kernel/errors";
import { markIdentityOptedOut } from "../store/customers.store";
import { appendEvent } from "../store/events.store";
import {
  findAutomaticSentSince,
  findLatestCustomerMessage,
  findOutboundMessage,
  markReplySent,
} from "../store/replies.store";
import type { OutboxHandler } from "./outbox-dispatcher";
import { hubHoldReason } from "./reply-hold";

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
    const target = await replyTarget(database, connectors, row.destination, outbound);
    const { connector, reply, answered, recipient, channel } = target;
    const now = new Date();
    const refuse = (reason: string) => refuseReply(database, outbound, connector.id, reason);

    const hubHold = hubHoldReason(
      recipient,
      channel,
      answered.sentAt,
      reply.customerWindowHours?.(connector.config, channel),
      now,
    );
    if (hubHold) await refuse(hubHold);
    const outboundReply = outboundReplyOf(outbound, target);
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
    await recordSent(database, outboundReply, target, sent, now);
  };
}

type OutboundMessage = Awaited<ReturnType<typeof findOutboundMessage>>;

/** Where a reply goes: the connector, the customer's message it answers, and the identity that wrote it. */
interface ReplyTarget {
  connector: ConfiguredConnector;
  reply: ReplyChannel<ConnectorConfigBase>;
  answered: NonNullable<Awaited<ReturnType<typeof findLatestCustomerMessage>>>;
  recipient: NonNullable<NonNullable<Awaited<ReturnType<typeof findLatestCustomerMessage>>>["identity"]>;
  channel: Channel;
  caseId: string;
}

/**
 * The customer's latest message on a channel the connectors answering on the row's channel send on (a mail reply
 * answers the latest mail, a WhatsApp reply through Twilio the latest SMS or WhatsApp message), and the connector
 * it came through, which must be able to send.
 */
async function replyTarget(
  database: Database,
  connectors: ConnectorSet,
  destination: string,
  outbound: OutboundMessage,
): Promise<ReplyTarget> {
  const rowChannel = destination.replace(/^reply:/, "");
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
  const channel = answered.channel as Channel;
  return { connector, reply, answered, recipient: answered.identity, channel, caseId: outbound.caseId };
}

/** The reply as the connector's sender gets it. */
function outboundReplyOf(outbound: OutboundMessage, target: ReplyTarget): OutboundReply {
  const { answered, recipient, channel } = target;
  return {
    messageId: outbound.id,
    channel,
    to: recipient.value,
    toName: recipient.name,
    text: outbound.text,
    automatic: outbound.automatic || (outbound.flags as { automatic?: boolean }).automatic === true,
    case: { number: outbound.case.number, subject: outbound.case.subject },
    ...(answered.externalId && { inReplyTo: answered.externalId }),
    answeredThread: answered.thread as unknown as ThreadHints,
    ...(answered.conversationId && { conversationId: answered.conversationId }),
  };
}

/** Records why a reply is held, then stops the outbox retrying it. */
async function refuseReply(
  database: Database,
  outbound: OutboundMessage,
  connectorId: string,
  reason: string,
): Promise<never> {
  await appendEvent(database, {
    caseId: outbound.caseId,
    actor: `connector:${connectorId}`,
    type: "reply_not_sent",
    reason,
    data: { messageId: outbound.id },
  });
  throw new PermanentError(reason);
}

/** The message is sent and its trail says so, together or not at all. */
async function recordSent(
  database: Database,
  reply: OutboundReply,
  target: ReplyTarget,
  sent: SentReply,
  now: Date,
): Promise<void> {
  await database.transaction(async (tx) => {
    await markReplySent(tx, {
      messageId: reply.messageId,
      externalId: sent.externalId,
      identityId: target.recipient.id,
      automatic: reply.automatic,
      sentAt: now,
      subject: sent.subject,
      deliveryStatus: target.reply.reportsDelivery ? "sent" : null,
    });
    await appendEvent(tx, {
      caseId: target.caseId,
      actor: `connector:${target.connector.id}`,
      type: "reply_sent",
      reason: `sent to ${target.recipient.value} by ${target.channel}`,
      data: { messageId: reply.messageId, externalId: sent.externalId, ...sent.eventData },
    });
  });
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
