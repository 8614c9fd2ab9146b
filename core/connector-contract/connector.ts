import type { IncomingHttpHeaders } from "node:http";
import type { z } from "zod";
import type { CanonicalMessage, Channel, ThreadHints } from "../../normalizers/canonical-message";
import type { PayloadProblem } from "../../normalizers/payload-problem";
import type { Database } from "../kernel/db/database";
import { PermanentError } from "../kernel/errors";
import type { Logger } from "../kernel/logger";
import type { Result } from "../kernel/result";
import type { SignatureVerdict } from "../kernel/security/hmac-signature";
import type { JobQueue } from "../queue/job-queue";

/** An HTTP request as a connector sees it: the exact bytes, for signatures, and the headers. */
export interface InboundRequest {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  receivedAt: Date;
  /** Query parameters (first value of each). */
  query: Record<string, string>;
  /**
   * The URL the vendor called, as far as the hub knows it: `server.publicUrl` + the path and query the server saw,
   * or, without `server.publicUrl`, the scheme and Host header of the request itself. Vendors that sign the URL
   * (Twilio) are checked against this, never against what a proxy forwarded.
   */
  url: string;
}

/** A response the vendor expects instead of the hub's JSON receipt (a handshake challenge, an empty TwiML). */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** One item to write to the intake log; a request may carry several (Meta batches, arrays of form entries). */
export interface IntakeCandidate {
  externalId: string;
  rawBody: string;
  /** The item's own channel when one connector serves several (Meta: WhatsApp, Messenger, Instagram). */
  channel?: Channel;
}

/** A stored intake item handed back to the connector's normalizer by the worker. */
export interface StoredIntake {
  rawBody: string;
  receivedAt: Date;
  /** What the connector recorded beside the body (e.g. `encoding: "base64"` for raw mail). */
  meta: Record<string, unknown>;
}

export type { PayloadProblem } from "../../normalizers/payload-problem";

/** What every entry of `connectors:` has, whatever its type; each type's schema adds the rest. */
export interface ConnectorConfigBase {
  id: string;
  type: string;
}

/** What a raw file read by `plaint parse` normalizes to, or why it cannot. */
export type ParsedMessages = Result<CanonicalMessage[], PayloadProblem>;

/**
 * A connector is a declaration: its type, its config schema and the few functions the hub calls. It is
 * registered once, in the connector registry; the hub binds each configured entry to it and hands the result to the
 * HTTP edge, the worker, the pollers and the outbox, which never name a connector type. `normalize`, `http` and
 * `maskRawBody` are pure (no I/O), so they are tested from real payload files; the hub does the storing.
 */
export interface ConnectorDefinition<Config extends ConnectorConfigBase = ConnectorConfigBase> {
  type: Config["type"];
  /** The channel of its messages; an intake item may name another one (Meta serves three). */
  channel: Channel;
  /** Validates the connector's entry in the config; the config loader derives `connectors:` from these. */
  configSchema: z.ZodType<Config>;
  /**
   * Cross-field problems zod cannot see in one value, checked on the raw entry even when the schema fails, so
   * one run reports everything. Paths are relative to the entry.
   */
  checkConfig?(entry: unknown): ConfigEntryProblem[];
  /** For connectors that are sent HTTP requests (webhooks). */
  http?: HttpIntake<Config>;
  /** For connectors that fetch their messages (an IMAP mailbox); run where the workers run, one process each. */
  poller?(config: Config, context: PollerContext): Poller;
  /** Replies to customers on this connector's channels. */
  reply?: ReplyChannel<Config>;
  /** What the pipeline does for this connector's messages beyond placing them; absent: nothing more. */
  ingestPolicy?(config: Config): IngestPolicy;
  /**
   * The intake log's raw body with personal data masked by `redact`, in the same encoding, for bodies where masking
   * the raw text would miss it (form-encoded, base64 mail). Absent: `redact` is applied to the raw text.
   */
  maskRawBody?(
    item: Pick<StoredIntake, "rawBody" | "meta">,
    redact: (text: string) => string,
  ): string | Promise<string>;
  /** Turns one stored intake item into canonical messages (asynchronous where the parser is, as for MIME). */
  normalize(config: Config, item: StoredIntake): ParsedMessages | Promise<ParsedMessages>;
  /** How `plaint parse` reads a saved raw file of this type. */
  rawFiles?: RawFileReading;
}

/** A config problem found by a connector's own check, at a path inside its entry. */
export interface ConfigEntryProblem {
  path: (string | number)[];
  message: string;
  hint: string;
}

/** How `plaint parse` reads a saved raw file (a mail, a webhook body) of a connector's type. */
export interface RawFileReading {
  /** Names `--channel` may use for this type besides the type itself (`slack` for slack-customer). */
  aliases?: readonly string[];
  /** Without `--channel`, files ending so are of this type (`.eml`); the one with `fallback` takes the rest. */
  extensions?: readonly string[];
  fallback?: boolean;
  /** The intake item a raw file becomes, as this connector's intake stores it. Default: the bytes as UTF-8. */
  stored?(raw: Buffer): Pick<StoredIntake, "rawBody" | "meta">;
  /** Reads a file with the vendor's defaults when no connector of this type is configured. */
  standalone?(raw: Buffer): ParsedMessages | Promise<ParsedMessages>;
}

/** What a poller is given: where to write what it fetched, and where to say what it did. */
export interface PollerContext {
  database: Database;
  queue: Pick<JobQueue, "enqueue">;
  logger: Logger;
}

/** A running intake that fetches (an IMAP connection); started once this process is elected to run it. */
export interface Poller {
  start(): void;
  stop(): Promise<void>;
}

/** How an HTTP connector takes a request in. */
export interface HttpIntake<Config> {
  /** Authenticity of the request. Called before anything is stored. */
  verify(config: Config, request: InboundRequest): SignatureVerdict;
  /**
   * Splits a verified request into intake items, or says what is wrong with it. An empty list is a request that
   * carries nothing to keep (a handshake, a ping); the hub answers it with `answer` or 200.
   */
  accept(config: Config, request: InboundRequest): Result<IntakeCandidate[], PayloadProblem>;
  /** What to answer a verified, accepted request when the vendor expects more than a 2xx (Slack's challenge). */
  answer?(config: Config, request: InboundRequest): HttpAnswer | undefined;
  /**
   * `GET` on the connector's URL: a subscription handshake (Meta's `hub.challenge`). Without it, GET is 405.
   * Runs before any signature check, so it must check its own token.
   */
  handshake?(config: Config, request: InboundRequest): HttpAnswer;
}

/** What the pipeline does for a connector's messages beyond placing them on cases. */
export interface IngestPolicy {
  /** A text sent automatically on every case this connector's messages open (placeholders: {case} {name} {subject}). */
  acknowledgement?: string;
  /** A permanent delivery failure reported through this connector blocks the address for this many days. */
  undeliverableDays: number;
}

/** A reply on a case, as a connector's sender gets it. */
export interface OutboundReply {
  /** Our message's id: the same on every retry, so it can serve as the vendor's idempotency key. */
  messageId: string;
  channel: Channel;
  /** The customer on that channel: an email address, an E.164 number, a page-scoped id, a Slack user id. */
  to: string;
  /** The customer's name as their identity knows it. */
  toName: string | null;
  text: string;
  automatic: boolean;
  /** The case, for senders that show it (a mail's subject tag and per-case reply address). */
  case: { number: number; subject: string | null };
  /** The channel's id of the customer's latest message, for vendors that thread or quote replies. */
  inReplyTo?: string;
  /** That message's own thread hints (a Slack reply goes into the thread the customer's message is in). */
  answeredThread?: ThreadHints;
  /** The chat the customer wrote in (a Slack channel, a pair of numbers). */
  conversationId?: string;
}

/** What the vendor said of a sent reply. */
export interface SentReply {
  /** The vendor's id of the sent message, which its status callbacks will name (a mail's Message-ID). */
  externalId: string;
  /** The subject the message went out with, where the channel has one. */
  subject?: string;
  /** More for the `reply_sent` event, beside the message id and the external id. */
  eventData?: Record<string, unknown>;
}

/** The automatic messages already sent to a reply's case or its recipient, for senders that cap them. */
export interface SentAutomaticMessage {
  sameCase: boolean;
  sameRecipient: boolean;
  sentAt: Date;
}

/** What the outbox knows about a reply's recipient and case, for a sender's own reasons to hold it. */
export interface ReplyHistory {
  /** Undeliverable until then (a permanent bounce), with the reason the bounce gave. */
  undeliverableUntil: Date | null;
  undeliverableReason: string | null;
  /** Automatic messages sent to the case or the recipient within the last `minutes`. */
  automaticSentWithin(minutes: number): Promise<SentAutomaticMessage[]>;
}

/** How a connector answers customers on its channel(s). */
export interface ReplyChannel<Config> {
  /** The canonical channels it sends on (Twilio: sms and whatsapp; Meta: whatsapp, messenger, instagram). */
  channels: readonly Channel[];
  /**
   * The vendor reports delivery statuses (delivered, read, failed) for sent messages: a sent reply starts as
   * `sent` and its callbacks move it on. Mail has no such reports.
   */
  reportsDelivery?: boolean;
  /** Why this configured connector cannot send at all (a mailbox without an smtp section), or null. */
  unableToSend?(config: Config): string | null;
  /**
   * Hours after the customer's last message during which free text may be sent (WhatsApp and Meta: 24), or
   * undefined for no limit. Outside it the reply is not sent and the case says why.
   */
  customerWindowHours?(config: Config, channel: Channel): number | undefined;
  /**
   * The sender's own reason not to send this reply (automatic-mail caps, no-reply addresses), or null. Opt-outs,
   * undeliverable addresses and the customer window are checked by the outbox for every connector.
   */
  holdReason?(config: Config, reply: OutboundReply, history: ReplyHistory): Promise<string | null>;
  /**
   * Sends the reply. Throws PermanentError when no retry can help, anything else to be retried by the outbox.
   */
  send(config: Config, reply: OutboundReply): Promise<SentReply>;
}

/**
 * Identity factory: keeps the config type flowing from the zod schema into every function, and the type literal
 * into the registry, which checks each key against it.
 */
export function defineConnector<Config extends ConnectorConfigBase>(
  definition: ConnectorDefinition<Config>,
): ConnectorDefinition<Config> {
  return definition;
}

/** The first value of a header, whatever its case (Node lower-cases incoming header names). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The vendor refused a message because the recipient opted out (Twilio 21610): nothing more is sent to them. */
export class RecipientOptedOutError extends PermanentError {
  override readonly name = "RecipientOptedOutError";
}
