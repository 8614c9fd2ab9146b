import type { CanonicalMessage } from "../../normalizers/canonical-message";
import type { IngestPolicy } from "../connector-contract/connector";
import type { Continuation } from "../cases/continuation";
import type { CasesConfig, PriorityConfig } from "../config/config.schema";
import type { IdentityConfig } from "../customers/identity.schema";
import type { RoutingConfig } from "../routing/route";
import type { AgentConfig } from "../config/config.schema";
import type { BusinessCalendars } from "../routing/rules";
import type { AnalyzedMessage, MessageAnalyzer } from "./message-analysis";

/*
 * The types the pipeline's stages hand each other. They live apart from the stages so that a stage never imports
 * the entry point (ingest-messages.ts), which imports every stage.
 */

/** The canonical messages of one intake item. */
export interface IntakeMessages {
  intakeItemId: string;
  connectorId: string;
  messages: CanonicalMessage[];
  /** Which attempt this is (1 = first), when the queue runs it; absent when called directly. */
  attempt?: number;
  /** The intake log's raw body and its meta, masked after processing when redaction found personal data in the item. */
  rawBody?: string;
  meta?: Record<string, unknown>;
}

/** A connector's way to mask its raw bodies (see `ConnectorDefinition.maskRawBody`). */
export type RawBodyMasker = (
  item: { rawBody: string; meta: Record<string, unknown> },
  redact: (text: string) => string,
) => string | Promise<string>;

export interface IngestSettings {
  /** `routing:`: where the route stage sends new cases. */
  routing: RoutingConfig;
  destinations: readonly { id: string }[];
  cases: CasesConfig;
  /** Per connector id, from its definition's `ingestPolicy`; connectors without one get none. */
  policies: ReadonlyMap<string, IngestPolicy>;
  /** `pipeline.maxAttempts`: a reply waits for its parent only while attempts remain. */
  maxAttempts?: number;
  /** Redaction, classification and fingerprints; without it messages are stored as they came, unclassified. */
  analyzer?: MessageAnalyzer;
  /** `identity:`; without it only exact identity matches link customers. */
  identity?: IdentityConfig;
  /** Per connector id, how to mask its raw bodies where masking the raw text would miss things (mail, forms). */
  rawMaskers?: ReadonlyMap<string, RawBodyMasker>;
  /** `priority:`; without it new cases get no priority. */
  priority?: PriorityConfig;
  /** `agents:`, for rules' assignment strategies; without it a strategy finds no agent. */
  agents?: readonly AgentConfig[];
  /** `calendars:`, for rules' `businessHours:` conditions; without it no rule may name a calendar. */
  calendars?: BusinessCalendars;
}

/** A message the dedupe stage let through: not stored yet, a real message, with a sender to put it on. */
export interface FreshMessage {
  item: IntakeMessages;
  /** As received: the analyse stage masks a copy. */
  message: CanonicalMessage;
  /** Its idempotency key (`inboundMessageKey`). */
  key: string;
}

/** A fresh message after the analyse stage. */
export interface AnalyzedCandidate extends FreshMessage {
  analyzed: AnalyzedMessage;
}

/** A message that will be stored, and the case it goes to. */
export interface Placement {
  id: string;
  key: string;
  /** As stored: personal data masked. */
  message: CanonicalMessage;
  analyzed: AnalyzedMessage;
  /** The earlier message this one repeats word for word, when it joined that message's case for it. */
  duplicateOf: string | null;
  intakeItemId: string;
  connectorId: string;
  actor: string;
  identityId: string;
  caseId: string;
  /** How the message found (or did not find) its case. */
  via: Continuation;
}
