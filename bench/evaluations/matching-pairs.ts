/**
 * Labelled "does this new message join that case?" pairs, built deterministically from the classification
 * corpora. How (also printed in the evaluation's header):
 *
 * - Base complaints: a seeded sample per corpus and split (banking77 500, bitext 400, CFPB 150 narratives). The
 *   "tune" split reads banking77 train.csv, even bitext rows and cfpb_train.json; "report" reads test.csv, odd
 *   bitext rows and cfpb_test.json. The threshold is chosen on "tune"; the figures that count are on "report".
 * - Positives ("same complaint, resent"): each base complaint gives two of the five resend types, rotating, so
 *   each type has the same count. The case holds one version of the complaint (and, for half, a chat version
 *   too), the new message another: email → SMS (first 160 characters), email → terse SMS (telegraph style),
 *   email → web form, SMS → chat, web form → retyped (see channel-variants.ts for each version).
 * - Negatives ("same customer, another complaint"): each base complaint also gives two, against another sampled
 *   complaint of the same corpus: one of a different intent in the SAME category (hard: two card-payment
 *   complaints about different things; two CFPB narratives about the same product) and one of another category.
 *   Both sides are rendered in random channels, so email-to-email negatives share greeting, context lines and
 *   signature, as two mails of one customer do. Positives : negatives ≈ 1 : 1.
 * - Secondary, not in the main score ("same intent, another writer"): two different texts of the same intent
 *   (banking77, bitext), rendered in random channels. Whether they are one complaint is not knowable from the
 *   corpus: these are different people asking about the same kind of thing, not one customer's resend.
 */
import {
  chatVersion,
  emailVersion,
  retypedVersion,
  seededRandom,
  smsVersion,
  terseSmsVersion,
  webFormVersion,
  type Random,
} from "./channel-variants";
import type { CorpusComplaint, CorpusSource } from "./matching-corpus";

export type PairType =
  | "email-sms"
  | "email-terse-sms"
  | "email-webform"
  | "sms-chat"
  | "webform-retyped"
  | "other-intent-same-category"
  | "other-category"
  | "same-intent-other-writer";

export interface LabelledPair {
  type: PairType;
  source: CorpusSource;
  /** The gold answer: one complaint (join) or two. Undefined for the secondary same-intent pairs. */
  same: boolean | undefined;
  newText: string;
  newCategory: string;
  caseTexts: string[];
  caseCategory: string;
}

/** Base complaints sampled per corpus and split. */
export const baseSample: Record<CorpusSource, number> = { banking77: 500, bitext: 400, cfpb: 150 };
/** Secondary same-intent pairs per corpus (CFPB has no two narratives of one complaint). */
const sameIntentSample: Record<CorpusSource, number> = { banking77: 500, bitext: 500, cfpb: 0 };

const resendTypes = ["email-sms", "email-terse-sms", "email-webform", "sms-chat", "webform-retyped"] as const;
const renderers = [emailVersion, smsVersion, webFormVersion, chatVersion];

function resend(type: (typeof resendTypes)[number], text: string, random: Random): [string, string] {
  switch (type) {
    case "email-sms":
      return [emailVersion(text, random), smsVersion(text, random)];
    case "email-terse-sms":
      return [emailVersion(text, random), terseSmsVersion(text, random)];
    case "email-webform":
      return [emailVersion(text, random), webFormVersion(text, random)];
    case "sms-chat":
      return [smsVersion(text, random), chatVersion(text, random)];
    case "webform-retyped":
      return [webFormVersion(text, random), retypedVersion(text, random)];
  }
}

/** A seeded sample of `count` distinct items, in sampled order. */
function sample<T>(items: readonly T[], count: number, random: Random): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random.next() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy.slice(0, count);
}

function anyChannel(text: string, random: Random): string {
  return random.pick(renderers)(text, random);
}

/**
 * One labelled pair. Half of the cases also hold a chat follow-up of their own complaint, as an open case holds a
 * few messages: the new message is compared with each, which gives negatives one more chance to match.
 */
function pair(
  type: PairType,
  same: boolean | undefined,
  caseSide: CorpusComplaint,
  newSide: CorpusComplaint,
  texts: [string, string],
  random: Random,
): LabelledPair {
  const caseTexts = random.chance(0.5) ? [texts[0], chatVersion(caseSide.text, random)] : [texts[0]];
  return {
    type,
    source: caseSide.source,
    same,
    caseTexts,
    caseCategory: caseSide.category,
    newText: texts[1],
    newCategory: newSide.category,
  };
}

function sourcePairs(complaints: CorpusComplaint[], source: CorpusSource, random: Random): LabelledPair[] {
  const pool = complaints.filter((complaint) => complaint.source === source);
  const bases = sample(pool, baseSample[source], random);
  const pairs: LabelledPair[] = [];
  bases.forEach((base, index) => {
    for (const type of [resendTypes[index % 5], resendTypes[(index + 2) % 5]] as const) {
      if (type !== undefined) pairs.push(pair(type, true, base, base, resend(type, base.text, random), random));
    }
    const hard = bases.filter((other) => other.category === base.category && other.intent !== base.intent);
    const easy = bases.filter((other) => other.category !== base.category);
    for (const [type, others] of [
      ["other-intent-same-category", hard],
      ["other-category", easy],
    ] as const) {
      if (others.length === 0) continue;
      const other = random.pick(others);
      pairs.push(
        pair(type, false, base, other, [anyChannel(base.text, random), anyChannel(other.text, random)], random),
      );
    }
  });
  return pairs;
}

function sameIntentPairs(complaints: CorpusComplaint[], source: CorpusSource, random: Random): LabelledPair[] {
  const pool = complaints.filter((complaint) => complaint.source === source);
  const pairs: LabelledPair[] = [];
  for (const base of sample(pool, sameIntentSample[source], random)) {
    const others = pool.filter((other) => other.intent === base.intent && other.text !== base.text);
    if (others.length === 0) continue;
    const other = random.pick(others);
    const texts: [string, string] = [anyChannel(base.text, random), anyChannel(other.text, random)];
    pairs.push(pair("same-intent-other-writer", undefined, base, other, texts, random));
  }
  return pairs;
}

/** The main labelled pairs (positives and negatives) of one split's complaints. Same seed, same pairs. */
export function buildMatchingPairs(complaints: CorpusComplaint[], seed = 77): LabelledPair[] {
  const random = seededRandom(seed);
  return (["banking77", "bitext", "cfpb"] as const).flatMap((source) => sourcePairs(complaints, source, random));
}

/** The secondary pairs: two writers, one intent. Reported apart from the main score. */
export function buildSameIntentPairs(complaints: CorpusComplaint[], seed = 78): LabelledPair[] {
  const random = seededRandom(seed);
  return (["banking77", "bitext"] as const).flatMap((source) => sameIntentPairs(complaints, source, random));
}
