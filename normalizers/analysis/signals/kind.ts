import type { MessageKind } from "./signals.types";
import { KIND_CUES, QUESTION_OPENERS, REQUEST_OPENERS, type KindCueLabel } from "./kind.cues";
import { PhraseMatcher, type CueMatch } from "./phrase-matcher";
import type { SeverityCueLabel } from "./severity.cues";
import { isPunctuation } from "./tokens";

const matcher = new PhraseMatcher<KindCueLabel>(KIND_CUES);

/** Weight of a problem report (a severity cue) as complaint evidence. */
const PROBLEM_WEIGHT: Record<SeverityCueLabel, number> = {
  blocked: 3,
  failure: 2,
  inconvenienced: 1,
  annoyed: 1,
  urgent: 0,
};

export interface KindReading {
  kind: MessageKind;
  reasons: string[];
}

/**
 * Kind from weighted cues. Spam needs promotion together with links (or three different promotion cues, or three
 * links) and must outweigh any complaint; a complaint wins ties with feedback ("in my opinion this is terrible"); a
 * message with neither is a question when it asks or requests something, else "other". `text` is the message
 * without its links (a "?" in a URL asks nothing); `links` how many there were.
 */
export function readKind(
  text: string,
  tokens: readonly string[],
  problems: readonly CueMatch<SeverityCueLabel>[],
  links: number,
): KindReading {
  const score = { complaint: 0, feedback: 0, request: 0 };
  const why = { complaint: [] as string[], feedback: [] as string[] };
  const promotion = new Set<string>();
  for (const m of matcher.match(tokens)) {
    const label = m.negated ? flip(m.cue.label) : m.cue.label;
    if (label === null) continue;
    if (label === "spam") {
      promotion.add(m.cue.phrase);
      continue;
    }
    const bucket = label === "praise" || label === "suggestion" || label === "review" ? "feedback" : label;
    score[bucket] += m.cue.weight;
    if (bucket !== "request") why[bucket].push(m.negated ? `not '${m.text}'` : `'${m.text}'`);
  }
  for (const p of problems) {
    if (p.negated || PROBLEM_WEIGHT[p.cue.label] === 0) continue;
    score.complaint += PROBLEM_WEIGHT[p.cue.label];
    why.complaint.push(`'${p.text}'`);
  }
  // Distinct promotion cues, so a mortgage complaint that says "loan" ten times stays a complaint; links count double.
  const spam = promotion.size >= 3 || (links > 0 && promotion.size >= 1) || links >= 3 ? promotion.size + 2 * links : 0;
  if (spam >= 3 && spam > score.complaint) {
    const cues = [...promotion].map((phrase) => `'${phrase}'`);
    return { kind: "spam", reasons: [`spam: ${list(links > 0 ? [...cues, `${links} link(s)`] : cues)}`] };
  }
  if (score.complaint > 0 && score.complaint >= score.feedback) {
    return { kind: "complaint", reasons: [`complaint: ${list(why.complaint)}`] };
  }
  if (score.feedback > 0) return { kind: "feedback", reasons: [`feedback: ${list(why.feedback)}`] };
  if (asksQuestion(text, tokens)) return { kind: "question", reasons: ["question: question form"] };
  if (score.request > 0 || REQUEST_OPENERS.has(firstWord(tokens)))
    return { kind: "question", reasons: ["question: request for help"] };
  return { kind: "other", reasons: ["other: no complaint, feedback, question or spam cue"] };
}

/** Negated praise is dissatisfaction ("not happy with"); a negated complaint word is no evidence either way. */
function flip(label: KindCueLabel): KindCueLabel | null {
  switch (label) {
    case "praise":
      return "complaint";
    case "complaint":
    case "spam":
      return null;
    case "suggestion":
    case "review":
    case "request":
      return label;
  }
}

function asksQuestion(text: string, tokens: readonly string[]): boolean {
  if (text.includes("?") || text.includes("¿")) return true;
  return QUESTION_OPENERS.has(firstWord(tokens));
}

function firstWord(tokens: readonly string[]): string {
  for (const token of tokens) if (!isPunctuation(token)) return token;
  return "";
}

function list(items: readonly string[]): string {
  const unique = [...new Set(items)];
  return unique.length > 4 ? `${unique.slice(0, 4).join(", ")}, …` : unique.join(", ");
}
