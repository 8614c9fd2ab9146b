import { findPhoneNumbersInText, type CountryCode } from "libphonenumber-js";
import { senderIdentities } from "../cases/identities";
import type { IdentityKey } from "../store/customers.store";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import type { IdentityConfig, IdentityEvidenceWeights } from "./identity.schema";

/** Why two customers might be one person; `agent` is an agent's own decision. */
export const EVIDENCE_KINDS = [
  "form-gave-both",
  "signature-phone-same-name",
  "signature-phone",
  "crm-record",
  "agent",
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** One piece of evidence, stored on the merge (`customer_merges.evidence`) and on the cases' trails. */
export interface Evidence {
  kind: EvidenceKind;
  /** Readable: which identities, which message, which customers. */
  detail: string;
  /** From `identity.evidence`; 1 for an agent's decision. */
  weight: number;
  /** The identity that connects the two customers, when there is one. */
  identity?: IdentityKey;
  /** The channel's id of the message the evidence came from, when it came from one. */
  externalId?: string;
}

/** What a combined confidence leads to under the configured thresholds. */
export type MergeDecision = "merge" | "propose" | "none";

/**
 * Independent pieces of evidence combined: 1 − Π(1 − weight). Two hints of 0.6 give 0.84; anything certain gives 1.
 * The same fact seen twice (the same kind, identity and detail) counts once. Rounded to 4 decimals so that a
 * single weight equal to a threshold compares as equal.
 */
export function combineConfidence(evidence: readonly Evidence[]): number {
  const seen = new Set<string>();
  let doubt = 1;
  for (const piece of evidence) {
    const key = evidenceKey(piece);
    if (seen.has(key)) continue;
    seen.add(key);
    doubt *= 1 - Math.min(1, Math.max(0, piece.weight));
  }
  return Math.round((1 - doubt) * 10_000) / 10_000;
}

export function decideMerge(
  confidence: number,
  config: Pick<IdentityConfig, "autoMergeAt" | "proposeAt">,
): MergeDecision {
  if (confidence >= config.autoMergeAt) return "merge";
  return confidence >= config.proposeAt ? "propose" : "none";
}

/** Evidence lists joined without repeating a fact already recorded. */
export function mergeEvidence(recorded: readonly Evidence[], added: readonly Evidence[]): Evidence[] {
  const joined = [...recorded];
  const keys = new Set(recorded.map(evidenceKey));
  for (const piece of added) {
    const key = evidenceKey(piece);
    if (keys.has(key)) continue;
    keys.add(key);
    joined.push(piece);
  }
  return joined;
}

function evidenceKey(piece: Evidence): string {
  return [piece.kind, piece.identity?.kind ?? "", piece.identity?.value ?? "", piece.detail].join("\u0000");
}

/** Where a candidate identity came from: the message's own fields, or a phone number written in its text. */
export type CandidateSource = "message" | "text";

/** An identity a message offers beyond its sender identity: if somebody else holds it, that is evidence. */
export interface Candidate {
  key: IdentityKey;
  source: CandidateSource;
}

/**
 * The identities a message offers besides its sender identity: the other fields of `from` (a web form's phone
 * next to its email), and for email the phone numbers in its text (signatures). Empty for most messages, which
 * is what lets the pipeline skip the look-up.
 */
export function evidenceCandidates(
  message: CanonicalMessage,
  connectorId: string,
  defaultCountry: string | undefined,
): Candidate[] {
  const own = senderIdentities(message, connectorId);
  const candidates: Candidate[] = own.slice(1).map((key) => ({ key, source: "message" }));
  if (message.channel !== "email") return candidates;
  const taken = new Set(own.map((key) => `${key.kind}:${key.value}`));
  for (const phone of phonesInText(message.fullText || message.text, defaultCountry)) {
    if (taken.has(`phone:${phone}`)) continue;
    taken.add(`phone:${phone}`);
    candidates.push({ key: { kind: "phone", value: phone }, source: "text" });
  }
  return candidates;
}

/**
 * Phone numbers (E.164, each once) written in a text, leaving out quoted history: a reply quoting our own mail
 * or someone else's signature would otherwise lend the customer a stranger's number.
 */
export function phonesInText(text: string, defaultCountry?: string): string[] {
  // A signature sits near the top of what the writer wrote; a huge paste (a log, a CSV) is not worth parsing.
  const own = withoutQuotedHistory(text).slice(0, MAX_SCANNED_CHARS);
  // Most texts hold no number at all: skip the parser unless six digits stand close together.
  if (!/(?:\d[\s().\-/]{0,3}){6}/.test(own)) return [];
  const found = findPhoneNumbersInText(own, defaultCountry ? { defaultCountry: defaultCountry as CountryCode } : {});
  return [...new Set(found.filter((hit) => hit.number.isPossible()).map((hit) => hit.number.number))];
}

const MAX_SCANNED_CHARS = 20_000;

/** Reply headers of the common mail clients; everything from the first one on is quoted history. */
const quoteHeader =
  /^(?:On .{1,200} wrote:|Am .{1,200} schrieb .{1,100}:|Le .{1,200} a écrit ?:|-{2,} ?(?:Original Message|Ursprüngliche Nachricht|Forwarded message) ?-{2,}|From: .+)$/im;

function withoutQuotedHistory(text: string): string {
  const header = quoteHeader.exec(text);
  const head = header ? text.slice(0, header.index) : text;
  return head
    .split("\n")
    .filter((line) => !line.trimStart().startsWith(">"))
    .join("\n");
}

/**
 * Whether two display names name the same person: case, accents, punctuation and word order do not matter
 * ("López, Ana" = "ana lopez"); a missing name never matches.
 */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  const left = nameTokens(a);
  return left !== "" && left === nameTokens(b);
}

function nameTokens(name: string | null | undefined): string {
  return (name ?? "")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .sort()
    .join(" ");
}

/** The customer who holds a candidate identity, as the look-up found them. */
export interface Holder {
  customerId: string;
  displayName: string | null;
}

/** The message's side of a candidate: the message, and its customer's display name. */
export interface EvidenceContext {
  message: CanonicalMessage;
  connectorId: string;
  customerName: string | null;
}

/** The evidence a candidate held by another customer gives, weighted by `identity.evidence`. */
export function evidenceFor(
  candidate: Candidate,
  holder: Holder,
  context: EvidenceContext,
  weights: IdentityEvidenceWeights,
): Evidence {
  const { message } = context;
  const sender = senderIdentities(message, context.connectorId)[0];
  const base = { identity: candidate.key, externalId: message.externalId };
  if (candidate.source === "message") {
    const what = message.channel === "webhook" ? "web form" : `${message.channel} message`;
    return {
      kind: "form-gave-both",
      detail: `${what} gave ${sender?.value ?? "?"} and ${candidate.key.value}, held by customer ${holder.customerId}`,
      weight: weights.formGaveBoth,
      ...base,
    };
  }
  const writer = message.from.name ?? context.customerName;
  const namesMatch = sameName(writer, holder.displayName) || sameName(context.customerName, holder.displayName);
  const carries = `email from ${sender?.value ?? "?"}${writer ? ` (${writer})` : ""} carries ${candidate.key.value} in its text`;
  return namesMatch
    ? {
        kind: "signature-phone-same-name",
        detail: `${carries}, held by customer ${holder.customerId} of the same name`,
        weight: weights.signaturePhoneSameName,
        ...base,
      }
    : {
        kind: "signature-phone",
        detail: `${carries}, held by customer ${holder.customerId}${holder.displayName ? ` (${holder.displayName})` : ""}`,
        weight: weights.signaturePhone,
        ...base,
      };
}

/** One line for a case's trail: the decision and its evidence. */
export function describeEvidence(confidence: number, evidence: readonly Evidence[]): string {
  return `confidence ${confidence.toFixed(2)}: ${evidence.map((piece) => `${piece.kind} (${piece.detail})`).join("; ")}`;
}
