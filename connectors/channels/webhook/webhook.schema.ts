import { z } from "zod";
import type { WebhookMapping } from "../../../normalizers/channels/webhook/webhook-mapping";
import { WEBHOOK_PRESET_NAMES, webhookPresets, type WebhookPresetName } from "./webhook.presets";

/** A JSON Pointer (RFC 6901) into the request body, e.g. `/data/message/text`. */
const jsonPointer = z.string().regex(/^(\/([^~/]|~[01])*)*$/, "must be a JSON Pointer such as /data/text (RFC 6901)");

/** The signature scheme when neither the config nor a preset says otherwise. */
export const DEFAULT_WEBHOOK_SIGNATURE = {
  header: "X-Plaint-Signature",
  algorithm: "sha256",
  encoding: "hex",
  prefix: "",
  toleranceSeconds: 300,
} as const;

/**
 * How the sender signs a request: HMAC of the raw body (or of `timestamp.body` when a timestamp header is set).
 * A missing secret or signature is always a rejection. No field has a schema default: the connector fills the
 * gaps from its preset, then from {@link DEFAULT_WEBHOOK_SIGNATURE}, so that a field written in the config wins.
 */
export const webhookSignatureSchema = z.strictObject({
  /** Header carrying the signature, e.g. `X-Signature`. Case-insensitive. */
  header: z.string().min(1).optional(),
  algorithm: z.enum(["sha256", "sha1"]).optional(),
  encoding: z.enum(["hex", "base64"]).optional(),
  /** Text before the digest in the header, e.g. `sha256=`. */
  prefix: z.string().optional(),
  /** When set, the signed text is `${timestamp}.${rawBody}` and stale requests are refused. */
  timestampHeader: z.string().min(1).optional(),
  /** Maximum age (and clock skew) of the timestamp, in seconds. */
  toleranceSeconds: z.number().int().positive().optional(),
});

/**
 * Where each canonical field is found. Without `items` the pointers address the body; with `items` they address
 * each element of that array. With a preset they address the preset's view of the body (see the README).
 */
export const webhookMappingSchema = z.strictObject({
  /** Pointer to an array in the body: each element is one message (several messages per request). */
  items: jsonPointer.optional(),
  externalId: jsonPointer.optional(),
  text: jsonPointer.optional(),
  subject: jsonPointer.optional(),
  receivedAt: jsonPointer.optional(),
  from: z
    .strictObject({
      email: jsonPointer.optional(),
      phone: jsonPointer.optional(),
      name: jsonPointer.optional(),
      handle: jsonPointer.optional(),
    })
    .optional(),
  /** Facts about the customer the sending system knows (a CRM tier, a deal size), kept on the customer for priority. */
  customer: z
    .strictObject({
      tier: jsonPointer.optional(),
      segment: jsonPointer.optional(),
      dealSize: jsonPointer.optional(),
    })
    .optional(),
});

export const webhookConnectorConfigSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes"),
    type: z.literal("webhook"),
    /** HMAC secret; write `${ENV_VAR}` to keep it out of the file. */
    secret: z.string().min(16, "use a secret of at least 16 characters"),
    /** A web-form tool whose payload and signature the hub knows; `mapping` and `signature` then override it. */
    preset: z.enum(WEBHOOK_PRESET_NAMES).optional(),
    signature: webhookSignatureSchema.optional(),
    mapping: webhookMappingSchema.optional(),
  })
  // Fill in preset and defaults first, so the checks below see what the connector will run with.
  .overwrite((config) => {
    const preset = config.preset === undefined ? undefined : webhookPresets[config.preset];
    const mapping = preset || config.mapping ? mergeMapping(preset?.mapping, config.mapping) : undefined;
    return {
      ...config,
      signature: { ...DEFAULT_WEBHOOK_SIGNATURE, ...preset?.signature, ...config.signature },
      ...(mapping === undefined ? {} : { mapping }),
    };
  })
  .superRefine((config, ctx) => {
    const { mapping } = config;
    if (mapping === undefined) {
      ctx.addIssue({ code: "invalid_type", expected: "object", input: undefined, path: ["mapping"] });
      return;
    }
    for (const key of ["externalId", "text"] as const) {
      if (mapping[key] === undefined)
        ctx.addIssue({ code: "invalid_type", expected: "string", input: undefined, path: ["mapping", key] });
    }
    if (!mapping.from?.email && !mapping.from?.phone && !mapping.from?.handle)
      ctx.addIssue({
        code: "custom",
        path: ["mapping", "from"],
        message: "map at least one of email, phone or handle to identify the sender",
      });
    if (config.preset !== undefined && mapping.items !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["mapping", "items"],
        message: `the ${config.preset} preset carries one submission per request; remove items`,
      });
  });

function mergeMapping(
  preset: WebhookMappingInput | undefined,
  own: WebhookMappingInput | undefined,
): WebhookMappingInput {
  const from = preset?.from || own?.from ? { ...preset?.from, ...own?.from } : undefined;
  return { ...preset, ...own, ...(from === undefined ? {} : { from }) };
}

export type WebhookConnectorConfig = z.infer<typeof webhookConnectorConfigSchema>;
export type WebhookMappingInput = z.infer<typeof webhookMappingSchema>;
export type { WebhookPresetName, WebhookMapping };

/** The mapping a validated config runs with. Throws only on a config that skipped validation (a bug). */
export function resolvedMapping(config: WebhookConnectorConfig): WebhookMapping {
  const mapping = config.mapping;
  if (!mapping?.externalId || !mapping.text || !mapping.from)
    throw new Error(`webhook connector ${config.id}: mapping is incomplete; the config was not validated`);
  return { ...mapping, externalId: mapping.externalId, text: mapping.text, from: mapping.from };
}

/** The signature scheme a validated config runs with. */
export function resolvedSignature(config: WebhookConnectorConfig) {
  return { ...DEFAULT_WEBHOOK_SIGNATURE, ...config.signature };
}
