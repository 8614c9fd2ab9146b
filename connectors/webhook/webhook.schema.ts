import { z } from "zod";

/** A JSON Pointer (RFC 6901) into the request body, e.g. `/data/message/text`. */
const jsonPointer = z.string().regex(/^(\/([^~/]|~[01])*)*$/, "must be a JSON Pointer such as /data/text (RFC 6901)");

/**
 * How the sender signs a request: HMAC of the raw body (or of `timestamp.body` when a timestamp header is set).
 * A missing secret or signature is always a rejection.
 */
export const webhookSignatureSchema = z
  .strictObject({
    /** Header carrying the signature, e.g. `X-Signature`. Case-insensitive. */
    header: z.string().min(1).default("X-Plaint-Signature"),
    algorithm: z.enum(["sha256", "sha1"]).default("sha256"),
    encoding: z.enum(["hex", "base64"]).default("hex"),
    /** Text before the digest in the header, e.g. `sha256=`. */
    prefix: z.string().default(""),
    /** When set, the signed text is `${timestamp}.${rawBody}` and stale requests are refused. */
    timestampHeader: z.string().min(1).optional(),
    /** Maximum age (and clock skew) of the timestamp, in seconds. */
    toleranceSeconds: z.number().int().positive().default(300),
  })
  .default({ header: "X-Plaint-Signature", algorithm: "sha256", encoding: "hex", prefix: "", toleranceSeconds: 300 });

/** Where each canonical field is found in the JSON body. */
export const webhookMappingSchema = z.strictObject({
  externalId: jsonPointer,
  text: jsonPointer,
  subject: jsonPointer.optional(),
  receivedAt: jsonPointer.optional(),
  from: z
    .strictObject({
      email: jsonPointer.optional(),
      phone: jsonPointer.optional(),
      name: jsonPointer.optional(),
      handle: jsonPointer.optional(),
    })
    .refine((f) => f.email ?? f.phone ?? f.handle, "map at least one of email, phone or handle to identify the sender"),
});

export const webhookConnectorConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes"),
  type: z.literal("webhook"),
  /** HMAC secret; write `${ENV_VAR}` to keep it out of the file. */
  secret: z.string().min(16, "use a secret of at least 16 characters"),
  signature: webhookSignatureSchema,
  mapping: webhookMappingSchema,
});

export type WebhookConnectorConfig = z.infer<typeof webhookConnectorConfigSchema>;
export type WebhookMapping = z.infer<typeof webhookMappingSchema>;
