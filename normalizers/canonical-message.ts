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
  /** Bytes; 0 when the channel does not say (chat media fetched later). */
  size: number;
  /** Where the channel serves the content (Twilio MediaUrl), when it gives a URL. */
  url?: string;
  /** The channel's id of the media (Meta media id, Slack file id), fetched through its API. */
  mediaId?: string;
}

export interface ThreadHints {
  inReplyTo?: string;
  references: string[];
  caseTag?: string;
  /** Where the case tag came from: the subject, our signed per-case reply address, or our signed Message-ID. */
  caseTagSource?: "subject" | "reply-address" | "message-id";
  /**
   * The long-lived conversation a chat message belongs to (a Slack channel, a WhatsApp chat between two numbers):
   * not a case by itself, since one chat carries many complaints over time.
   */
  conversationId?: string;
}

/** What a non-message update (`kind` status, edit, delete, reaction) says about an earlier message. */
export interface MessageUpdate {
  /** The channel's id of the message updated: ours for delivery statuses, the customer's for edits and reactions. */
  targetExternalId: string;
  /** Delivery state of an outbound message, for `kind: "status"`. */
  status?: "queued" | "sent" | "delivered" | "read" | "failed" | "undelivered";
  /** The vendor's error code and text when a delivery failed. */
  error?: string;
  /** The emoji for `kind: "reaction"`; empty when the reaction was removed. */
  reaction?: string;
}

export interface SharedLocation {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

export interface SharedContact {
  name: string;
  phones: string[];
  emails: string[];
}

export interface MessageFlags {
  autoReply: boolean;
  bounce: boolean;
  abuseReport: boolean;
  spam: boolean;
  edit: boolean;
  delete: boolean;
  status: boolean;
  /** The message is an opt-out (`stop`) or opt-in (`start`) keyword: the sender's identity changes state. */
  optOut?: "stop" | "start";
}

/** Customer attributes priority weighs: tier and segment names, deal size in the company's currency. */
export interface CustomerFacts {
  tier?: string;
  segment?: string;
  dealSize?: number;
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
  /** For every kind but `message`: which message it updates and how. Edits carry the new text in `text`. */
  update?: MessageUpdate;
  location?: SharedLocation;
  contacts?: SharedContact[];
  /** The button or list item a customer picked (interactive replies); `text` holds its title. */
  choice?: { id: string; title: string };
  /** Where a chat started from (a Meta ad or post referral): the vendor's fields as given. */
  referral?: Record<string, string>;
  /** What the sending system knows about the customer (a webhook's mapped fields), stored on the customer. */
  customer?: CustomerFacts;
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
