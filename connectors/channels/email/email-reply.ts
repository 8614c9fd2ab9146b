import type { ReplyChannel } from "../../../core/connector-contract/connector";
import { formatCaseNumber } from "../../../core/cases/case-number";
import { PermanentError } from "../../../core/kernel/errors";
import { capsWindowMinutes, refusalReason } from "./automatic-mail-guard";
import type { EmailConnectorConfig } from "./email.schema";
import { composeReply, NoReplyRecipientError } from "./reply-composer";
import { createSmtpSender, PermanentDeliveryError, type SmtpSender } from "./smtp-sender";

/**
 * Replies by mail (outbox destination `reply:email`): from the mailbox the customer wrote to, threaded onto the
 * customer's latest mail, with a Message-ID derived from our message's id, so a second delivery after a crash
 * carries the same Message-ID and mail clients drop the copy.
 */
export const emailReply: ReplyChannel<EmailConnectorConfig> = {
  channels: ["email"],

  unableToSend: (config) => (config.smtp ? null : `mailbox ${config.id} has no smtp section`),

  async holdReason(config, reply, history) {
    const caps = config.loopProtection.automaticMailCaps;
    const sent = reply.automatic ? await history.automaticSentWithin(capsWindowMinutes(caps)) : [];
    const recipient = {
      address: reply.to,
      undeliverableUntil: history.undeliverableUntil,
      undeliverableReason: history.undeliverableReason,
    };
    return refusalReason(recipient, reply.automatic, sent, caps, new Date());
  },

  async send(config, reply) {
    const smtp = config.smtp;
    if (!smtp) throw new PermanentError(`mailbox ${config.id} has no smtp section`);
    const thread = reply.answeredThread;
    try {
      const mail = composeReply({
        mailbox: { address: config.address, ...(config.displayName && { displayName: config.displayName }) },
        caseNumber: reply.case.number,
        caseReference: formatCaseNumber(reply.case.number),
        caseSubject: reply.case.subject,
        to: { address: reply.to, ...(reply.toName && { name: reply.toName }) },
        text: reply.text,
        // A mail that came without a Message-ID got a content hash as its id: not something to reply to.
        ...(reply.inReplyTo && !reply.inReplyTo.startsWith("sha256-") && { inReplyTo: reply.inReplyTo }),
        references: thread?.references ?? [],
        automatic: reply.automatic,
        secret: smtp.signingSecret,
        messageIdDomain: config.parsing.messageIdDomain ?? config.address.split("@")[1] ?? "localhost",
        messageUuid: reply.messageId,
      });
      await senderFor(config).send(mail);
      return {
        externalId: mail.messageId.replace(/^<|>$/g, ""),
        subject: mail.subject,
        eventData: { emailMessageId: mail.messageId },
      };
    } catch (error) {
      if (error instanceof PermanentDeliveryError || error instanceof NoReplyRecipientError) {
        throw new PermanentError(error.message);
      }
      throw error;
    }
  },
};

/** One SMTP transport (and its connection pool) per configured mailbox, for the life of the process. */
const senders = new WeakMap<EmailConnectorConfig, SmtpSender>();
function senderFor(config: EmailConnectorConfig): SmtpSender {
  let sender = senders.get(config);
  if (!sender && config.smtp) {
    const { smtp } = config;
    sender = createSmtpSender({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user && { user: smtp.user }),
      ...(smtp.secret && { pass: smtp.secret }),
    });
    senders.set(config, sender);
  }
  if (!sender) throw new PermanentError(`mailbox ${config.id} has no smtp section`);
  return sender;
}
