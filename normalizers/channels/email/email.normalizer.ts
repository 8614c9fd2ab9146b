import { createHash } from "node:crypto";
import { simpleParser, type AddressObject, type EmailAddress, type HeaderValue, type ParsedMail } from "mailparser";
import type { EmailParsingConfig } from "./email-parsing.schema";
import { err, ok, type Result } from "../../../core/kernel/result";
import { noFlags, type Attachment, type CanonicalMessage, type Party } from "../../canonical-message";
import { normalizeEmail } from "../../identity-values";
import { isAutoReply, type HeaderLookup } from "./auto-reply";
import { detectBounce } from "./bounce";
import { bodyText, withNotes } from "./body-text";
import { stripQuotedText } from "./quote-stripping";

/** Why a mail could not be normalised: `path` names the part that failed ("" for the whole mail). */
export interface EmailProblem {
  path: string;
  message: string;
}

/** An attachment of a mail; inline parts (CID images) say so. */
export interface EmailAttachment extends Attachment {
  inline?: true;
}

/**
 * Raw RFC 5322 mail → canonical message. Pure apart from mailparser: never throws. `receivedAt` is the time the hub
 * took the mail in, used when the Date header is missing or invalid.
 *
 * Time and memory are bounded by the `parsing` limits (README, "Limits"): a mail over `maxMessageBytes`, with a
 * header block over `maxHeaderBytes` or more than `maxMimeParts` parts is refused with a reason naming the key; a
 * body over `maxHtmlChars`, `maxHtmlDepth` or `maxTextChars` is cut, and its text ends with a `[Plaint: …]` line
 * naming the key. Everything past those checks is linear in the size of the mail, so no separate worker or timeout:
 * mailparser itself is linear on the hostile inputs measured (its own stress files, 25 MB bodies, 999 nested
 * multiparts, 800 KB address headers), and the superlinear steps were ours (HTML depth, regular expressions) and are
 * bounded here. A worker with `resourceLimits` would have cost a copy of every mail across threads for a risk the
 * limits already close.
 */
export async function normalizeEmailMessage(
  raw: Buffer | string,
  parsing: EmailParsingConfig,
  receivedAt: Date,
): Promise<Result<CanonicalMessage, EmailProblem>> {
  try {
    const size = typeof raw === "string" ? Buffer.byteLength(raw) : raw.length;
    if (size > parsing.maxMessageBytes)
      return err({
        path: "",
        message: `mail is ${size} bytes, larger than parsing.maxMessageBytes (${parsing.maxMessageBytes}); not parsed`,
      });
    let caseTag: RegExp;
    try {
      caseTag = new RegExp(parsing.caseTagPattern);
    } catch (error) {
      return err({
        path: "parsing.caseTagPattern",
        message: `invalid regular expression (${(error as Error).message})`,
      });
    }
    const buffer = typeof raw === "string" ? Buffer.from(raw) : raw;
    const parsed = await simpleParser(buffer, {
      // Only what the canonical message uses: our own HTML conversion (with its limits), no links, no checksums.
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      checksumAlgo: false,
      maxHeadSize: parsing.maxHeaderBytes,
      maxChildNodes: parsing.maxMimeParts,
    });
    return ok(toCanonical(parsed, buffer, parsing, caseTag, receivedAt));
  } catch (error) {
    return err({ path: "", message: parseFailure(error, parsing) });
  }
}

/** mailparser's limit errors (code EMAXLEN) named by the config key that sets the limit. */
function parseFailure(error: unknown, parsing: EmailParsingConfig): string {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as { code?: unknown } | null)?.code === "EMAXLEN") {
    if (/header/i.test(message))
      return `a MIME part's header block is larger than parsing.maxHeaderBytes (${parsing.maxHeaderBytes}); not parsed`;
    if (/child nodes/i.test(message))
      return `mail has more MIME parts than parsing.maxMimeParts (${parsing.maxMimeParts}); not parsed`;
  }
  return `mail could not be parsed (${message})`;
}

/** True for our own mail coming back: sent from one of `ownAddresses`, or carrying a Message-ID of our domain. */
export function isOwnMail(
  message: Pick<CanonicalMessage, "from" | "externalId">,
  parsing: Pick<EmailParsingConfig, "ownAddresses" | "messageIdDomain">,
): boolean {
  const from = message.from.address;
  if (from && parsing.ownAddresses.some((own) => normalizeEmail(own) === from)) return true;
  const domain = parsing.messageIdDomain?.trim().toLowerCase();
  if (!domain) return false;
  const at = message.externalId.lastIndexOf("@");
  return at >= 0 && message.externalId.slice(at + 1).toLowerCase() === domain;
}

function toCanonical(
  parsed: ParsedMail,
  raw: Buffer,
  parsing: EmailParsingConfig,
  caseTag: RegExp,
  receivedAt: Date,
): CanonicalMessage {
  const header = headerLookup(parsed);
  const subject = parsed.subject !== undefined && parsed.subject.trim() !== "" ? parsed.subject : null;
  const messageId = firstId(parsed.messageId);
  const from = fromParty(parsed.from, header("from"));
  const body = bodyText(parsed, parsing);
  const contentType = parsed.headers.get("content-type");
  const contentTypeValue = structured(contentType);

  const thread: CanonicalMessage["thread"] = { references: allIds(parsed.references) };
  const inReplyTo = firstId(parsed.inReplyTo);
  if (inReplyTo) thread.inReplyTo = inReplyTo;
  const tag = subject === null ? null : caseTag.exec(subject);
  if (tag?.[1]) thread.caseTag = tag[1];

  const flags = { ...noFlags };
  flags.autoReply = isAutoReply(header, subject);
  flags.spam = /^\s*yes\b/i.test(header("x-spam-flag") ?? "");
  flags.abuseReport =
    contentTypeValue.value === "multipart/report" && contentTypeValue.params["report-type"] === "feedback-report";

  const bounce = detectBounce({
    header,
    contentType: contentTypeValue.value,
    reportType: contentTypeValue.params["report-type"],
    fromAddress: from.address ?? rawAddress(header("from")),
    fromName: from.name,
    subject,
    raw: raw.toString("latin1"),
    ownMessageId: messageId,
  });
  const message: CanonicalMessage = {
    channel: "email",
    // Without a Message-ID the id is the sha256 of the raw bytes: stable across redeliveries of the same mail.
    externalId: messageId ?? `sha256-${createHash("sha256").update(raw).digest("hex")}`,
    from,
    to: parties(parsed.to),
    cc: parties(parsed.cc),
    subject,
    // A mail that is nothing but quoted or forwarded history keeps it as its text: it is then all there is to read.
    text: withNotes(stripQuotedText(body.text) || body.text.trim(), body.notes),
    fullText: withNotes(body.text, body.notes),
    attachments: parsed.attachments.map(toAttachment),
    thread,
    receivedAt: (headerDate(parsed) ?? receivedAt).toISOString(),
    flags,
    kind: "message",
  };
  if (bounce) {
    message.flags.bounce = true;
    message.bounce = bounce.report;
    // The bounce joins the case of the mail that failed: the embedded original's id is the link that counts.
    if (bounce.originalMessageId) thread.inReplyTo = bounce.originalMessageId;
  }
  return message;
}

function headerLookup(parsed: ParsedMail): HeaderLookup {
  return (name) => {
    const value = parsed.headers.get(name);
    return value === undefined ? undefined : headerText(value);
  };
}

function headerText(value: HeaderValue): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? item : headerText(item))).join(", ");
  if (value instanceof Date) return value.toISOString();
  if ("value" in value && typeof value.value === "string") return value.value;
  if ("text" in value && typeof value.text === "string") return value.text;
  return "";
}

function structured(value: HeaderValue | undefined): { value: string; params: Record<string, string> } {
  if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date) && "params" in value) {
    const params: Record<string, string> = {};
    for (const [key, param] of Object.entries(value.params)) if (typeof param === "string") params[key] = param;
    return { value: typeof value.value === "string" ? value.value.toLowerCase() : "", params };
  }
  return { value: typeof value === "string" ? value.toLowerCase() : "", params: {} };
}

const idPattern = /<([^<>\s]+)>/g;

function firstId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return allIds(value)[0] ?? (value.trim().replace(/^<|>$/g, "") || undefined);
}

function allIds(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const bracketed = [...item.matchAll(idPattern)].map((match) => match[1] ?? "");
    if (bracketed.length > 0) ids.push(...bracketed.filter(Boolean));
    else ids.push(...item.split(/\s+/).filter(Boolean));
  }
  return ids;
}

/**
 * The Date header when it is a valid date. Read from the raw header line: mailparser substitutes the current time
 * for an unparsable Date, which would make the result depend on when it ran.
 */
function headerDate(parsed: ParsedMail): Date | null {
  const line = parsed.headerLines.find((header) => header.key === "date")?.line;
  // No date is this long; the comment-stripping pattern below is quadratic on a long run of "(" (52 s at 300 KB).
  if (line === undefined || line.length > maxDateLineLength) return null;
  const value = line
    .slice(line.indexOf(":") + 1)
    .replace(/\s+/g, " ")
    .trim();
  const date = new Date(value.replace(/\s*\([^)]*\)\s*$/, ""));
  return Number.isNaN(date.getTime()) ? null : date;
}

const maxDateLineLength = 256;

function flatten(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (!value) return [];
  const out: EmailAddress[] = [];
  const visit = (address: EmailAddress): void => {
    if (address.group) address.group.forEach(visit);
    else out.push(address);
  };
  for (const object of Array.isArray(value) ? value : [value]) object.value.forEach(visit);
  return out;
}

function parties(value: AddressObject | AddressObject[] | undefined): Party[] {
  return flatten(value)
    .map((address) => toParty(address.address, address.name))
    .filter((party) => party.address !== undefined || party.name !== undefined);
}

function toParty(rawAddress: string | undefined, rawName: string | undefined): Party {
  const party: Party = {};
  const address = rawAddress ? normalizeEmail(rawAddress) : null;
  if (address) party.address = address;
  const name = rawName
    ?.trim()
    .replace(/^["']+|["']+$/g, "")
    .trim();
  if (name) party.name = name;
  return party;
}

/**
 * The sender, recovered where a human could read it: `Name <user@host` (no closing bracket), or an address
 * standing where the display name belongs (`"user@host" <>`, `user@host <invalid>`).
 */
function fromParty(value: AddressObject | undefined, rawHeader: string | undefined): Party {
  const first = flatten(value)[0];
  const party = toParty(first?.address, first?.name);
  if (party.address) return party;
  const source = `${first?.name ?? ""} ${first?.address ?? ""} ${value?.text ?? rawHeader ?? ""}`;
  const recovered = rawAddress(source);
  if (!recovered) return party;
  const name = (party.name ?? "")
    .replace(new RegExp(escapeRegExp(recovered), "i"), "")
    .replace(/[<>"]/g, "")
    .trim();
  return name ? { address: recovered, name } : { address: recovered };
}

// Bounded parts (RFC 5321 lengths) and no "@" inside them: an unbounded `[^…]+@` rescans a long word from every
// position, quadratic (2.7 s on 50 KB without an "@"), and worse when the word is made of "@".
const looseAddress = /[^\s<>"'(),;:[\]@]{1,64}@[^\s<>"'(),;:[\]@]{1,253}\.[^\s<>"'(),;:[\]@.]{1,63}/;

function rawAddress(text: string | undefined): string | undefined {
  // Linear, but at some 64 steps a character: a sender address is in a header's first few hundred characters.
  const match = looseAddress.exec((text ?? "").slice(0, 4096));
  return (match && normalizeEmail(match[0])) ?? undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function toAttachment(attachment: ParsedMail["attachments"][number]): EmailAttachment {
  const out: EmailAttachment = {
    filename: attachment.filename ?? "unnamed",
    contentType: attachment.contentType,
    size: attachment.size,
  };
  if (attachment.contentDisposition === "inline" || attachment.related) out.inline = true;
  return out;
}
