import type { IncomingHttpHeaders } from "node:http";
import { PermanentError } from "../kernel/errors";
import type { z } from "zod";
import type { Result } from "../kernel/result";
import type { SignatureVerdict } from "../kernel/security/hmac-signature";
import type { CanonicalMessage, Channel, ThreadHints } from "../../normalizers/canonical-message";

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

/** Why a payload was refused: a human sentence and where in the payload. */
export interface PayloadProblem {
  path: string;
  message: string;
}

/**
 * A connector is a declaration: its type, its config schema and the few functions the hub calls.
 * Functions are pure (no I/O) so they can be tested from real payload files; the hub does the storing.
 */
export interface ConnectorDefinition<Config extends { id: string }> {
  type: string;
  channel: Channel;
  configSchema: z.ZodType<Config>;
  /** For connectors that are sent HTTP requests (webhooks); mail is fetched by a poller instead. */
  http?: HttpIntake<Config>;
  /** Replies to customers on this connector's channels; email has its own (threading headers, SMTP). */
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
  normalize(
    config: Config,
    item: StoredIntake,
  ): Result<CanonicalMessage[], PayloadProblem> | Promise<Result<CanonicalMessage[], PayloadProblem>>;
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
  /** The customer on that channel: an E.164 number, a WhatsApp number, a page-scoped id, a Slack user id. */
  to: string;
  text: string;
  automatic: boolean;
  /** The channel's id of the customer's latest message, for vendors that thread or quote replies. */
  inReplyTo?: string;
  /** That message's own thread hints (a Slack reply goes into the thread the customer's message is in). */
  answeredThread?: ThreadHints;
  /** The chat the customer wrote in (a Slack channel, a pair of numbers). */
  conversationId?: string;
}

/** How a connector answers customers on its channel(s). */
export interface ReplyChannel<Config> {
  /** The canonical channels it sends on (Twilio: sms and whatsapp; Meta: whatsapp, messenger, instagram). */
  channels: readonly Channel[];
  /**
   * Hours after the customer's last message during which free text may be sent (WhatsApp and Meta: 24), or
   * undefined for no limit. Outside it the reply is not sent and the case says why.
   */
  customerWindowHours?(config: Config, channel: Channel): number | undefined;
  /**
   * Sends the reply; returns the vendor's id of the sent message, which its status callbacks will name. Throws
   * PermanentError when no retry can help, anything else to be retried by the outbox.
   */
  send(config: Config, reply: OutboundReply): Promise<{ externalId: string }>;
}

/** Identity factory: keeps the config type flowing from the zod schema into every function. */
export function defineConnector<Config extends { id: string }>(
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
