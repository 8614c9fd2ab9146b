/**
 * The canonical message: every channel's input becomes this shape, and `plaint parse` prints it.
 * Field names are a public contract (PRODUCT.md): add fields, never rename them.
 */
export const channels = ["email", "sms", "whatsapp", "messenger", "instagram", "slack", "webhook"] as const;
export type Channel = (typeof channels)[number];

export const messageKinds = ["message", "status", "edit", "delete", "reaction"] as const;
/** Only `message` may open or join a case; the others update an existing message. */
export type MessageKind = (typeof messageKinds)[number];

export interface Party {
  address?: string;
  phone?: string;
  handle?: string;
  name?: string;
}

export interface Attachment {
  filename: string;
  contentType: string;
  size: number;
}

export interface ThreadHints {
  inReplyTo?: string;
  references: string[];
  caseTag?: string;
  /** Where the case tag came from: the subject, our signed per-case reply address, or our signed Message-ID. */
  caseTagSource?: "subject" | "reply-address" | "message-id";
}

export interface MessageFlags {
  autoReply: boolean;
  bounce: boolean;
  abuseReport: boolean;
  spam: boolean;
  edit: boolean;
  delete: boolean;
  status: boolean;
}

export interface BounceReport {
  recipient: string;
  status: string;
  permanent: boolean;
}

export interface CanonicalMessage {
  channel: Channel;
  /** The channel's own id of the message (Message-ID, SmsMessageSid, wamid, Slack ts, webhook id…). */
  externalId: string;
  from: Party;
  to: Party[];
  cc: Party[];
  subject: string | null;
  /** The new text only: quoted history and signature removed. */
  text: string;
  /** The whole text body. */
  fullText: string;
  attachments: Attachment[];
  thread: ThreadHints;
  /** ISO 8601 timestamp. */
  receivedAt: string;
  flags: MessageFlags;
  bounce?: BounceReport;
  kind: MessageKind;
}

export const noFlags: MessageFlags = Object.freeze({
  autoReply: false,
  bounce: false,
  abuseReport: false,
  spam: false,
  edit: false,
  delete: false,
  status: false,
});
