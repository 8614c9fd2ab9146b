import { ok } from "../../core/result";
import { isOwnMail, normalizeEmailMessage } from "../../normalizers/email/email.normalizer";
import { defineConnector, type StoredIntake } from "../connector";
import { emailConnectorConfigSchema } from "./email.schema";

/**
 * Email: mail is fetched from an IMAP mailbox by `ImapIntake` (no HTTP part) and stored raw, base64-encoded,
 * in the intake log. The normalizer turns it into a canonical message; our own mail coming back becomes no
 * message at all, so its intake item ends `ignored`.
 */
export const emailConnector = defineConnector({
  type: "email",
  channel: "email",
  configSchema: emailConnectorConfigSchema,

  async normalize(config, item) {
    const parsed = await normalizeEmailMessage(rawMail(item), config.parsing, item.receivedAt);
    if (!parsed.ok) return parsed;
    return ok(isOwnMail(parsed.value, config.parsing) ? [] : [parsed.value]);
  },
});

/** The mail's exact bytes: stored base64 because mail may hold 8-bit text in any charset, or NUL bytes. */
export function rawMail(item: Pick<StoredIntake, "rawBody" | "meta">): Buffer {
  return item.meta["encoding"] === "base64" ? Buffer.from(item.rawBody, "base64") : Buffer.from(item.rawBody, "utf8");
}
