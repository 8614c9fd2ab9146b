/** Why a body does not fit its connector's mapping: `path` is the JSON Pointer that failed. */
export interface MappingProblem {
  path: string;
  message: string;
}

/**
 * A complete mapping, as the normalizer uses it: JSON Pointers to each canonical field. The webhook connector's
 * config schema checks the required pointers and fills in a preset's before the normalizer ever sees one.
 */
export interface WebhookMapping {
  items?: string;
  externalId: string;
  text: string;
  subject?: string;
  receivedAt?: string;
  from: { email?: string; phone?: string; name?: string; handle?: string };
  customer?: { tier?: string; segment?: string; dealSize?: string };
}
