import { compile } from "html-to-text";
import type { ParsedMail } from "mailparser";
import type { EmailParsingConfig } from "./email-parsing.schema";

/** The text body (the HTML converted when there is no text part), cut to `maxTextChars`, and what was cut. */
export function bodyText(parsed: ParsedMail, parsing: EmailParsingConfig): { text: string; notes: string[] } {
  let text = "";
  let notes: string[] = [];
  if (typeof parsed.text === "string" && /\S/.test(parsed.text)) text = parsed.text.replace(/\r\n?/g, "\n").trimEnd();
  else if (typeof parsed.html === "string" && parsed.html !== "") ({ text, notes } = htmlToText(parsed.html, parsing));
  if (text.length > parsing.maxTextChars) {
    notes.push(`text cut at ${parsing.maxTextChars} of ${text.length} characters (parsing.maxTextChars)`);
    // Never half a surrogate pair at the cut.
    const end = /[\uD800-\uDBFF]/.test(text.charAt(parsing.maxTextChars - 1))
      ? parsing.maxTextChars - 1
      : parsing.maxTextChars;
    text = text.slice(0, end).trimEnd();
  }
  return { text, notes };
}

/** Limits a body ran into, as last lines of its text: a reader (or an agent) sees that something is missing. */
export const limitNotePrefix = "[Plaint: ";

/** `text` with the limit notes as its last lines. */
export function withNotes(text: string, notes: string[]): string {
  if (notes.length === 0) return text;
  const lines = notes.map((note) => `${limitNotePrefix}${note}]`).join("\n");
  return text === "" ? lines : `${text}\n\n${lines}`;
}

/** What HTML to text was limited by, for the note the text then carries. */
export type HtmlTextLimits = Pick<EmailParsingConfig, "maxHtmlChars" | "maxHtmlDepth">;

export interface HtmlText {
  text: string;
  /** One line per limit the conversion ran into, naming the config key; empty when none did. */
  notes: string[];
}

/**
 * HTML body → plain text within the configured limits. Never throws. The HTML is cut to `maxHtmlChars` first (the
 * converter's own `maxInputLength` would cut too, but warns on the console). Before the converter runs, one linear
 * pass checks the nesting depth: htmlparser2 keeps its open-element stack with `unshift`, so parsing is quadratic
 * in the depth (measured: 20,000 nested `<b>` 0.3 s, 100,000 2.7 s, 300,000 32 s), and html-to-text's walk is
 * recursive (it overflows the stack at about 3,000 levels). HTML deeper than `maxHtmlDepth` only has its tags
 * dropped, which is linear, and says so.
 */
export function htmlToText(html: string, limits: HtmlTextLimits): HtmlText {
  const notes: string[] = [];
  let source = html;
  if (source.length > limits.maxHtmlChars) {
    source = source.slice(0, limits.maxHtmlChars);
    notes.push(
      `HTML cut at ${limits.maxHtmlChars} of ${html.length} characters before conversion (parsing.maxHtmlChars)`,
    );
  }
  if (nestingExceeds(source, limits.maxHtmlDepth)) {
    notes.push(`HTML nested deeper than ${limits.maxHtmlDepth} levels, tags dropped (parsing.maxHtmlDepth)`);
    return { text: stripTags(source), notes };
  }
  try {
    return { text: converter(limits.maxHtmlDepth)(source).trim(), notes };
  } catch {
    // Whatever the depth check did not foresee (the converter failing on odd markup): keep the words.
    return { text: stripTags(source), notes };
  }
}

const converters = new Map<number, (html: string) => string>();

/** Compiled once per depth limit: compiling the options costs more than converting a short mail. */
function converter(maxDepth: number): (html: string) => string {
  let convert = converters.get(maxDepth);
  if (!convert) {
    convert = compile({
      wordwrap: false,
      // The depth check keeps real nesting below maxDepth; this only guards the recursion should it be wrong.
      limits: { maxDepth: maxDepth + 16 },
      selectors: [
        { selector: "a", options: { ignoreHref: true } },
        { selector: "img", format: "skip" },
      ],
    });
    converters.set(maxDepth, convert);
  }
  return convert;
}

/** Tags dropped, whitespace runs folded: linear (`[^<>]*` stops at the next bracket, so no start rescans far). */
function stripTags(html: string): string {
  return html
    .replace(/<[^<>]*>/g, " ")
    .replace(/[ \t]+/g, " ")
    .trim();
}

// The parts of htmlparser2's HTML mode that keep its stack shallow: void elements never open a level, and some
// start tags close the open element first (`<li>` an open `<li>`, a block an open `<p>`). Leaving a rule out only
// makes the count deeper than the parser's, never shallower, so the check stays on the safe side.
const voidElements = new Set(
  "area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr".split(
    " ",
  ),
);
const closesP = new Set(["p"]);
const impliedClose = new Map<string, Set<string>>([
  ["p", closesP],
  ["div", closesP],
  ["table", closesP],
  ["ul", closesP],
  ["ol", closesP],
  ["blockquote", closesP],
  ["pre", closesP],
  ["h1", closesP],
  ["h2", closesP],
  ["h3", closesP],
  ["h4", closesP],
  ["h5", closesP],
  ["h6", closesP],
  ["li", new Set(["li"])],
  ["tr", new Set(["tr", "td", "th"])],
  ["td", new Set(["td", "th"])],
  ["th", new Set(["th"])],
  ["option", new Set(["option"])],
  ["dd", new Set(["dd", "dt"])],
  ["dt", new Set(["dd", "dt"])],
]);

/**
 * True when `html` nests elements deeper than `maxDepth`, in one pass: start tags push, end tags pop down to the
 * nearest open element of that name (and are ignored when none is open), comments are skipped. Counts per name
 * make an unmatched end tag cost nothing, so the pass stays linear in the length.
 */
export function nestingExceeds(html: string, maxDepth: number): boolean {
  const stack: string[] = [];
  const open = new Map<string, number>();
  const pop = (): void => {
    const name = stack.pop();
    if (name !== undefined) open.set(name, (open.get(name) ?? 1) - 1);
  };
  let at = html.indexOf("<");
  while (at >= 0) {
    if (html.startsWith("<!--", at)) {
      const end = html.indexOf("-->", at + 4);
      at = end < 0 ? -1 : html.indexOf("<", end + 3);
      continue;
    }
    const closing = html.charCodeAt(at + 1) === 0x2f;
    const start = at + (closing ? 2 : 1);
    let end = start;
    while (end < html.length && isNameChar(html.charCodeAt(end))) end += 1;
    at = html.indexOf("<", end);
    if (end === start) continue;
    const name = html.slice(start, end).toLowerCase();
    if (closing) {
      if ((open.get(name) ?? 0) > 0) while (stack.length > 0 && stack[stack.length - 1] !== name) pop();
      if (stack[stack.length - 1] === name) pop();
      continue;
    }
    const closes = impliedClose.get(name);
    while (closes && stack.length > 0 && closes.has(stack[stack.length - 1] ?? "")) pop();
    if (voidElements.has(name)) continue;
    stack.push(name);
    open.set(name, (open.get(name) ?? 0) + 1);
    if (stack.length > maxDepth) return true;
  }
  return false;
}

function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x3a ||
    code === 0x5f
  );
}
