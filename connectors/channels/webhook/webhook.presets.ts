import type { Result } from "../../../core/kernel/result";
import { tallyView } from "../../../normalizers/channels/webhook/tally.view";
import { typeformView } from "../../../normalizers/channels/webhook/typeform.view";
import type { MappingProblem } from "../../../normalizers/channels/webhook/webhook-mapping";

/** The presets a config may name in `preset:`; the config loader lists them when a name is unknown. */
export const WEBHOOK_PRESET_NAMES = ["typeform", "tally"] as const;
export type WebhookPresetName = (typeof WEBHOOK_PRESET_NAMES)[number];

/**
 * A web-form tool the generic webhook knows: how it signs, and a pure `view` that flattens its payload into an
 * object the preset's mapping (and any override in the config) points into.
 */
export interface WebhookPreset {
  signature: {
    header: string;
    algorithm: "sha256" | "sha1";
    encoding: "hex" | "base64";
    prefix: string;
  };
  mapping: {
    externalId: string;
    text: string;
    subject?: string;
    receivedAt?: string;
    from: { email?: string; phone?: string; name?: string; handle?: string };
  };
  view(body: unknown): Result<unknown, MappingProblem>;
}

/** The fields every form view offers (see `normalizers/webhook/*.view.ts`). */
const formViewMapping = {
  externalId: "/id",
  text: "/text",
  subject: "/formTitle",
  receivedAt: "/submittedAt",
  from: { email: "/email", phone: "/phone" },
};

export const webhookPresets = {
  /**
   * `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>`, keyed with the webhook's secret.
   * @see https://www.typeform.com/developers/webhooks/secure-your-webhooks/
   * @see https://www.typeform.com/developers/webhooks/example-payload/
   */
  typeform: {
    signature: { header: "Typeform-Signature", algorithm: "sha256", encoding: "base64", prefix: "sha256=" },
    mapping: formViewMapping,
    view: typeformView,
  },
  /**
   * `Tally-Signature: <base64 HMAC-SHA256 of the raw body>`, keyed with the webhook's signing secret.
   * @see https://tally.so/help/webhooks
   * @see https://developers.tally.so/api-reference/endpoint/webhooks/post
   */
  tally: {
    signature: { header: "Tally-Signature", algorithm: "sha256", encoding: "base64", prefix: "" },
    mapping: formViewMapping,
    view: tallyView,
  },
} as const satisfies Record<WebhookPresetName, WebhookPreset>;
