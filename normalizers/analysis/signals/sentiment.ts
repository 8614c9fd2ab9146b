import afinn from "sentiment/languages/en/labels.json";
import type { SentimentLabel } from "./signals.types";
import { PhraseMatcher, type Cue } from "./phrase-matcher";
import { NEGATORS, negatedBefore } from "./tokens";

/**
 * Valence of single words: AFINN-165 (English, -5…+5, shipped by the `sentiment` package) plus a small hand-made list
 * for German, French, Spanish, Dutch and Italian. Multi-word AFINN entries ("does not work", "fed up") go through the
 * phrase matcher.
 * @see https://github.com/fnielsen/afinn
 */
const WORDS = new Map<string, number>();
const PHRASES: Cue<"valence">[] = [];

for (const [entry, value] of Object.entries(afinn as Record<string, number>)) {
  if (/^[a-z]+$/.test(entry)) WORDS.set(entry, value);
  else if (/^[a-z][a-z' -]*$/.test(entry))
    PHRASES.push({ phrase: entry.replace(/-/g, " "), label: "valence", weight: value });
}

// prettier-ignore
const OTHER_LANGUAGES: Record<string, number> = {
  // de
  gut: 2, super: 3, toll: 3, danke: 2, zufrieden: 2, hervorragend: 4, schlecht: -3, schlimm: -3, enttäuscht: -2,
  ärgerlich: -2, unverschämt: -3, katastrophe: -4, katastrophal: -4, kaputt: -2, leider: -1, frechheit: -3,
  wütend: -3,
  // fr
  bon: 2, bien: 2, merci: 2, génial: 3, parfait: 3, content: 2, mauvais: -3, nul: -3, déçu: -2, déçue: -2,
  furieux: -3, inadmissible: -3, honteux: -3, inacceptable: -3, catastrophe: -4,
  // es
  bueno: 2, buena: 2, gracias: 2, genial: 3, perfecto: 3, excelente: 4, malo: -3, mala: -3, pésimo: -4, horrible: -3,
  decepcionado: -2, decepcionada: -2, enfadado: -3, inaceptable: -3, vergüenza: -3,
  // nl
  goed: 2, bedankt: 2, dank: 2, geweldig: 4, prima: 2, slecht: -3, teleurgesteld: -2, boos: -3, belachelijk: -3,
  schandalig: -4, waardeloos: -3,
  // it
  buono: 2, buona: 2, grazie: 2, ottimo: 3, perfetto: 3, eccellente: 4, cattivo: -3, pessimo: -4, deluso: -2,
  delusa: -2, arrabbiato: -3, inaccettabile: -3, vergognoso: -3,
};
for (const [word, value] of Object.entries(OTHER_LANGUAGES)) if (!WORDS.has(word)) WORDS.set(word, value);

const phraseMatcher = new PhraseMatcher(PHRASES);

// prettier-ignore
const INTENSIFIERS: ReadonlySet<string> = new Set([
  "very", "really", "so", "extremely", "totally", "absolutely", "completely", "incredibly", "super", "sehr", "total",
  "très", "vraiment", "muy", "realmente", "erg", "heel", "echt", "molto", "davvero",
]);

/** A negated word keeps three quarters of its strength, turned around ("not good" is less bad than "bad"). */
const NEGATION_FACTOR = -0.75;
/** Normalisation constant of x / sqrt(x² + α): a single strong word gives about ±0.6, a sentence of them ±0.9. */
const ALPHA = 15;
const NEUTRAL_BAND = 0.05;

export interface SentimentReading {
  label: SentimentLabel;
  score: number;
}

/** Lexicon sentiment with negation (three words back) and intensifiers, squashed into [-1, 1]. */
export function readSentiment(tokens: readonly string[]): SentimentReading {
  let raw = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const value = WORDS.get(token);
    // A negator is scored through what it negates ("no problem"), not on its own.
    if (value !== undefined && !NEGATORS.has(token)) raw += adjust(tokens, i, value);
  }
  for (const m of phraseMatcher.match(tokens)) raw += adjust(tokens, m.start, m.cue.weight);
  const score = raw === 0 ? 0 : Math.round((raw / Math.sqrt(raw * raw + ALPHA)) * 1000) / 1000;
  const label: SentimentLabel = score > NEUTRAL_BAND ? "positive" : score < -NEUTRAL_BAND ? "negative" : "neutral";
  return { label, score };
}

function adjust(tokens: readonly string[], index: number, value: number): number {
  let out = value;
  const previous = tokens[index - 1];
  if (previous !== undefined && INTENSIFIERS.has(previous)) out *= 1.5;
  return negatedBefore(tokens, index, 3) ? out * NEGATION_FACTOR : out;
}
