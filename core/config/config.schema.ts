import { z } from "zod";

import { slugSchema } from "../kernel/config/slug";
import { redactionConfigSchema } from "../../normalizers/analysis/redaction/redaction.schema";
import { identityConfigSchema } from "../customers/identity.schema";
import { rulesSchema } from "../routing/rules/rules.schema";
import { calendarSchema } from "../routing/calendar/calendar.schema";
import type { ConnectorConfigBase } from "../connector-contract/connector";

export { slugSchema } from "../kernel/config/slug";

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

/** `routing:` where cases go. */
export const routingConfigSchema = z.strictObject({
  /** Team of any case no rule claims; must be one of `teams[].id`. */
  defaultTeam: slugSchema,
  /**
   * Rules, evaluated in the order written (core/routing/README.md, "Rules"). Validated at start-up with their
   * cross-references. The pipeline runs the `case.created` ones; the other triggers are not run yet.
   */
  rules: rulesSchema.default(() => []),
});

/** One entry of `agents:`: a person cases are assigned to. */
export const agentConfigSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
  /** The teams whose cases the agent works; each must be one of `teams[].id`. */
  teams: z.array(slugSchema).min(1, "name at least one team the agent works for"),
  /** Open cases the agent can hold at once; least-loaded assignment counts against it. Unset: no limit. */
  capacity: z.number().int().positive().optional(),
  /** The agent's Slack user id (`U…`), linking Slack actions to this agent. */
  slackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, "a Slack user id, like U024BE7LH")
    .optional(),
  /** Unavailable agents (on leave) get no new cases from assignment strategies. */
  available: z.boolean().default(true),
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

/** `cases.matching:` a message no channel thread placed, joining the same customer's open case about the same thing. */
export const matchingConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** How recent the customer's case must be (its last activity), in hours. */
  windowHours: z.number().positive().default(72),
  /**
   * Lowest text similarity (0–1, character shingles) that joins; measured by `npm run eval:matching`, where 0.56
   * kept precision ≥ 0.99 on the labelled pairs. Lower it and more resends join, but more distinct complaints merge.
   */
  threshold: z.number().min(0).max(1).default(0.56),
  /** Join only when the classifier gave both the same category… */
  requireSameCategory: z.boolean().default(true),
  /** …unless the texts alone are at least this similar (a near-copy is one complaint whatever the classifier says). */
  textAloneThreshold: z.number().min(0).max(1).default(0.68),
  /** The same normalised text from the same customer within this many minutes, on any channel, is a duplicate. */
  duplicateWindowMinutes: z.number().positive().default(30),
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
  matching: matchingConfigSchema.prefault({}),
});

/** One entry of `taxonomy.categories:`: what a complaint is about. */
export const categoryConfigSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
  /** Words or phrases pointing at the category, matched case-insensitively on word boundaries. */
  keywords: z.array(z.string().min(1)).optional(),
  /** JavaScript regular expression sources, matched case-insensitively. */
  patterns: z
    .array(
      z.string().refine((source) => {
        try {
          new RegExp(source, "i");
          return true;
        } catch {
          return false;
        }
      }, "not a valid regular expression"),
    )
    .optional(),
  /** Complaint texts of this category: the model the hub starts with is trained on them. */
  examples: z.array(z.string().min(1)).optional(),
});

/** `taxonomy:` the categories cases are classified into; none listed means the shipped default taxonomy. */
export const taxonomyConfigSchema = z.strictObject({
  categories: z.array(categoryConfigSchema).default(() => []),
});

/** `classification:` the classifier every inbound message goes through. */
export const classificationConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Below this confidence a case is marked for triage instead of getting a guessed category. */
  triageBelow: z.number().min(0).max(1).default(0.5),
  /** A model file written by `plaint train`; without it the newest retrained model, else one from the taxonomy. */
  model: z.string().min(1).optional(),
  /** Retrain from agents' corrections once this many new ones have come in (0: only on command). */
  retrainAfterCorrections: z.number().int().min(0).default(20),
});

/** `priority.weights:` how much each factor counts; they need not sum to 1 (the score is normalised). */
export const priorityWeightsSchema = z.strictObject({
  frequency: z.number().min(0).default(0.25),
  severity: z.number().min(0).default(0.3),
  brandRisk: z.number().min(0).default(0.15),
  revenue: z.number().min(0).default(0.15),
  fixLeverage: z.number().min(0).default(0.15),
});

/** `priority:` a 0–100 score from the complaint-management factors, its breakdown stored on the case. */
export const priorityConfigSchema = z.strictObject({
  weights: priorityWeightsSchema.prefault({}),
  /** Similar cases (same category) counted for frequency within this many days. */
  windowDays: z.number().positive().default(7),
  /** Frequency counts as full (1.0) at this many similar cases in the window; fix leverage at this many open ones. */
  saturation: z.number().int().positive().default(20),
  /** Promise-breaking complaints: these categories, or texts with these keywords, carry full brand risk. */
  brandRisk: z
    .strictObject({
      categories: z.array(slugSchema).default(() => []),
      keywords: z.array(z.string().min(1)).default(() => []),
    })
    .prefault({}),
  /** Revenue exposure from the customer's attributes (webhook fields or the CRM): tier names to 0–1, deal size. */
  revenue: z
    .strictObject({
      tiers: z.record(z.string(), z.number().min(0).max(1)).default(() => ({})),
      /** A deal of this size or more counts as full exposure. */
      fullDealSize: z.number().positive().default(100_000),
    })
    .prefault({}),
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
 * misspelt key is an error instead of a silently ignored setting. `connectors:` entries are checked by the schema
 * of their type's definition (connectorEntrySchema over the registry), which the composition root passes in.
 */
export function plaintConfigSchema(connectorEntry: z.ZodType<ConnectorConfigBase>) {
  return z.strictObject({
    server: serverConfigSchema.prefault({}),
    apiKeys: z.array(apiKeyConfigSchema).min(1, "add at least one API key"),
    teams: z.array(teamConfigSchema).min(1, "add at least one team"),
    agents: z.array(agentConfigSchema).default(() => []),
    calendars: z.array(calendarSchema).default(() => []),
    routing: routingConfigSchema,
    cases: casesConfigSchema.prefault({}),
    taxonomy: taxonomyConfigSchema.prefault({}),
    classification: classificationConfigSchema.prefault({}),
    priority: priorityConfigSchema.prefault({}),
    redaction: redactionConfigSchema.prefault({}),
    identity: identityConfigSchema.prefault({}),
    connectors: z.array(connectorEntry).default(() => []),
    destinations: z.array(destinationConfigSchema).default(() => []),
    pipeline: pipelineConfigSchema.prefault({}),
  });
}

/** The validated configuration, defaults applied and `${VAR}` references replaced. */
export type PlaintConfig = z.output<ReturnType<typeof plaintConfigSchema>>;
export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ApiKeyConfig = z.output<typeof apiKeyConfigSchema>;
export type TeamConfig = z.output<typeof teamConfigSchema>;
export type RoutingConfig = z.output<typeof routingConfigSchema>;
export type AgentConfig = z.output<typeof agentConfigSchema>;
export type CasesConfig = z.output<typeof casesConfigSchema>;
export type MatchingConfig = z.output<typeof matchingConfigSchema>;
export type ClassificationConfig = z.output<typeof classificationConfigSchema>;
export type PriorityConfig = z.output<typeof priorityConfigSchema>;
export type CategoryConfig = z.output<typeof categoryConfigSchema>;
export type DestinationConfig = z.output<typeof destinationConfigSchema>;
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
