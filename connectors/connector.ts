import type { IncomingHttpHeaders } from "node:http";
import type { z } from "zod";
import type { Result } from "../core/result";
import type { SignatureVerdict } from "../core/security/hmac-signature";
import type { CanonicalMessage, Channel } from "../normalizers/canonical-message";

/** An HTTP request as a connector sees it: the exact bytes, for signatures, and the headers. */
export interface InboundRequest {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  receivedAt: Date;
}

/** One item to write to the intake log; a request may carry several (Meta batches, arrays of form entries). */
export interface IntakeCandidate {
  externalId: string;
  rawBody: string;
}

/** A stored intake item handed back to the connector's normalizer by the worker. */
export interface StoredIntake {
  rawBody: string;
  receivedAt: Date;
  /** What the connector recorded beside the body (e.g. `encoding: "base64"` for raw mail). */
  meta: Record<string, unknown>;
}

/** Why a payload was refused: a human sentence and where in the payload. */
export interface PayloadProblem {
  path: string;
  message: string;
}

/**
 * A connector is a declaration: its type, its config schema and the few functions the hub calls.
 * Functions are pure (no I/O) so they can be tested from real payload files; the hub does the storing.
 */
export interface ConnectorDefinition<Config extends { id: string }> {
  type: string;
  channel: Channel;
  configSchema: z.ZodType<Config>;
  /** For connectors that are sent HTTP requests (webhooks); mail is fetched by a poller instead. */
  http?: HttpIntake<Config>;
  /** Turns one stored intake item into canonical messages (asynchronous where the parser is, as for MIME). */
  normalize(
    config: Config,
    item: StoredIntake,
  ): Result<CanonicalMessage[], PayloadProblem> | Promise<Result<CanonicalMessage[], PayloadProblem>>;
}

/** How an HTTP connector takes a request in. */
export interface HttpIntake<Config> {
  /** Authenticity of the request. Called before anything is stored. */
  verify(config: Config, request: InboundRequest): SignatureVerdict;
  /** Splits a verified request into intake items, or says what is wrong with it. */
  accept(config: Config, request: InboundRequest): Result<IntakeCandidate[], PayloadProblem>;
}

/** Identity factory: keeps the config type flowing from the zod schema into every function. */
export function defineConnector<Config extends { id: string }>(
  definition: ConnectorDefinition<Config>,
): ConnectorDefinition<Config> {
  return definition;
}

/** The first value of a header, whatever its case (Node lower-cases incoming header names). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
