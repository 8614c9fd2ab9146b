import { z } from "zod";

/** Ids that appear in URLs, logs and Slack: lower-case letters, digits and dashes (same rule as connector ids). */
export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes");
