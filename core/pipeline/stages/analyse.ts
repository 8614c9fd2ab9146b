import type { CanonicalMessage } from "../../../normalizers/canonical-message";
import { textProfile } from "../../../normalizers/analysis/similarity/similarity";
import type { AnalyzedMessage, MessageAnalyzer } from "../message-analysis";
import type { AnalyzedCandidate, FreshMessage } from "../pipeline.types";

/** Analyse stage: redaction, classification, signals and fingerprints, for each fresh message. No I/O. */
export function analyse(fresh: readonly FreshMessage[], analyzer: MessageAnalyzer | undefined): AnalyzedCandidate[] {
  return fresh.map((candidate) => ({ ...candidate, analyzed: analyze(analyzer, candidate.message) }));
}

/** The message analysed, or as it is stored when no analyzer is configured: unmasked, unclassified, no fingerprint. */
export function analyze(analyzer: MessageAnalyzer | undefined, message: CanonicalMessage): AnalyzedMessage {
  if (analyzer) return analyzer.analyze(message);
  return { message, classification: null, fingerprint: null, profile: textProfile(""), redactions: [], original: null };
}
