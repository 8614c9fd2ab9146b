import { z } from "zod";
import { connectorConfigSchema } from "./connectors.schema";

/** Ids that appear in URLs, logs and Slack: lower-case letters, digits and dashes (same rule as connector ids). */
export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes");

/** 1 MiB: larger than any form post or chat message, small enough that a flood cannot exhaust memory. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** What an API key may do. */
export const API_KEY_ROLES = ["admin", "agent", "viewer"] as const;

/** `admin` changes configuration and data, `agent` works cases, `viewer` only reads. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** `server:` how the HTTP edge presents itself. */
export const serverConfigSchema = z.strictObject({
  /** The URL customers' vendors call us at; needed where a vendor signs the URL it called (Twilio). */
  publicUrl: z.url({ protocol: /^https?$/, error: "use an absolute http:// or https:// URL" }).optional(),
  /** Largest request body accepted, in bytes; larger requests get 413 before any parsing. */
  maxBodyBytes: z.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
});

/** One entry of `apiKeys:`: a bearer key for the REST API. */
export const apiKeyConfigSchema = z.strictObject({
  /** Who uses the key; appears in audit trails instead of the key. */
  name: slugSchema,
  /** The bearer token itself; write `${ENV_VAR}` to keep it out of the file. */
  key: z.string().min(16, "use a key of at least 16 characters"),
  role: z.enum(API_KEY_ROLES),
});

/** One entry of `teams:`: a group of agents cases are routed to. */
export const teamConfigSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
});

/** `routing:` where cases go. Rules arrive with a later issue; until then everything goes to `defaultTeam`. */
export const routingConfigSchema = z.strictObject({
  /** Team of any case no rule claims; must be one of `teams[].id`. */
  defaultTeam: slugSchema,
});

/** What a customer's reply to a closed case does. */
export const CLOSED_CASE_REPLY_ACTIONS = ["reopen", "new-case"] as const;

/** `cases.subjectMatch:` threading an email by sender and subject when it carries no thread headers. */
export const subjectMatchConfigSchema = z.strictObject({
  /**
   * Off by default: two different complaints with the same short subject ("Refund") would be merged, and a wrong
   * merge costs more than a missed one.
   */
  enabled: z.boolean().default(false),
  /** How recent the customer's case must be (its last activity), in hours. */
  windowHours: z.number().positive().default(72),
});

/** `cases:` how messages find and reopen their cases. */
export const casesConfigSchema = z.strictObject({
  /**
   * A reply to a resolved case always reopens it (the customer says it is not solved). A reply to a closed case
   * reopens it (`reopen`, within `reopenWithinDays` of closing) or opens a new case linked to it (`new-case`).
   */
  replyToClosed: z.enum(CLOSED_CASE_REPLY_ACTIONS).default("new-case"),
  /** With `replyToClosed: reopen`: cases closed longer ago than this get a new linked case instead. */
  reopenWithinDays: z.number().positive().default(30),
  subjectMatch: subjectMatchConfigSchema.prefault({}),
});

/** One entry of `taxonomy.categories:`: what a complaint is about. */
export const categoryConfigSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
});

/** `taxonomy:` the categories cases are classified into. */
export const taxonomyConfigSchema = z.strictObject({
  categories: z.array(categoryConfigSchema).default(() => []),
});

/**
 * One entry of `destinations:`. Only `id` and `type` are checked for now; the rest passes through untouched
 * until each destination type brings its own schema (as connectors do).
 */
export const destinationConfigSchema = z.looseObject({
  id: slugSchema,
  type: z.string().min(1),
});

/** `pipeline:` how hard the queue tries before a job counts as failed. */
export const pipelineConfigSchema = z.strictObject({
  /** Attempts per job for transient errors (bad input is never retried). */
  maxAttempts: z.number().int().min(1).default(5),
  /** Delay before the first retry, in milliseconds; doubled on each further retry. */
  backoffMs: z.number().int().min(0).default(1000),
});

/**
 * The whole configuration, as merged from one YAML file or every file of a folder. Objects are strict so a
 * misspelt key is an error instead of a silently ignored setting.
 */
export const plaintConfigSchema = z.strictObject({
  server: serverConfigSchema.prefault({}),
  apiKeys: z.array(apiKeyConfigSchema).min(1, "add at least one API key"),
  teams: z.array(teamConfigSchema).min(1, "add at least one team"),
  routing: routingConfigSchema,
  cases: casesConfigSchema.prefault({}),
  taxonomy: taxonomyConfigSchema.prefault({}),
  connectors: z.array(connectorConfigSchema).default(() => []),
  destinations: z.array(destinationConfigSchema).default(() => []),
  pipeline: pipelineConfigSchema.prefault({}),
});

/** The validated configuration, defaults applied and `${VAR}` references replaced. */
export type PlaintConfig = z.output<typeof plaintConfigSchema>;
export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ApiKeyConfig = z.output<typeof apiKeyConfigSchema>;
export type TeamConfig = z.output<typeof teamConfigSchema>;
export type CasesConfig = z.output<typeof casesConfigSchema>;
export type CategoryConfig = z.output<typeof categoryConfigSchema>;
export type DestinationConfig = z.output<typeof destinationConfigSchema>;
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;

export { CONNECTOR_TYPES, connectorConfigSchema, connectorConfigSchemas } from "./connectors.schema";
export type { ConnectorConfig, ConnectorConfigOf, ConnectorType } from "./connectors.schema";
