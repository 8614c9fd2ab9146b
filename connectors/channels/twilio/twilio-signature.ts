// The webhooks module alone: the package root loads the whole REST client, ~1 s at every start-up.
import { validateRequest } from "twilio/lib/webhooks/webhooks";
import type { SignatureVerdict } from "../../../core/kernel/security/hmac-signature";
import type { TwilioParams } from "../../../normalizers/channels/twilio/twilio-form";

/** An `X-Twilio-Signature` is base64 of an HMAC-SHA1: 20 bytes, so 27 characters and one `=`. */
const signatureShape = /^[A-Za-z0-9+/]{27}=$/;

/**
 * Checks `X-Twilio-Signature`: base64 HMAC-SHA1, keyed with the auth token, of the URL Twilio called followed by
 * every POST parameter name and value, names sorted. The twilio package's own `validateRequest` does the
 * computing (Twilio asks integrators not to reimplement it, as its parameter set changes): it compares in
 * constant time and accepts the URL with and without the default port (`https://host:443/path`), as Twilio signs
 * either form. Never throws.
 *
 * `urls` are the URLs Twilio may have called for this connector (the webhook and the status callback URL); any
 * one of them validating is enough. They must be the public URLs, never what a proxy forwarded.
 * @see https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
export function verifyTwilioSignature(check: {
  authToken: string;
  signature: string | undefined;
  urls: readonly string[];
  params: TwilioParams;
}): SignatureVerdict {
  if (!check.authToken) return { valid: false, reason: "missing-secret" };
  if (check.signature === undefined || check.signature === "") return { valid: false, reason: "missing-signature" };
  if (!signatureShape.test(check.signature)) return { valid: false, reason: "malformed-signature" };
  for (const url of check.urls) {
    if (!URL.canParse(url)) continue;
    if (validateRequest(check.authToken, check.signature, url, check.params)) return { valid: true };
  }
  return { valid: false, reason: "mismatch" };
}
