import { isSupportedCountry } from "libphonenumber-js";
import { z } from "zod";

/** A confidence or an evidence weight: 0 (says nothing) to 1 (certain). */
const weightSchema = z.number().min(0).max(1);

/**
 * `identity.evidence:` how much each kind of evidence says that two customers are one person. Pieces combine as
 * independent evidence, 1 − Π(1 − weight), so two weak hints together count more than either alone.
 */
export const identityEvidenceWeightsSchema = z.strictObject({
  /** One message (a web form) gave two identities, one of them held by another customer. */
  formGaveBoth: weightSchema.default(0.9),
  /** A CRM record lists an identity held by another customer next to this customer's. */
  crmRecord: weightSchema.default(0.95),
  /** An email's text carries a phone number held by another customer with the same display name. */
  signaturePhoneSameName: weightSchema.default(0.9),
  /** As above, but the names differ (or one is missing): a colleague's or an assistant's number is common. */
  signaturePhone: weightSchema.default(0.6),
});

/** `identity:` recognising one customer across channels, and when two customers become one. */
export const identityConfigSchema = z
  .strictObject({
    /** Combined confidence at or above which two customers are merged without asking anybody. */
    autoMergeAt: weightSchema.default(0.9),
    /** Combined confidence at or above which a merge is proposed for an agent to accept or reject. */
    proposeAt: weightSchema.default(0.6),
    /**
     * ISO 3166 country (`DE`, `GB`) of phone numbers written without a `+` prefix in message text. Without it only
     * international numbers are recognised, since a national number means nothing without its country.
     */
    defaultCountry: z
      .string()
      .toUpperCase()
      .refine((code) => isSupportedCountry(code), "use an ISO 3166 country code such as DE or GB")
      .optional(),
    evidence: identityEvidenceWeightsSchema.prefault({}),
  })
  .refine((config) => config.proposeAt <= config.autoMergeAt, {
    message: "proposeAt must not be above autoMergeAt",
    path: ["proposeAt"],
  });

export type IdentityConfig = z.output<typeof identityConfigSchema>;
export type IdentityEvidenceWeights = z.output<typeof identityEvidenceWeightsSchema>;
