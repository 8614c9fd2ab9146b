/**
 * How one complaint looks when a customer sends it through different channels: an email with greeting, context
 * lines, sign-off, phone signature and the quoted history of the last reply; an SMS cut to 160 characters and typed
 * fast (lower case, abbreviations, typos); a web form with its sentences in another order; a chat line with emoji;
 * a retyped version with words dropped or changed. Seeded, so the evaluation pairs are the same on every run.
 */

/** A seeded random source (mulberry32): the same seed gives the same pairs on every machine. */
export interface Random {
  next(): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (probability) => next() < probability,
  };
}

const names = ["Anna", "Tom Baker", "Priya", "J. Morales", "Lena Fischer", "Sam"];
const greetings = ["Hi,", "Hello,", "Dear Sir or Madam,", "Hi there,", "Hello team,", "Good morning,"];
const signOffs = ["Thanks,", "Kind regards,", "Best regards,", "Thank you,", "Cheers,", "Regards,"];
/**
 * Lines customers add to emails whatever the complaint is about. Shared by all complaints on purpose: two
 * different complaints of one customer both carry them, which is what makes email-to-email negatives hard.
 */
const contextLines = [
  "I am writing to you about a problem with my account.",
  "I have been a customer for many years and this has never happened before.",
  "I already tried to call but nobody picked up.",
  "This is the second time I am contacting you about this.",
  "Please look into this as soon as possible.",
  "I would appreciate a quick answer.",
  "Please let me know what I need to do.",
  "My customer number is 48213.",
];
const quotedReplies = [
  "Thank you for contacting us. We have received your message and will get back to you shortly.",
  "We are sorry to hear about the trouble. Could you send us more details so we can help?",
];
const abbreviations: [RegExp, string][] = [
  [/\byou\b/gi, "u"],
  [/\bplease\b/gi, "pls"],
  [/\bthanks\b/gi, "thx"],
  [/\bbecause\b/gi, "bc"],
  [/\bare\b/gi, "r"],
  [/\bI am\b/g, "im"],
  [/\bdon't\b/gi, "dont"],
];
/** Word swaps a person makes when typing the same thing again. */
const retypings: [RegExp, string][] = [
  [/\bhave not\b/gi, "haven't"],
  [/\bhaven't\b/gi, "have not"],
  [/\bcan't\b/gi, "cannot"],
  [/\bcannot\b/gi, "can't"],
  [/\breceived\b/gi, "got"],
  [/\bmoney\b/gi, "funds"],
  [/\bwhy\b/gi, "how come"],
  [/\bI'm\b/g, "I am"],
  [/\bisn't\b/gi, "is not"],
  [/\bstill\b/gi, "yet"],
];
const emoji = ["😡", "🙁", "😤", "🙏", "‼️"];

/** Sentences of a text; a text without sentence punctuation (CFPB) is cut into 20-word pieces instead. */
export function sentences(text: string): string[] {
  const parts =
    text
      .match(/[^.!?\n]+[.!?]*/g)
      ?.map((part) => part.trim())
      .filter((part) => part !== "") ?? [];
  if (parts.length > 1) return parts;
  const words = text.split(/\s+/).filter((word) => word !== "");
  if (words.length <= 30) return [text.trim()];
  const pieces: string[] = [];
  for (let start = 0; start < words.length; start += 20) pieces.push(words.slice(start, start + 20).join(" "));
  return pieces;
}

/** One typo in a word: two letters swapped, one dropped, or one doubled. */
function typo(word: string, random: Random): string {
  if (word.length < 4) return word;
  const at = 1 + Math.floor(random.next() * (word.length - 2));
  const kind = random.next();
  if (kind < 0.4) return word.slice(0, at) + (word[at + 1] ?? "") + (word[at] ?? "") + word.slice(at + 2);
  if (kind < 0.7) return word.slice(0, at) + word.slice(at + 1);
  return word.slice(0, at) + (word[at] ?? "") + word.slice(at);
}

function withTypos(text: string, rate: number, random: Random): string {
  return text
    .split(" ")
    .map((word) => (random.chance(rate) ? typo(word, random) : word))
    .join(" ");
}

export function emailVersion(text: string, random: Random): string {
  const name = random.pick(names);
  const lines = [random.pick(greetings), ""];
  if (random.chance(0.5)) lines.push(random.pick(contextLines), "");
  lines.push(
    ...sentences(text)
      .join(" ")
      .split(/(?<=[.!?])\s+(?=[A-Z])/),
  );
  if (random.chance(0.6)) lines.push("", random.pick(contextLines));
  lines.push("", random.pick(signOffs), name);
  if (random.chance(0.3)) lines.push("", "Sent from my iPhone");
  if (random.chance(0.5)) {
    lines.push("", "On Mon, 2 Mar 2026 at 10:14, Support <support@plaint.example> wrote:");
    lines.push(`> ${random.pick(quotedReplies)}`, ">", "> Best, the support team");
  }
  return lines.join("\n");
}

/** The SMS resend: the first sentences that fit in 160 characters (or the first 160 cut at a word), typed fast. */
export function smsVersion(text: string, random: Random): string {
  let sms = "";
  for (const sentence of sentences(text)) {
    if ((sms + " " + sentence).trim().length > 160) break;
    sms = (sms + " " + sentence).trim();
  }
  if (sms === "") sms = text.slice(0, 160).replace(/\s+\S*$/, "");
  for (const [pattern, short] of abbreviations) if (random.chance(0.5)) sms = sms.replace(pattern, short);
  if (random.chance(0.6)) sms = sms.toLowerCase();
  if (random.chance(0.5)) sms = sms.replace(/[.!?]+$/, "");
  return withTypos(sms, 0.06, random);
}

/** Words a terse SMS leaves out. */
const terseDrops = new Set(
  "a an the i my me is are was were have has had do does did to of for it that this and but so with please can could would".split(
    " ",
  ),
);

/**
 * The terse SMS: the first sentence (or 25 words) in telegraph style, most small words left out ("card not arrived
 * 2 weeks pls help"): how people retype a complaint on a phone rather than paste it.
 */
export function terseSmsVersion(text: string, random: Random): string {
  const first = (sentences(text)[0] ?? text).split(/\s+/).slice(0, 25);
  const kept = first.filter((word) => !terseDrops.has(word.toLowerCase().replace(/[^a-z]/g, "")) || random.chance(0.2));
  return withTypos(
    kept
      .join(" ")
      .toLowerCase()
      .replace(/[.!?]+$/, ""),
    0.04,
    random,
  );
}

/** The web-form version: sentences in another order, sometimes shouted, punctuation and spacing changed. */
export function webFormVersion(text: string, random: Random): string {
  const parts = sentences(text);
  if (parts.length > 1) parts.push(parts.shift() ?? "");
  let form = parts.join(random.chance(0.5) ? "\n\n" : "  ");
  if (random.chance(0.15)) form = form.toUpperCase();
  if (random.chance(0.4)) form = form.replace(/[.]/g, "!!").replace(/,/g, " ,");
  return form;
}

/** The chat line: lower case, a typo or two, maybe an opening "hi" and an emoji. */
export function chatVersion(text: string, random: Random): string {
  let chat = withTypos(text.toLowerCase(), 0.05, random);
  if (random.chance(0.4)) chat = `hi ${chat}`;
  if (random.chance(0.4)) chat = `${chat} ${random.pick(emoji)}`;
  return chat;
}

/** The same complaint typed again: a few words swapped for others, one or two left out, a typo. */
export function retypedVersion(text: string, random: Random): string {
  let retyped = text;
  for (const [pattern, other] of retypings) if (random.chance(0.5)) retyped = retyped.replace(pattern, other);
  const words = retyped.split(/\s+/);
  const drops = words.length >= 8 ? 2 : words.length >= 4 ? 1 : 0;
  for (let drop = 0; drop < drops; drop += 1) words.splice(Math.floor(random.next() * words.length), 1);
  return withTypos(words.join(" "), 0.04, random);
}

export const channelVersions = {
  email: emailVersion,
  sms: smsVersion,
  terseSms: terseSmsVersion,
  webform: webFormVersion,
  chat: chatVersion,
  retyped: retypedVersion,
} as const;
export type ChannelVersion = keyof typeof channelVersions;
