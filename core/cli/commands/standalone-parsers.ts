import { emailParsingSchema } from "../../../connectors/channels/email/email.schema";
import type { PayloadProblem } from "../../connector-contract/connector";
import type { CanonicalMessage } from "../../../normalizers/canonical-message";
import { normalizeEmailMessage } from "../../../normalizers/channels/email/email.normalizer";
import { normalizeMetaDelivery } from "../../../normalizers/channels/meta/meta.normalizer";
import { normalizeSlackCustomer } from "../../../normalizers/channels/slack-customer/slack-customer.normalizer";
import { normalizeTwilio } from "../../../normalizers/channels/twilio/twilio.normalizer";
import { ok, type Result } from "../../kernel/result";

type Parsed = Result<CanonicalMessage[], PayloadProblem>;

/** `plaint parse --channel X` names a connector type by its vendor; these are the names that differ. */
export const connectorTypeOfChannel: Record<string, string> = { slack: "slack-customer" };

/**
 * How a raw body is read when no connector of its type is configured: with the vendor's defaults, so any
 * saved mail or webhook body can be inspected on a laptop. A configured connector's own settings win.
 */
export const standaloneParsers: Record<string, (raw: Buffer) => Promise<Parsed> | Parsed> = {
  email: async (raw) => one(await normalizeEmailMessage(raw, emailParsingSchema.parse({}), new Date())),
  twilio: (raw) => one(normalizeTwilio(raw.toString("utf8"), new Date())),
  meta: (raw) => normalizeMetaDelivery(raw.toString("utf8")),
  "slack-customer": (raw) => {
    const body = raw.toString("utf8");
    // Every channel counts as a customer channel here: the event's own channel is the one configured.
    const channel = eventChannel(body);
    const parsed = normalizeSlackCustomer(body, { channels: channel ? [{ channel }] : [], ignoreOwnWorkspace: false });
    if (!parsed.ok) return parsed;
    return ok(parsed.value.kind === "message" ? [parsed.value.message] : []);
  },
};

function one(parsed: Result<CanonicalMessage, PayloadProblem>): Parsed {
  return parsed.ok ? ok([parsed.value]) : parsed;
}

function eventChannel(body: string): string | undefined {
  try {
    const envelope = JSON.parse(body) as { event?: { channel?: unknown; item?: { channel?: unknown } } };
    const channel = envelope.event?.channel ?? envelope.event?.item?.channel;
    return typeof channel === "string" ? channel : undefined;
  } catch {
    return undefined;
  }
}
