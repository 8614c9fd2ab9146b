import { z } from "zod";

/** Graph API versions are written `v<major>.<minor>`, e.g. `v21.0`. */
const graphApiVersion = z.string().regex(/^v\d+\.\d+$/, "write the Graph API version as v<major>.<minor>, e.g. v21.0");

/** Graph API ids (phone number id, Page id, Instagram account id) are digits. */
const graphId = z.string().regex(/^\d+$/, "a Graph API id is digits only, as shown in the Meta app dashboard");

/**
 * One Meta app's webhook: WhatsApp Cloud API, Messenger and Instagram messaging all arrive on it, signed with the
 * same app secret. Replies go out through the Graph API with `accessToken`.
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
export const metaConnectorConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes"),
  type: z.literal("meta"),
  /** The app secret (App settings → Basic); signs every POST in `X-Hub-Signature-256`. Write `${ENV_VAR}`. */
  appSecret: z.string().min(16, "the Meta app secret is 32 hex characters; write ${ENV_VAR}"),
  /** Any string of our choosing, typed into the app's webhook settings; Meta echoes it in the GET handshake. */
  verifyToken: z.string().min(8, "use a verify token of at least 8 characters"),
  /** System-user or Page access token for the send APIs; write `${ENV_VAR}`. Without it, replies are refused. */
  accessToken: z.string().min(1).optional(),
  graphApiVersion: graphApiVersion.default("v21.0"),
  /**
   * WhatsApp Cloud API: the business phone number replies are sent from. Messenger and Instagram replies need no
   * id: they go to `/me/messages`, and the Page access token says which Page (and its Instagram account) sends.
   */
  whatsapp: z.strictObject({ phoneNumberId: graphId }).optional(),
});

export type MetaConnectorConfig = z.infer<typeof metaConnectorConfigSchema>;
