import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed tokens that tie a mail to a case: a per-case reply address (`support+c1042.<sig>@example.com`) and our own
 * Message-IDs (`<c1042.<uuid>.<sig>@domain>`). The signature is the first 10 characters of an HMAC-SHA256, lower-case
 * base32 (50 bits), so the tokens survive mail systems that change the case of addresses and cannot be forged
 * without the secret. Parsing never throws on foreign input; it answers null.
 */

const signatureLength = 10;
const base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
/** Case numbers are written without leading zeros; 15 digits stay within Number.MAX_SAFE_INTEGER. */
const caseNumberDigits = /^(?:0|[1-9]\d{0,14})$/;
/** The per-case tag after the last `+` of the local part. */
const replyTagPattern = /^c(\d{1,15})\.([a-z2-7]{10})$/;
/** Our Message-ID, without angle brackets. */
const messageIdPattern = /^c(\d{1,15})\.([A-Za-z0-9_-]{1,64})\.([a-z2-7]{10})@(.+)$/;
/** A message uuid (any id that is safe inside a Message-ID and contains no dot). */
const messageUuidPattern = /^[A-Za-z0-9_-]{1,64}$/;
/** A dot-atom local part and a domain: the mailbox addresses the reply address can be made from. */
const localPartPattern = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const domainPattern = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
/** RFC 5321: at most 64 octets in a local part. */
const maxLocalPartLength = 64;

export type ReplySecret = string | Buffer;

/** `support@example.com` + 1042 → `support+c1042.<sig>@example.com`. Throws on an unusable mailbox, number or secret. */
export function caseReplyAddress(mailboxAddress: string, caseNumber: number, secret: ReplySecret): string {
  const { local, domain } = splitMailbox(mailboxAddress);
  const number = caseNumberText(caseNumber);
  const tagged = `${local}+c${number}.${sign(secret, "reply-address", number)}`;
  if (tagged.length > maxLocalPartLength)
    throw new RangeError(`the reply address local part "${tagged}" is longer than ${maxLocalPartLength} characters`);
  return `${tagged}@${domain}`;
}

/**
 * The case number of a per-case reply address, or null when the address carries no tag or its signature is wrong.
 * Accepts a bare address or `Name <address>`; the signature covers the case number only, so the tag still counts when
 * an alias or forward rewrote the mailbox part of the address.
 */
export function parseCaseReplyAddress(address: string, secret: ReplySecret): number | null {
  assertSecret(secret);
  const bare = bareAddress(address);
  const at = bare.lastIndexOf("@");
  if (at <= 0) return null;
  const local = bare.slice(0, at);
  const plus = local.lastIndexOf("+");
  if (plus < 0) return null;
  const match = replyTagPattern.exec(local.slice(plus + 1).toLowerCase());
  const digits = match?.[1];
  const signature = match?.[2];
  if (digits === undefined || signature === undefined || !caseNumberDigits.test(digits)) return null;
  return signaturesEqual(signature, sign(secret, "reply-address", digits)) ? Number(digits) : null;
}

/** Our own Message-ID for a mail of a case: `<c1042.<uuid>.<sig>@domain>` (with angle brackets). */
export function ownMessageId(caseNumber: number, messageUuid: string, domain: string, secret: ReplySecret): string {
  const number = caseNumberText(caseNumber);
  if (!messageUuidPattern.test(messageUuid))
    throw new RangeError(`message uuid "${messageUuid}" must be 1-64 letters, digits, "-" or "_"`);
  const host = domain.trim();
  if (!domainPattern.test(host)) throw new RangeError(`"${domain}" is not a Message-ID domain`);
  return `<c${number}.${messageUuid}.${sign(secret, "message-id", `${number}:${messageUuid}`)}@${host}>`;
}

/**
 * The case of one of our own Message-IDs (with or without angle brackets), or null when it is not ours: another
 * domain (compared case-insensitively), another shape, or a wrong signature.
 */
export function parseOwnMessageId(
  id: string,
  domain: string,
  secret: ReplySecret,
): { caseNumber: number; messageUuid: string } | null {
  assertSecret(secret);
  const bare = id.trim().replace(/^<(.*)>$/s, "$1");
  const match = messageIdPattern.exec(bare);
  if (!match) return null;
  const [, digits, messageUuid, signature, host] = match;
  if (digits === undefined || messageUuid === undefined || signature === undefined || host === undefined) return null;
  if (host.toLowerCase() !== domain.trim().toLowerCase() || !caseNumberDigits.test(digits)) return null;
  if (!signaturesEqual(signature, sign(secret, "message-id", `${digits}:${messageUuid}`))) return null;
  return { caseNumber: Number(digits), messageUuid };
}

/** The first 10 base32 characters of HMAC-SHA256(secret, "plaint:<purpose>:v1:<payload>"). */
function sign(secret: ReplySecret, purpose: "reply-address" | "message-id", payload: string): string {
  assertSecret(secret);
  const digest = createHmac("sha256", secret).update(`plaint:${purpose}:v1:${payload}`).digest();
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < signatureLength) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31] ?? "";
      bits -= 5;
    }
    value &= 0xff;
    if (out.length >= signatureLength) break;
  }
  return out;
}

function signaturesEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function assertSecret(secret: ReplySecret): void {
  if (secret.length === 0) throw new RangeError("the reply signing secret is empty");
}

function caseNumberText(caseNumber: number): string {
  if (!Number.isSafeInteger(caseNumber) || caseNumber < 0)
    throw new RangeError(`case number ${caseNumber} is not a non-negative integer`);
  const text = String(caseNumber);
  if (!caseNumberDigits.test(text)) throw new RangeError(`case number ${caseNumber} has more than 15 digits`);
  return text;
}

function splitMailbox(mailboxAddress: string): { local: string; domain: string } {
  const bare = bareAddress(mailboxAddress);
  const at = bare.lastIndexOf("@");
  const local = bare.slice(0, Math.max(at, 0));
  const domain = bare.slice(at + 1);
  if (at <= 0 || !localPartPattern.test(local) || !domainPattern.test(domain))
    throw new RangeError(`"${mailboxAddress}" is not a plain mailbox address`);
  return { local, domain };
}

function bareAddress(address: string): string {
  const trimmed = address.trim();
  const bracketed = /<([^<>]*)>\s*$/.exec(trimmed);
  return (bracketed?.[1] ?? trimmed).trim();
}
