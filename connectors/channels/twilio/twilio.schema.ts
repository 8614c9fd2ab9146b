import { z } from "zod";
import { normalizePhone } from "../../../normalizers/identity-values";

/**
 * One number the connector serves: an SMS / MMS number in E.164 (`+14155550100`) or a WhatsApp sender
 * (`whatsapp:+14155238886`), written the way Twilio writes it in `From` / `To`.
 */
const twilioNumber = z
  .string()
  .trim()
  .refine((value) => normalizePhone(value.replace(/^whatsapp:/, "")) !== null, {
    error: "write an E.164 number (+14155550100) or a WhatsApp sender (whatsapp:+14155238886)",
  });

/** A URL Twilio calls or is told to call; Twilio only calls public http(s) URLs. */
const twilioUrl = z.url({ protocol: /^https?$/, error: "use an absolute http:// or https:// URL" });

/**
 * Twilio Programmable Messaging: SMS, MMS and WhatsApp through Twilio. Inbound messages and status callbacks are
 * POSTed, form-encoded, to `/v1/intake/webhook/<id>` and signed with the account's auth token.
 */
export const twilioConnectorConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes"),
  type: z.literal("twilio"),
  /** The account the numbers belong to (`AC` + 32 hex digits); replies are sent as this account. */
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "an Account SID is AC followed by 32 hex digits"),
  /** Signs Twilio's webhooks and authenticates our API calls. Write `${ENV_VAR}`. */
  authToken: z.string().min(1, "set the account's auth token (write ${TWILIO_AUTH_TOKEN})"),
  /** Our numbers: replies go from the one the customer wrote to, or from the first one of the channel. */
  numbers: z.array(twilioNumber).min(1, "list at least one number or whatsapp: sender"),
  /** Send replies through this Messaging Service (`MG…`) instead of a fixed number, when no number is given. */
  messagingServiceSid: z
    .string()
    .regex(/^MG[0-9a-fA-F]{32}$/, "a Messaging Service SID is MG followed by 32 hex digits")
    .optional(),
  /**
   * The exact URL configured in the Twilio console, when it differs from `server.publicUrl` + the intake path
   * (a proxy that rewrites the path, say). Twilio signs the URL it called, so this is the URL checked.
   */
  webhookUrl: twilioUrl.optional(),
  /** Where Twilio reports the delivery of our replies; also accepted as a signed URL of this connector. */
  statusCallbackUrl: twilioUrl.optional(),
});

export type TwilioConnectorConfig = z.infer<typeof twilioConnectorConfigSchema>;
