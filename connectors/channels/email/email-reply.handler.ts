import type { ConnectorConfigOf } from "../../../core/config/connectors.schema";
import { formatCaseNumber } from "../../../core/cases/case-number";
import type { Database } from "../../../core/kernel/db/database";
import { PermanentError } from "../../../core/kernel/errors";
import type { OutboxHandler } from "../../../core/outbox/outbox-dispatcher";
import { refusalReason, sentAutomaticMail } from "./automatic-mail-guard";
import { composeReply, NoReplyRecipientError } from "./reply-composer";
import { createSmtpSender, PermanentDeliveryError, type SmtpSender } from "./smtp-sender";

type EmailConnector = ConnectorConfigOf<"email">;

/**
 * Sends an outbound message on an email case (outbox destination `reply:email`): from the mailbox the
 * customer wrote to, threaded onto the customer's latest mail, with a Message-ID derived from our message's
 * id, so a second delivery after a crash carries the same Message-ID and mail clients drop the copy.
 */
export function createEmailReplyHandler(database: Database, connectors: readonly EmailConnector[]): OutboxHandler {
  const senders = new Map<string, SmtpSender>();
  const senderFor = (connector: EmailConnector, smtp: NonNullable<EmailConnector["smtp"]>): SmtpSender => {
    let sender = senders.get(connector.id);
    if (!sender) {
      sender = createSmtpSender({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        ...(smtp.user && { user: smtp.user }),
        ...(smtp.secret && { pass: smtp.secret }),
      });
      senders.set(connector.id, sender);
    }
    return sender;
  };

  return async (row) => {
    const outbound = await database.prisma.message.findUniqueOrThrow({
      where: { id: String(row.payload["messageId"]) },
      include: { case: { select: { id: true, number: true, subject: true, customerId: true } } },
    });
    // The customer's latest mail: not a bounce from a mail server, which belongs to another sender.
    const answered = await database.prisma.message.findFirst({
      where: {
        caseId: outbound.caseId,
        direction: "in",
        channel: "email",
        identity: { customerId: outbound.case.customerId },
      },
      orderBy: { sentAt: "desc" },
      include: { identity: true, intakeItem: { select: { connectorId: true } } },
    });
    const connector = connectors.find((candidate) => candidate.id === answered?.intakeItem?.connectorId);
    if (!answered?.identity || answered.identity.kind !== "email") {
      throw new PermanentError("the case has no customer email to answer");
    }
    if (!connector?.smtp) throw new PermanentError(`mailbox ${connector?.id ?? "?"} has no smtp section`);
    const recipient = answered.identity;
    const automatic = outbound.automatic || (outbound.flags as { automatic?: boolean }).automatic === true;
    const now = new Date();
    const caps = connector.loopProtection.automaticMailCaps;
    const sent = automatic ? await sentAutomaticMail(database, outbound.caseId, recipient.id, caps, now) : [];
    const refusal = refusalReason(
      {
        identityId: recipient.id,
        address: recipient.value,
        undeliverableUntil: recipient.undeliverableUntil,
        undeliverableReason: recipient.undeliverableReason,
      },
      automatic,
      sent,
      caps,
      now,
    );
    if (refusal) {
      await database.prisma.caseEvent.create({
        data: {
          caseId: outbound.caseId,
          actor: `connector:${connector.id}`,
          type: "reply_not_sent",
          reason: refusal,
          data: { messageId: outbound.id },
        },
      });
      throw new PermanentError(refusal);
    }

    const thread = answered.thread as { references?: string[] };
    let mail;
    try {
      mail = composeReply({
        mailbox: { address: connector.address, ...(connector.displayName && { displayName: connector.displayName }) },
        caseNumber: outbound.case.number,
        caseReference: formatCaseNumber(outbound.case.number),
        caseSubject: outbound.case.subject,
        to: { address: answered.identity.value, ...(answered.identity.name && { name: answered.identity.name }) },
        text: outbound.text,
        // A mail that came without a Message-ID got a content hash as its id: not something to reply to.
        ...(answered.externalId && !answered.externalId.startsWith("sha256-") && { inReplyTo: answered.externalId }),
        references: thread.references ?? [],
        automatic,
        secret: connector.smtp.signingSecret,
        messageIdDomain: connector.parsing.messageIdDomain ?? connector.address.split("@")[1] ?? "localhost",
        messageUuid: outbound.id,
      });
      await senderFor(connector, connector.smtp).send(mail);
    } catch (error) {
      if (error instanceof PermanentDeliveryError || error instanceof NoReplyRecipientError) {
        throw new PermanentError(error.message);
      }
      throw error;
    }
    await database.prisma.$transaction([
      database.prisma.message.update({
        where: { id: outbound.id },
        data: {
          externalId: mail.messageId.replace(/^<|>$/g, ""),
          subject: mail.subject,
          identityId: recipient.id,
          automatic,
          sentAt: now,
        },
      }),
      database.prisma.caseEvent.create({
        data: {
          caseId: outbound.caseId,
          actor: `connector:${connector.id}`,
          type: "reply_sent",
          reason: `sent to ${answered.identity.value}`,
          data: { messageId: outbound.id, emailMessageId: mail.messageId },
        },
      }),
    ]);
  };
}
