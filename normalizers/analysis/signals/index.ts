import type { Signals } from "./signals.types";
import { readKind } from "./kind";
import { readLanguage } from "./language";
import { readSentiment } from "./sentiment";
import { matchSeverityCues, readSeverity } from "./severity";
import { splitLinks, tokenize } from "./tokens";

export type { MessageKind, Severity, SentimentLabel, Signals } from "./signals.types";
export { MESSAGE_KINDS, SEVERITIES } from "./signals.types";

/**
 * Only the start of a very long message is read: cues live in the first paragraphs, and the cost per message stays
 * bounded (a pasted log file must not slow the pipeline).
 */
export const MAX_SIGNAL_CHARS = 8_000;

/**
 * Reads kind, severity, sentiment and language from a message's text. Pure and synchronous; cheap enough to run on
 * every message. `channel` is the canonical channel ("email", "sms", "whatsapp", …): on real-time channels time
 * pressure can raise severity to `blocked`. `reasons` lists the cue words behind kind and severity.
 */
export function readSignals(text: string, channel?: string): Signals {
  const head = text.length > MAX_SIGNAL_CHARS ? text.slice(0, MAX_SIGNAL_CHARS) : text;
  const { text: words, links } = splitLinks(head);
  const tokens = tokenize(words);
  const problems = matchSeverityCues(tokens);
  const kind = readKind(words, tokens, problems, links);
  const severity = readSeverity(problems, channel);
  return {
    kind: kind.kind,
    severity: severity.severity,
    sentiment: readSentiment(tokens),
    language: readLanguage(words, tokens),
    reasons: [...kind.reasons, ...severity.reasons],
  };
}
