import { caseReplyAddress, ownMessageId, type ReplySecret } from "./reply-address";

/** An address with an optional display name, as nodemailer takes it. */
export interface MailAddress {
  name: string;
  address: string;
}

/** A reply ready for nodemailer's `sendMail` (every field is a nodemailer message option). */
export interface ComposedMail {
  from: MailAddress;
  to: MailAddress;
  replyTo: MailAddress;
  subject: string;
  text: string;
  /** Our own signed Message-ID, with angle brackets. */
  messageId: string;
  /** The customer's Message-ID, with angle brackets; absent when the input had none. */
  inReplyTo?: string;
  /** Message-IDs with angle brackets, oldest first; empty when there is no thread yet. */
  references: string[];
  /** `Auto-Submitted` and `X-Auto-Response-Suppress` on automatic mail, nothing otherwise. */
  headers: Record<string, string>;
}

export interface ComposeReplyInput {
  /** The connector's mailbox: the From address. */
  mailbox: { address: string; displayName?: string };
  caseNumber: number;
  /** The reference in the case tag, e.g. "C-1042" → `[#C-1042]`. */
  caseReference: string;
  /** The subject of the case (the customer's first subject), or null. */
  caseSubject: string | null;
  to: { address: string; name?: string };
  text: string;
  /** The Message-ID of the customer's mail being answered (with or without angle brackets). */
  inReplyTo?: string;
  /** The References of the customer's mail (with or without angle brackets; several ids in one entry are split). */
  references: string[];
  /** Sent by a rule or an auto-acknowledgement rather than typed by an agent. */
  automatic: boolean;
  secret: ReplySecret;
  messageIdDomain: string;
  /** A fresh id of this outgoing mail (e.g. `randomUUID()`), part of its Message-ID. */
  messageUuid: string;
}

/** At most this many ids in References: the thread's root and the newest ones (RFC 5322 §3.6.4). */
export const maxReferences = 20;

/** Thrown by composeReply for automatic mail to a noreply / mailer-daemon / postmaster style address. */
export class NoReplyRecipientError extends Error {
  override name = "NoReplyRecipientError";
  constructor(readonly address: string) {
    super(`automatic mail is never sent to "${address}"`);
  }
}

/** Reply-prefixes as mail clients write them: Re, RE[2], AW (German), Antw/Antwort, SV/VS (Nordic), Odp, Rif, Res. */
const replyPrefix = /^\s*(?:re|aw|antw|antwort|sv|vs|odp|rif|res)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i;

/**
 * The reply to a customer's mail: From the mailbox, Reply-To the signed per-case address, Subject `Re: <subject>
 * [#C-1042]`, threaded on the customer's Message-ID, with our own signed Message-ID. Pure. Throws when `automatic`
 * and the recipient is a noreply-style address (callers check `isNoReplyAddress` first; this is the backstop), and
 * on an unusable mailbox address, case number, message uuid, domain or secret.
 */
export function composeReply(input: ComposeReplyInput): ComposedMail {
  const toAddress = headerSafe(input.to.address);
  if (input.automatic && isNoReplyAddress(toAddress)) throw new NoReplyRecipientError(toAddress);
  const mailboxAddress = headerSafe(input.mailbox.address);
  const mailboxName = headerSafe(input.mailbox.displayName ?? "");
  const inReplyTo = input.inReplyTo === undefined ? undefined : messageIds([input.inReplyTo])[0];
  const mail: ComposedMail = {
    from: { name: mailboxName, address: mailboxAddress },
    to: { name: headerSafe(input.to.name ?? ""), address: toAddress },
    replyTo: { name: mailboxName, address: caseReplyAddress(mailboxAddress, input.caseNumber, input.secret) },
    subject: replySubject(input.caseSubject, input.caseReference),
    text: input.text,
    messageId: ownMessageId(input.caseNumber, input.messageUuid, input.messageIdDomain, input.secret),
    references: threadReferences(input.references, inReplyTo),
    headers: input.automatic ? { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" } : {},
  };
  if (inReplyTo !== undefined) mail.inReplyTo = inReplyTo;
  return mail;
}

/**
 * `Re: <subject> [#C-1042]`: reply prefixes (`Re:`, `AW:`, `Re[2]:`, …) and any copies of this case's tag are taken
 * out first, so replying to our own reply never yields `Re: Re:` or a second tag.
 */
export function replySubject(caseSubject: string | null, caseReference: string): string {
  const tag = `[#${headerSafe(caseReference)}]`;
  let subject = headerSafe(caseSubject ?? "");
  const lowerTag = tag.toLowerCase();
  for (let at = subject.toLowerCase().indexOf(lowerTag); at >= 0; at = subject.toLowerCase().indexOf(lowerTag))
    subject = `${subject.slice(0, at)} ${subject.slice(at + tag.length)}`;
  subject = subject.replace(/\s+/g, " ").trim();
  for (let previous = ""; previous !== subject;) {
    previous = subject;
    subject = subject.replace(replyPrefix, "").trim();
  }
  return subject === "" ? `Re: ${tag}` : `Re: ${subject} ${tag}`;
}

/**
 * True for addresses no automatic mail may go to: noreply / no-reply / do-not-reply / donotreply, mailer-daemon,
 * postmaster, bounce(s) style local parts (also `noreply-…`, `…-noreply`, `bounces+…`, `bounce-…` VERP) — and for
 * anything that is not an address at all.
 */
export function isNoReplyAddress(address: string): boolean {
  const trimmed = address.trim();
  const bare = (/<([^<>]*)>\s*$/.exec(trimmed)?.[1] ?? trimmed).trim().toLowerCase();
  const at = bare.lastIndexOf("@");
  if (at <= 0 || at === bare.length - 1) return true;
  const local = bare.slice(0, at).replace(/^"|"$/g, "");
  const compact = local.replace(/[-_.+=\s]/g, "");
  if (/noreply|donotreply|dontreply|mailerdaemon|postmaster/.test(compact)) return true;
  return local.split(/[-_.+=]/).some((part) => part === "bounce" || part === "bounces");
}

/** Previous references, then the answered id; deduplicated, bracketed, the root and the newest kept. */
function threadReferences(references: string[], inReplyTo: string | undefined): string[] {
  // The answered mail's id goes last even when it already appeared earlier.
  const unique = [...new Set(messageIds(references).filter((id) => id !== inReplyTo))];
  if (inReplyTo !== undefined) unique.push(inReplyTo);
  if (unique.length <= maxReferences) return unique;
  return [unique[0] ?? "", ...unique.slice(unique.length - (maxReferences - 1))];
}

/** `<a@x> b@y` entries → `["<a@x>", "<b@y>"]`; empty and malformed pieces are dropped. */
function messageIds(entries: string[]): string[] {
  const ids: string[] = [];
  for (const entry of entries) {
    const text = entry.replace(/[\r\n]+/g, " ");
    const bracketed = [...text.matchAll(/<([^<>]*)>/g)].map((match) => (match[1] ?? "").replace(/\s+/g, ""));
    const pieces = bracketed.length > 0 ? bracketed : text.split(/\s+/).map((piece) => piece.replace(/^<|>$/g, ""));
    for (const piece of pieces) if (/^[^\s<>()]+$/.test(piece)) ids.push(`<${piece}>`);
  }
  return ids;
}

/** Header values never carry line breaks or control characters. */
function headerSafe(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}
