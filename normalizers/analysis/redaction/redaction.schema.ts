import { z } from "zod";
import { slugSchema } from "../../../core/kernel/config/slug";

/** National identity numbers the redactor recognises, each with its own structure and check. */
export const NATIONAL_ID_KINDS = [
  "us-ssn",
  "uk-nino",
  "nl-bsn",
  "es-dni",
  "es-nie",
  "it-codice-fiscale",
  "fr-nir",
  "de-steuer-id",
] as const;
export type NationalIdKind = (typeof NATIONAL_ID_KINDS)[number];

/**
 * How a masked value reads. `descriptive`: kind and, for cards and IBANs, the last four characters
 * ("[redacted card ending 4242]"), enough for an agent to match a customer's card without seeing it. `kind`: only the
 * kind ("[redacted card]"). `fixed`: "[redacted]", nothing about what was there.
 */
export const MASK_STYLES = ["descriptive", "kind", "fixed"] as const;
export type MaskStyle = (typeof MASK_STYLES)[number];

/** Flags a configured pattern may carry; `g` is always added, `y` would break scanning. */
const FLAGS = /^(?!.*(.).*\1)[imsu]*$/;

/**
 * A nested quantifier, `(…+)+` or `(…*)*` and kin: the classic shape of catastrophic backtracking. Rejected so that
 * one bad pattern cannot stall the pipeline on a long message.
 */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)[+*{]/;

/** One entry of `redaction.patterns:`: a secret to mask whole (API keys, passwords, internal tokens). */
export const redactionPatternSchema = z
  .strictObject({
    /** Appears in the mask ("[redacted api-key]") and in findings. */
    name: slugSchema,
    /** JavaScript regular expression source, without slashes. */
    regex: z.string().min(1, "write a regular expression"),
    /** Any of i, m, s, u; g is implied. */
    flags: z.string().regex(FLAGS, "use any of the flags i, m, s, u, each once").optional(),
  })
  .superRefine((pattern, ctx) => {
    try {
      const compiled = new RegExp(pattern.regex, pattern.flags ?? "");
      if (compiled.test(""))
        ctx.addIssue({ code: "custom", path: ["regex"], message: "the pattern matches the empty string" });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      ctx.addIssue({ code: "custom", path: ["regex"], message: `not a valid regular expression: ${reason}` });
      return;
    }
    if (NESTED_QUANTIFIER.test(pattern.regex)) {
      ctx.addIssue({
        code: "custom",
        path: ["regex"],
        message: "nested quantifier (like (a+)+) can take exponential time; rewrite without repeating a repetition",
      });
    }
  });

/** `redaction:` masking personal data before a message is stored and before anything is pushed out. */
export const redactionConfigSchema = z
  .strictObject({
    /** Off only for a deployment that never sees personal data; everything below is then ignored. */
    enabled: z.boolean().default(true),
    /** Payment card numbers (13–19 digits passing the Luhn check with a known brand prefix). */
    cards: z.boolean().default(true),
    /** IBANs of the listed countries, with their length and mod-97 check. */
    ibans: z.boolean().default(true),
    /** National id kinds to mask; all supported kinds by default, `[]` for none. */
    nationalIds: z
      .array(z.enum(NATIONAL_ID_KINDS))
      .default(() => [...NATIONAL_ID_KINDS])
      .refine((kinds) => new Set(kinds).size === kinds.length, "list each id kind once"),
    /** Secrets masked whole wherever they match. */
    patterns: z.array(redactionPatternSchema).default(() => []),
    /**
     * Whether the unmasked original is kept beside the masked text (in the intake log, for replay). Off by default:
     * a replay then works on masked text, and an erasure request has nothing left to find.
     */
    keepOriginal: z.boolean().default(false),
    mask: z.enum(MASK_STYLES).default("descriptive"),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>(["card", "iban", ...NATIONAL_ID_KINDS]);
    config.patterns.forEach((pattern, index) => {
      if (seen.has(pattern.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["patterns", index, "name"],
          message: `pattern name "${pattern.name}" is used twice or names a built-in kind`,
        });
      }
      seen.add(pattern.name);
    });
  });

export type RedactionConfig = z.output<typeof redactionConfigSchema>;
export type RedactionConfigInput = z.input<typeof redactionConfigSchema>;
export type RedactionPattern = z.output<typeof redactionPatternSchema>;
