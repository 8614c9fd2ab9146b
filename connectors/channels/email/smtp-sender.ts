import nodemailer, { type SendMailOptions } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { ComposedMail } from "./reply-composer";

export interface SmtpSenderOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465). With false, STARTTLS is used when the server offers it. */
  secure: boolean;
  user?: string;
  /** Password or app password; only with `user`. */
  pass?: string;
  /** Time for the TCP connection and for the server's greeting; default 30 s. */
  connectionTimeoutMs?: number;
  /** Inactivity timeout once connected; default 120 s. */
  socketTimeoutMs?: number;
  /** Keep connections open between sends (nodemailer's pool); `close()` ends them. Default false. */
  pool?: boolean;
}

export interface SendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** What both nodemailer SMTP transports report for a sent mail. */
interface SentInfo {
  messageId: string;
  accepted: unknown[];
  rejected: unknown[];
  response: string;
}

export interface SmtpSender {
  send(mail: ComposedMail): Promise<SendResult>;
  close(): void;
}

/** What the SMTP exchange told about a failure: nodemailer's code (`EENVELOPE`, `ECONNECTION`, …) and the reply. */
interface DeliveryErrorDetails {
  /** Nodemailer's error code, or the system code (`ECONNREFUSED`) when that is all there is; "UNKNOWN" otherwise. */
  code: string;
  /** The SMTP reply code (550, 451, …) when the server answered one. */
  responseCode: number | undefined;
  /** The server's reply line. */
  response: string | undefined;
  /** The SMTP command that failed (`RCPT TO`, `DATA`, `CONN`, …). */
  command: string | undefined;
  /** Recipients the server refused. */
  rejected: string[];
}

/** A failed delivery with what the SMTP exchange said; the subclass says whether retrying can help. */
abstract class DeliveryError extends Error implements DeliveryErrorDetails {
  readonly code: string;
  readonly responseCode: number | undefined;
  readonly response: string | undefined;
  readonly command: string | undefined;
  readonly rejected: string[];
  constructor(message: string, details: DeliveryErrorDetails, cause?: unknown) {
    super(message, { cause });
    ({
      code: this.code,
      responseCode: this.responseCode,
      response: this.response,
      command: this.command,
      rejected: this.rejected,
    } = details);
  }
}

/** Sending this mail again will not help: a 5xx reply, or every recipient refused with 5xx. The outbox gives up. */
export class PermanentDeliveryError extends DeliveryError {
  override name = "PermanentDeliveryError";
}

/** Worth another try later: a 4xx reply, a refused / dropped / timed-out connection, failed authentication. */
export class TransientDeliveryError extends DeliveryError {
  override name = "TransientDeliveryError";
}

/**
 * Nodemailer error codes of a mail that can never go as it is (no recipients, bad content). Everything else without
 * an SMTP reply code — connection, DNS, TLS, timeouts, protocol trouble, unknown errors — counts as transient.
 */
const permanentCodes = new Set(["EENVELOPE", "EMESSAGE", "EMAXRECIPIENTS", "EFILEACCESS", "EURLACCESS", "ECONFIG"]);

/**
 * A thin SMTP sender over nodemailer. `send` resolves with the accepted / rejected recipients (a partial rejection
 * is not an error), and rejects with `PermanentDeliveryError` or `TransientDeliveryError` only.
 */
export function createSmtpSender(options: SmtpSenderOptions): SmtpSender {
  const connectionTimeout = options.connectionTimeoutMs ?? 30_000;
  const base: SMTPTransport.Options = {
    host: options.host,
    port: options.port,
    secure: options.secure,
    connectionTimeout,
    greetingTimeout: connectionTimeout,
    socketTimeout: options.socketTimeoutMs ?? 120_000,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(options.user === undefined ? {} : { auth: { user: options.user, pass: options.pass ?? "" } }),
  };
  const transport =
    options.pool === true ? nodemailer.createTransport({ ...base, pool: true } satisfies SMTPPool.Options) : undefined;
  const single = transport === undefined ? nodemailer.createTransport(base) : undefined;
  const sendMail = async (message: SendMailOptions): Promise<SentInfo> =>
    transport !== undefined ? transport.sendMail(message) : (single as NonNullable<typeof single>).sendMail(message);

  return {
    async send(mail) {
      try {
        const info = await sendMail({
          from: mail.from,
          to: mail.to,
          replyTo: mail.replyTo,
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
          ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo }),
          ...(mail.references.length === 0 ? {} : { references: mail.references }),
          headers: mail.headers,
        });
        const accepted = info.accepted.map(addressText);
        const rejected = info.rejected.map(addressText);
        if (accepted.length === 0)
          throw new PermanentDeliveryError("all recipients were rejected", {
            code: "EENVELOPE",
            responseCode: undefined,
            response: info.response,
            command: "RCPT TO",
            rejected,
          });
        return { messageId: info.messageId, accepted, rejected };
      } catch (error) {
        throw classifyDeliveryError(error);
      }
    },
    close() {
      transport?.close();
      single?.close();
    },
  };
}

/** Any error from sending → PermanentDeliveryError or TransientDeliveryError (those pass through unchanged). */
export function classifyDeliveryError(error: unknown): PermanentDeliveryError | TransientDeliveryError {
  if (error instanceof PermanentDeliveryError || error instanceof TransientDeliveryError) return error;
  const fields = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  const code = text(fields.code) ?? text(fields.originalCode) ?? "UNKNOWN";
  const rejectedErrors = Array.isArray(fields.rejectedErrors) ? (fields.rejectedErrors as unknown[]) : [];
  const responseCodes = rejectedErrors
    .map((item) => (typeof item === "object" && item !== null ? (item as Record<string, unknown>).responseCode : null))
    .filter((value): value is number => typeof value === "number");
  const responseCode = typeof fields.responseCode === "number" ? fields.responseCode : responseCodes[0];
  const details: DeliveryErrorDetails = {
    code,
    responseCode,
    response: text(fields.response),
    command: text(fields.command),
    rejected: Array.isArray(fields.rejected) ? (fields.rejected as unknown[]).map(addressText) : [],
  };
  const message = `SMTP delivery failed: ${error instanceof Error ? error.message : String(error)}`;
  // A deferred recipient among the refused ones makes the whole attempt worth repeating.
  const deferred = responseCodes.some((value) => value >= 400 && value < 500);
  // A refused login is the configuration, not the mail: retry once the credentials are fixed.
  if (code === "EAUTH" || code === "ENOAUTH" || code === "EOAUTH2")
    return new TransientDeliveryError(message, details, error);
  if (responseCode !== undefined && responseCode >= 500 && !deferred)
    return new PermanentDeliveryError(message, details, error);
  if (responseCode !== undefined && responseCode >= 400) return new TransientDeliveryError(message, details, error);
  if (permanentCodes.has(code) && responseCode === undefined)
    return new PermanentDeliveryError(message, details, error);
  return new TransientDeliveryError(message, details, error);
}

function addressText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) {
    const address = (value as Record<string, unknown>).address;
    if (typeof address === "string") return address;
  }
  return String(value);
}
