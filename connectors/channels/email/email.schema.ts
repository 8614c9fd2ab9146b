import { z } from "zod";
import { emailParsingSchema, type EmailParsingConfig } from "../../../normalizers/channels/email/email-parsing.schema";

export { emailParsingSchema, type EmailParsingConfig };

/** What to do with a mail in the mailbox once the intake log has it. */
export const afterIntakeActions = ["mark-seen", "move", "leave"] as const;

/** The IMAP mailbox a connector reads. */
export const imapMailboxSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(993),
  /** Implicit TLS (port 993). With false, STARTTLS is used when the server offers it. */
  tls: z.boolean().default(true),
  user: z.string().min(1),
  /** Password or app password; write `${ENV_VAR}`. */
  secret: z.string().min(1),
  folder: z.string().min(1).default("INBOX"),
  afterIntake: z.enum(afterIntakeActions).default("mark-seen"),
  /** Target folder when `afterIntake` is `move`. */
  moveTo: z.string().min(1).optional(),
  /** On the first connection, mails older than this (ISO date) are not backfilled. */
  since: z.iso.date().optional(),
  /** Seconds between polls when the server has no IDLE. */
  pollSeconds: z.number().int().min(1).default(60),
  /**
   * Mails fetched per IMAP round trip and written to the intake log per transaction; the cursor advances after
   * each batch. Larger batches take a backlog faster and hold more mail in memory (default 100).
   */
  batchSize: z.number().int().min(1).max(1000).optional(),
});

/** The SMTP server replies are sent through. Without it, replies on this mailbox's cases are refused. */
export const smtpServerSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** Implicit TLS (port 465). With false, STARTTLS is used when the server offers it. */
  secure: z.boolean().default(false),
  user: z.string().min(1).optional(),
  /** Password; write `${ENV_VAR}`. */
  secret: z.string().min(1).optional(),
  /** Signs per-case reply addresses and our Message-IDs, so replies thread back and cannot be forged. */
  signingSecret: z.string().min(16, "use a signing secret of at least 16 characters"),
});

/** An automatic first answer to every new case from this mailbox, sent with `Auto-Submitted: auto-replied`. */
export const acknowledgementSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** `{case}` becomes the case reference (C-1042), `{name}` the customer's name or address, `{subject}` theirs. */
  text: z
    .string()
    .min(1)
    .default(
      "Hello {name},\n\nthank you for your message. It is now case {case}, and we will answer as soon as we can.\n" +
        "Please keep [#{case}] in the subject when you write about it again.",
    ),
});

/**
 * Zammad's caps on automatic mail, per case and per recipient: at most `count` within `minutes`. Beyond them
 * nothing automatic is sent, which ends any loop with a robot that answers every mail.
 */
export const defaultAutomaticMailCaps = [
  { count: 10, minutes: 10 },
  { count: 15, minutes: 30 },
  { count: 25, minutes: 60 },
  { count: 50, minutes: 180 },
  { count: 100, minutes: 600 },
];

/** What protects the mailbox (and the customers) from loops and from writing to dead addresses. */
export const loopProtectionSchema = z.strictObject({
  automaticMailCaps: z
    .array(z.strictObject({ count: z.number().int().min(1), minutes: z.number().int().min(1) }))
    .default(() => defaultAutomaticMailCaps),
  /** After a permanent bounce (5.x.x), nothing is sent to that address for this many days. */
  undeliverableDays: z.number().positive().default(7),
});

export const emailConnectorConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes"),
  type: z.literal("email"),
  /** The address customers write to; replies are sent from it. */
  address: z.email(),
  /** Shown as the sender's name on replies. */
  displayName: z.string().min(1).optional(),
  imap: imapMailboxSchema,
  smtp: smtpServerSchema.optional(),
  parsing: emailParsingSchema.prefault({}),
  acknowledgement: acknowledgementSchema.prefault({}),
  loopProtection: loopProtectionSchema.prefault({}),
});

export type EmailConnectorConfig = z.infer<typeof emailConnectorConfigSchema>;
export type ImapMailboxConfig = z.infer<typeof imapMailboxSchema>;
export type LoopProtectionConfig = z.infer<typeof loopProtectionSchema>;
export type SmtpServerConfig = z.infer<typeof smtpServerSchema>;
