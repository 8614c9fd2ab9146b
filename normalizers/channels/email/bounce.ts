import type { BounceReport } from "../../canonical-message";
import { normalizeEmail } from "../../identity-values";
import type { HeaderLookup } from "./auto-reply";

/** What bounce detection looks at, already taken out of the parsed mail. */
export interface BounceInput {
  header: HeaderLookup;
  /** Content-Type value (lower-case) and its report-type parameter. */
  contentType: string;
  reportType: string | undefined;
  fromAddress: string | undefined;
  fromName: string | undefined;
  subject: string | null;
  /** The raw mail as latin1 text: DSN fields and embedded headers are ASCII. */
  raw: string;
  /** The bounce's own Message-ID (without brackets), so it is not taken for the original's. */
  ownMessageId: string | undefined;
}

export interface BounceResult {
  report: BounceReport;
  /** Message-ID (without brackets) of the original mail embedded in the bounce, when found. */
  originalMessageId: string | undefined;
}

const bounceSender =
  /^(?:mailer-daemon|mailer_daemon|maildaemon|mail-daemon|postmaster|post_master|mdaemon|bounce|bounces)(?:[+@]|$)/i;
const bounceSenderName = /^(?:mail delivery (?:system|subsystem|service)|mailer-daemon|postmaster|mail administrator)/i;
const bounceSubject =
  /undeliver|undelivered|delivery (?:status|failure|failed|has failed|problem|notification)|returned mail|returned to sender|mail delivery (?:failed|failure|system)|failure notice|could not be delivered|non[- ]?delivery|nondeliverable|delivery incomplete|message not delivered|mail could not|unzustellbar|nicht zustellbar|non remis|no entregado|onbestelbaar|mancato recapito|não entregue|warning: could not send|mail system error|delayed mail/i;
const transientSubject = /delay|warning|still (?:being )?(?:retried|undelivered)|will retry|temporar/i;

/** Null when the mail is not a bounce; otherwise what failed, read from the DSN part or, failing that, the body. */
export function detectBounce(input: BounceInput): BounceResult | null {
  const isDsn = input.contentType === "multipart/report" && input.reportType?.toLowerCase() === "delivery-status";
  const body = bodyOf(input.raw);
  const strong =
    isDsn ||
    input.header("x-failed-recipients") !== undefined ||
    (input.fromAddress !== undefined && bounceSender.test(input.fromAddress)) ||
    (input.fromName !== undefined && /^(?:mailer-daemon|postmaster)$/i.test(input.fromName.trim())) ||
    /^Return-Path:[ \t]*<(?:mailer-daemon|postmaster)@/im.test(input.raw.slice(0, input.raw.length - body.length)) ||
    looksLikeBounceBody(body, input);
  // A bounce-like subject or sender name alone is weak: customers write "my parcel was undelivered". It counts
  // only with a sign of an automatic mail (null sender, Auto-Submitted) or an SMTP status code in the body.
  const weak =
    (input.fromName !== undefined && bounceSenderName.test(input.fromName)) ||
    (input.subject !== null && bounceSubject.test(input.subject));
  if (!strong && !(weak && isAutomatic(body, input))) return null;

  const status = findStatus(body, input.subject);
  return {
    report: {
      recipient: findRecipient(body, input) ?? "",
      status: status.code,
      permanent: status.permanent,
    },
    originalMessageId: findOriginalMessageId(body, input.ownMessageId),
  };
}

/**
 * Bounces without the usual headers: a message/delivery-status part inside another multipart type, a null
 * Return-Path with the original attached, or an Amazon SES bounce notification delivered through SNS.
 */
function looksLikeBounceBody(body: string, input: BounceInput): boolean {
  if (/^Content-Type:[ \t]*message\/delivery-status/im.test(body)) return true;
  const headerBlock = input.raw.slice(0, input.raw.length - body.length);
  const nullSender = /^Return-Path:[ \t]*<\s*>/im.test(headerBlock);
  if (nullSender && /^Content-Type:[ \t]*(?:message\/rfc822|text\/rfc822-headers)/im.test(body)) return true;
  return /\\?"notificationType\\?"\s*:\s*\\?"Bounce/.test(body.slice(0, 100_000));
}

function isAutomatic(body: string, input: BounceInput): boolean {
  const autoSubmitted = input.header("auto-submitted")?.trim().toLowerCase();
  if (autoSubmitted !== undefined && autoSubmitted !== "no") return true;
  if (/^Return-Path:[ \t]*<\s*>/im.test(input.raw.slice(0, input.raw.length - body.length))) return true;
  return /(?:^|\s)(?:[45]\.\d{1,3}\.\d{1,3}|[45][0-9][0-9][ -](?:[45]\.\d|\S*\s*(?:user|mailbox|recipient|address|host|relay|denied|rejected|unknown)))/im.test(
    body.slice(0, 200_000),
  );
}

function bodyOf(raw: string): string {
  const match = /\r?\n\r?\n/.exec(raw);
  return match ? raw.slice(match.index + match[0].length) : "";
}

function findStatus(body: string, subject: string | null): { code: string; permanent: boolean } {
  const dsnStatus = /^Status:[ \t]*([245])\.(\d{1,3})\.(\d{1,3})/im.exec(body);
  const enhanced = dsnStatus ?? /(?:^|[\s(#["])([45])\.(\d{1,3})\.(\d{1,3})(?=[\s).,;:\]"]|$)/m.exec(body);
  if (enhanced) {
    const code = `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}`;
    return { code, permanent: enhanced[1] !== "4" && enhanced[1] !== "2" };
  }
  const smtp = /(?:^|[\s(#])([45])(\d\d)(?=[ -]\S)/m.exec(body);
  if (smtp) return { code: `${smtp[1]}.0.0`, permanent: smtp[1] === "5" };
  // No code anywhere: a final "failure notice" is permanent, a "delayed" warning is not.
  const transient = subject !== null && transientSubject.test(subject);
  return { code: transient ? "4.0.0" : "5.0.0", permanent: !transient };
}

// Bounded parts (RFC 5321 lengths): `[…]+@` rescans a long word from every position, quadratic (0.9 s on 20 KB).
const addressPattern = /[A-Za-z0-9._%+=!#$&'*/?^`{|}~-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}/;

function findRecipient(body: string, input: BounceInput): string | undefined {
  for (const field of [
    /^Final-Recipient:[ \t]*(?:[\w-]+;)?[ \t]*<?([^\s<>;]+)/im,
    /^Original-Recipient:[ \t]*(?:[\w-]+;)?[ \t]*<?([^\s<>;]+)/im,
  ]) {
    const match = field.exec(body);
    const address = match?.[1] ? normalizeEmail(match[1]) : null;
    if (address) return address;
  }
  const ses = /\\?"emailAddress\\?"\s*:\s*\\?"([^"\\]+)/.exec(body);
  const sesAddress = ses?.[1] ? normalizeEmail(ses[1]) : null;
  if (sesAddress) return sesAddress;
  const failed = input.header("x-failed-recipients");
  const fromHeader = failed ? normalizeEmail(failed.split(",")[0] ?? "") : null;
  if (fromHeader) return fromHeader;
  // No DSN part: the first address in the notice that is not the reporting system itself.
  const own = input.fromAddress?.toLowerCase();
  const notice = body.slice(0, 20_000);
  const global = new RegExp(addressPattern.source, "g");
  for (const match of notice.matchAll(global)) {
    const address = normalizeEmail(match[0]);
    if (!address || address === own || bounceSender.test(address)) continue;
    return address;
  }
  return undefined;
}

function findOriginalMessageId(body: string, ownMessageId: string | undefined): string | undefined {
  const pattern = /^Message-ID:[ \t]*(?:\r?\n[ \t]+)?<([^<>\s]+)>/gim;
  for (const match of body.matchAll(pattern)) {
    const id = match[1];
    if (id && id !== ownMessageId) return id;
  }
  return undefined;
}
