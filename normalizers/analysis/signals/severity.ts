import type { Severity } from "./signals.types";
import { PhraseMatcher, type CueMatch } from "./phrase-matcher";
import { REAL_TIME_CHANNELS, SEVERITY_CUES, type SeverityCueLabel } from "./severity.cues";

const matcher = new PhraseMatcher<SeverityCueLabel>(SEVERITY_CUES);

/** Severity cue occurrences in a message, negated ones included (flagged). */
export function matchSeverityCues(tokens: readonly string[]): CueMatch<SeverityCueLabel>[] {
  return matcher.match(tokens);
}

export interface SeverityReading {
  severity: Severity;
  reasons: string[];
}

/**
 * The worst impact any cue shows; a negated cue ("no problem", "not late") counts nothing. Time pressure raises one
 * step: on a real-time channel up to `blocked` (the customer is waiting live, often mid-task), elsewhere only from
 * `annoyed` to `inconvenienced`.
 */
export function readSeverity(matches: readonly CueMatch<SeverityCueLabel>[], channel?: string): SeverityReading {
  const hits: Record<SeverityCueLabel, string[]> = {
    blocked: [],
    failure: [],
    inconvenienced: [],
    annoyed: [],
    urgent: [],
  };
  for (const m of matches) if (!m.negated) hits[m.cue.label].push(m.text);
  let severity: Severity;
  const reasons: string[] = [];
  if (hits.blocked.length > 0) {
    severity = "blocked";
    reasons.push(`blocked: ${quote(hits.blocked)}`);
  } else if (hits.failure.length > 0 || hits.inconvenienced.length > 0) {
    severity = "inconvenienced";
    reasons.push(`inconvenienced: ${quote([...hits.failure, ...hits.inconvenienced])}`);
  } else {
    severity = "annoyed";
    reasons.push(hits.annoyed.length > 0 ? `annoyed: ${quote(hits.annoyed)}` : "annoyed: no impact cue (default)");
  }
  if (hits.urgent.length === 0 || severity === "blocked") return { severity, reasons };
  const realTime = channel !== undefined && REAL_TIME_CHANNELS.has(channel);
  const raised: Severity | null = severity === "annoyed" ? "inconvenienced" : realTime ? "blocked" : null;
  if (raised !== null) {
    severity = raised;
    const where = realTime ? `real-time channel ${channel}` : `channel ${channel ?? "unknown"}`;
    reasons.push(`${raised}: ${quote(hits.urgent)} on ${where}`);
  }
  return { severity, reasons };
}

function quote(texts: readonly string[]): string {
  const unique = [...new Set(texts)];
  return (
    unique
      .slice(0, 4)
      .map((t) => `'${t}'`)
      .join(", ") + (unique.length > 4 ? ", …" : "")
  );
}
