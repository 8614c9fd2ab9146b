import { createHmac, timingSafeEqual } from "node:crypto";

export type HmacAlgorithm = "sha256" | "sha1";
export type DigestEncoding = "hex" | "base64";

/** What a vendor's signature scheme needs to be checked; each connector builds one from its config. */
export interface HmacCheck {
  secret: string;
  algorithm: HmacAlgorithm;
  encoding: DigestEncoding;
  /** The exact bytes the sender signed. */
  signedPayload: string | Buffer;
  /** The header value as received, or undefined when the header was missing. */
  signature: string | undefined;
  /** Text before the digest, e.g. `sha256=` or `v0=`. */
  prefix?: string;
}

export type SignatureVerdict = { valid: true } | { valid: false; reason: SignatureFailure };
export type SignatureFailure =
  "missing-secret" | "missing-signature" | "malformed-signature" | "mismatch" | "stale-timestamp";

/**
 * The one signature checker. Never throws: every failure is a verdict with a reason that can be counted and
 * logged (never the body or the secret). Compares in constant time after a length check.
 */
export function verifyHmac(check: HmacCheck): SignatureVerdict {
  if (!check.secret) return { valid: false, reason: "missing-secret" };
  if (check.signature === undefined || check.signature === "") return { valid: false, reason: "missing-signature" };
  const prefix = check.prefix ?? "";
  if (!check.signature.startsWith(prefix)) return { valid: false, reason: "malformed-signature" };
  const received = decodeDigest(check.signature.slice(prefix.length).trim(), check.encoding);
  if (!received) return { valid: false, reason: "malformed-signature" };
  const expected = createHmac(check.algorithm, check.secret).update(check.signedPayload).digest();
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { valid: false, reason: "mismatch" };
  }
  return { valid: true };
}

/** Computes a signature the way `verifyHmac` expects it; used by senders (outbound webhooks, tests, bench). */
export function signHmac(
  secret: string,
  algorithm: HmacAlgorithm,
  encoding: DigestEncoding,
  payload: string | Buffer,
): string {
  return createHmac(algorithm, secret).update(payload).digest(encoding);
}

/**
 * Replay window: a timestamp (seconds since the epoch) older or further in the future than the tolerance
 * is refused, so a captured request cannot be replayed later.
 */
export function isTimestampFresh(
  timestampSeconds: string | undefined,
  toleranceSeconds: number,
  nowMs = Date.now(),
): boolean {
  if (timestampSeconds === undefined || !/^\d{1,12}$/.test(timestampSeconds)) return false;
  return Math.abs(nowMs / 1000 - Number(timestampSeconds)) <= toleranceSeconds;
}

function decodeDigest(text: string, encoding: DigestEncoding): Buffer | null {
  if (encoding === "hex") return /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, "hex") : null;
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, "base64") : null;
}
