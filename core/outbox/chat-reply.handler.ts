import { connectorFor, type AnyConnectorConfig } from "../../connectors/registry";
import type { Channel, ThreadHints } from "../../normalizers/canonical-message";
import type { Database } from "../kernel/db/database";
import { PermanentError } from "../kernel/errors";
import { RecipientOptedOutError } from "../connector-contract/connector";
import type { OutboxHandler } from "./outbox-dispatcher";

/** The channels a configured connector can answer on, other than email (which has its own handler). */
export function chatReplyChannels(connectors: readonly AnyConnectorConfig[]): Set<Channel> {
  return new Set(connectors.flatMap((connector) => connectorFor(connector).reply?.channels ?? []));
}

/**
 * Sends an outbound message on a chat case (outbox destinations `reply:sms`, `reply:whatsapp`, `reply:messenger`,
 * `reply:instagram`, `reply:slack`) through the connector the customer last wrote through, to the identity they
 * wrote from. Held, with a `reply_not_sent` event saying why, when the customer opted out, when the address is
 * undeliverable, or outside the channel's customer-service window; the vendor's message id is stored so its
 * status callbacks find the message.
 */
export function createChatReplyHandler(database: Database, connectors: readonly AnyConnectorConfig[]): OutboxHandler {
  return async (row) => {
    const outbound = await database.prisma.message.findUniqueOrThrow({
      where: { id: String(row.payload["messageId"]) },
      include: { case: { select: { customerId: true, channel: true } } },
    });
    const answered = await database.prisma.message.findFirst({
      where: { caseId: outbound.caseId, direction: "in", identity: { customerId: outbound.case.customerId } },
      orderBy: { sentAt: "desc" },
      include: { identity: true, intakeItem: { select: { connectorId: true } } },
    });
    const connector = connectors.find((candidate) => candidate.id === answered?.intakeItem?.connectorId);
    const reply = connector ? connectorFor(connector).reply : undefined;
    if (!answered?.identity || !connector || !reply?.channels.includes(answered.channel as Channel)) {
      throw new PermanentError("the case has no customer message on a channel that can be answered");
    }
    const recipient = answered.identity;
    const channel = answered.channel as Channel;
    const now = new Date();
    const refuse = async (reason: string): Promise<never> => {
      await database.prisma.caseEvent.create({
        data: {
          caseId: outbound.caseId,
          actor: `connector:${connector.id}`,
          type: "reply_not_sent",
          reason,
          data: { messageId: outbound.id },
        },
      });
      throw new PermanentError(reason);
    };
    if (recipient.optedOutAt) await refuse(`${recipient.value} opted out on ${recipient.optedOutAt.toISOString()}`);
    if (recipient.undeliverableUntil && recipient.undeliverableUntil > now) {
      await refuse(`${recipient.value} is undeliverable until ${recipient.undeliverableUntil.toISOString()}`);
    }
    const windowHours = reply.customerWindowHours?.(connector, channel);
    if (windowHours !== undefined && now.getTime() - answered.sentAt.getTime() > windowHours * 3_600_000) {
      await refuse(
        `the customer last wrote on ${answered.sentAt.toISOString()}: outside ${channel}'s ${windowHours}-hour ` +
          "customer-service window, only an approved template may be sent",
      );
    }

    const sending = reply.send(connector, {
      messageId: outbound.id,
      channel,
      to: recipient.value,
      text: outbound.text,
      automatic: outbound.automatic,
      ...(answered.externalId && { inReplyTo: answered.externalId }),
      answeredThread: answered.thread as unknown as ThreadHints,
      ...(answered.conversationId && { conversationId: answered.conversationId }),
    });
    const sent = await sending.catch(async (error: unknown) => {
      // The vendor knows of an opt-out we missed (sent from another system, or before Plaint): record it.
      if (error instanceof RecipientOptedOutError) {
        await database.prisma.identity.update({ where: { id: recipient.id }, data: { optedOutAt: now } });
        await refuse(`${recipient.value} opted out (${error.message})`);
      }
      throw error;
    });
    await database.prisma.$transaction([
      database.prisma.message.update({
        where: { id: outbound.id },
        data: { externalId: sent.externalId, identityId: recipient.id, deliveryStatus: "sent", sentAt: now },
      }),
      database.prisma.caseEvent.create({
        data: {
          caseId: outbound.caseId,
          actor: `connector:${connector.id}`,
          type: "reply_sent",
          reason: `sent to ${recipient.value} by ${channel}`,
          data: { messageId: outbound.id, externalId: sent.externalId },
        },
      }),
    ]);
  };
}
