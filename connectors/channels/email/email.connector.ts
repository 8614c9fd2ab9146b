import { createHash } from "node:crypto";
import { formatCaseNumber } from "../../../core/cases/case-number";
import {
  defineConnector,
  type ConfigEntryProblem,
  type StoredIntake,
} from "../../../core/connector-contract/connector";
import { ok } from "../../../core/kernel/result";
import type { CanonicalMessage } from "../../../normalizers/canonical-message";
import { isOwnMail, normalizeEmailMessage } from "../../../normalizers/channels/email/email.normalizer";
import { emailReply } from "./email-reply";
import { emailConnectorConfigSchema, emailParsingSchema, type EmailConnectorConfig } from "./email.schema";
import { ImapIntake } from "./imap-intake";
import { parseCaseReplyAddress, parseOwnMessageId } from "./reply-address";
import { maskRawMail } from "./mask-raw-mail";

/**
 * Email: mail is fetched from an IMAP mailbox by its poller, `ImapIntake` (no HTTP part), and stored raw,
 * base64-encoded, in the intake log. The normalizer turns it into a canonical message; our own mail coming back
 * becomes no message at all, so its intake item ends `ignored`. Replies go out through the mailbox's SMTP server.
 */
export const emailConnector = defineConnector({
  type: "email",
  channel: "email",
  configSchema: emailConnectorConfigSchema,
  checkConfig: acknowledgementProblems,

  poller: (config, context) =>
    new ImapIntake({
      connectorId: config.id,
      mailbox: config.imap,
      database: context.database,
      queue: context.queue,
      logger: context.logger,
    }),

  reply: emailReply,

  ingestPolicy(config) {
    return {
      // Without an SMTP server there is nothing to send it with (config validation says so too).
      ...(config.acknowledgement.enabled && config.smtp && { acknowledgement: config.acknowledgement.text }),
      undeliverableDays: config.loopProtection.undeliverableDays,
    };
  },

  async maskRawBody(item, redact) {
    const raw = rawMail(item);
    const hashId = `sha256-${createHash("sha256").update(raw).digest("hex")}`;
    const masked = await maskRawMail(raw, hashId, redact);
    return item.meta["encoding"] === "base64" ? masked.toString("base64") : masked.toString("utf8");
  },

  async normalize(config, item) {
    const parsed = await normalizeEmailMessage(rawMail(item), config.parsing, item.receivedAt);
    if (!parsed.ok) return parsed;
    if (isOwnMail(parsed.value, config.parsing)) return ok([]);
    return ok([withSignedCaseTag(parsed.value, config)]);
  },

  rawFiles: {
    extensions: [".eml"],
    // As the IMAP intake stores mail: its exact bytes, base64-encoded.
    stored: (raw) => ({ rawBody: raw.toString("base64"), meta: { encoding: "base64" } }),
    standalone: async (raw) => {
      const parsed = await normalizeEmailMessage(raw, emailParsingSchema.parse({}), new Date());
      return parsed.ok ? ok([parsed.value]) : parsed;
    },
  },
});

/** An acknowledgement is mail: a mailbox without an SMTP server could never send it. */
function acknowledgementProblems(entry: unknown): ConfigEntryProblem[] {
  const fields = entry as { acknowledgement?: { enabled?: unknown }; smtp?: unknown } | null;
  if (fields?.acknowledgement?.enabled !== true || fields.smtp !== undefined) return [];
  return [
    {
      path: ["acknowledgement", "enabled"],
      message: "acknowledgements need an SMTP server to be sent through",
      hint: "add an smtp: section to this connector, or set enabled: false",
    },
  ];
}

/**
 * The case a reply points at through what we signed when we wrote to the customer: the per-case Reply-To address
 * it was sent to, or our Message-ID in its In-Reply-To / References. Both survive a customer who edits the subject
 * or a mail client that drops it; a forged signature points nowhere.
 */
export function withSignedCaseTag(message: CanonicalMessage, config: EmailConnectorConfig): CanonicalMessage {
  if (message.thread.caseTag || !config.smtp) return message;
  const secret = config.smtp.signingSecret;
  const domain = config.parsing.messageIdDomain ?? config.address.split("@")[1] ?? "";
  const byAddress = [...message.to, ...message.cc]
    .map((party) => (party.address ? parseCaseReplyAddress(party.address, secret) : null))
    .find((caseNumber) => caseNumber !== null);
  if (byAddress != null) return tagged(message, byAddress, "reply-address");
  const byMessageId = [message.thread.inReplyTo, ...message.thread.references]
    .map((id) => (id && domain ? parseOwnMessageId(id, domain, secret)?.caseNumber : undefined))
    .find((caseNumber) => caseNumber !== undefined);
  return byMessageId !== undefined ? tagged(message, byMessageId, "message-id") : message;
}

function tagged(
  message: CanonicalMessage,
  caseNumber: number,
  source: "reply-address" | "message-id",
): CanonicalMessage {
  return { ...message, thread: { ...message.thread, caseTag: formatCaseNumber(caseNumber), caseTagSource: source } };
}

/** The mail's exact bytes: stored base64 because mail may hold 8-bit text in any charset, or NUL bytes. */
export function rawMail(item: Pick<StoredIntake, "rawBody" | "meta">): Buffer {
  return item.meta["encoding"] === "base64" ? Buffer.from(item.rawBody, "base64") : Buffer.from(item.rawBody, "utf8");
}
