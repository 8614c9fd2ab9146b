/**
 * Reply and signature stripping: from the whole text body of a mail, keep only what the sender wrote new.
 *
 * Modelled on github/email_reply_parser and crisp-oss/email-reply-parser (whose patterns cover the non-English
 * quote headers). That package is ESM-only and cannot be loaded by this project's CommonJS jest setup on Node 20,
 * so the rules are implemented here, line by line: every regular expression runs on one line (or a join of at most
 * three short lines) and none has nested quantifiers, so time stays linear in the size of the body.
 */

/** Longest line still considered as a quote header or signature line; longer lines are ordinary text. */
const maxHeaderLineLength = 400;

/** "On … wrote:" and its translations: the verb closing a quote header (the line must end with it and a colon). */
const quoteHeaderEnd =
  /(?:wrote|writes|schrieb|a\s+écrit|écrit|escribió|escribio|schreef|ha\s+scritto|scritto|escreveu|skrev|napisał|pisze|kirjoitti)\s?:\s*$/i;
/** "Am DATE schrieb NAME <EMAIL>:", "Op DATE schreef NAME <EMAIL>:": the verb before the name. */
const quoteHeaderVerbInside = /\s(?:schrieb|schreef|skrev|kirjoitti|napisał)\s[^\n]*:\s*$/i;
/** Words opening a quote header ("On Mon, … wrote:", "Am … schrieb …:", "Le … a écrit :", "El … escribió:"…). */
const quoteHeaderStart = /^(?:On|Am|Le|El|Op|Il|Em|W dniu|Dnia|Den|Le\s+\S+)\s/i;

/** "-----Original Message-----" and its translations. */
const originalMessageSeparator =
  /^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Oorspronkelijk bericht|Messaggio originale|Mensagem original|Oprindelig besked|Forwarded message|Weitergeleitete Nachricht|Message transféré)\s*-{0,}\s*$/i;

const outlookFrom = /^\*?(?:From|Von|De|Van|Da|Från|Fra|Od)\s?:\*?\s*\S/i;
const outlookDate =
  /^\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Enviada|Fecha|Verzonden|Verstuurd|Inviato|Data|Skickat|Sendt)\s?:/i;
const outlookToOrSubject = /^\*?(?:To|An|À|A|Para|Aan|Subject|Betreff|Objet|Asunto|Onderwerp|Oggetto|Assunto|Cc)\s?:/i;

/** Mobile and webmail signatures ("Sent from my iPhone", "Von meinem iPhone gesendet", …): no sentence punctuation. */
const sentFromSignature =
  /^(?:Sent from my [^,.;:!?]{1,60}|Sent from (?:Mail|Outlook|Yahoo Mail|my mobile)[^,;:!?]{0,60}|Get Outlook for [^,;:!?]{1,40}|Sent via [^,.;:!?]{1,40}|Von meinem [^,.;:!?]{1,40} gesendet|Gesendet von meinem [^,.;:!?]{1,40}|Envoyé de mon [^,.;:!?]{1,40}|Envoyé depuis mon [^,.;:!?]{1,40}|Enviado desde mi [^,.;:!?]{1,40}|Enviado do meu [^,.;:!?]{1,40}|Enviado de meu [^,.;:!?]{1,40}|Verzonden (?:vanaf|met) mijn [^,.;:!?]{1,40}|Verstuurd vanaf mijn [^,.;:!?]{1,40}|Inviato da(?:l mio)? [^,.;:!?]{1,40})\s*$/i;

/** The text with quoted history and signatures removed; never longer than the input. */
export function stripQuotedText(fullText: string): string {
  const lines = fullText.replace(/\r\n?/g, "\n").split("\n");
  const kept: string[] = [];

  let index = 0;
  // Set after a quote was dropped: a blank line then is not kept when the kept text already ends with one.
  let afterQuote = false;
  scan: while (index < lines.length) {
    const line = lines[index] ?? "";
    const trimmed = line.trim();

    if (trimmed.startsWith(">")) {
      afterQuote = true;
      index += 1;
      continue;
    }
    if (trimmed === "" && afterQuote && (kept.length === 0 || (kept[kept.length - 1] ?? "").trim() === "")) {
      index += 1;
      continue;
    }
    if (trimmed !== "") afterQuote = false;
    if (trimmed.length <= maxHeaderLineLength) {
      if (originalMessageSeparator.test(trimmed)) break scan;
      if (isSeparatorLine(trimmed) && startsOutlookBlock(lines, nextNonEmpty(lines, index + 1))) break scan;
      if (startsOutlookBlock(lines, index)) break scan;

      const headerEnd = quoteHeaderAt(lines, index);
      if (headerEnd !== null) {
        const next = nextNonEmpty(lines, headerEnd + 1);
        // A header followed by ">" lines introduces a prefixed quote: drop the header, the ">" lines go one by one
        // (the sender may answer inline below them). Otherwise the quoted history follows unprefixed: cut here.
        if (next < lines.length && (lines[next] ?? "").trim().startsWith(">")) {
          afterQuote = true;
          index = headerEnd + 1;
          continue;
        }
        break scan;
      }
    }
    kept.push(line);
    index += 1;
  }

  return trimBlankLines(stripSignature(kept)).join("\n");
}

/** Index of the last line of a quote header starting at `index` (it may wrap over up to three lines), or null. */
function quoteHeaderAt(lines: string[], index: number): number | null {
  const first = (lines[index] ?? "").trim();
  if (first === "" || first.length > maxHeaderLineLength) return null;
  const startsLikeHeader = quoteHeaderStart.test(first);
  const isHeader = (text: string): boolean =>
    quoteHeaderEnd.test(text) || (startsLikeHeader && quoteHeaderVerbInside.test(text));
  if (isHeader(first)) {
    // "NAME <EMAIL> schrieb:", "On DATE, NAME wrote:": a single line; without an opening word it needs an address
    // to be told from a sentence ending in "wrote:".
    if (startsLikeHeader || /\S@\S/.test(first)) return index;
    return null;
  }
  if (!startsLikeHeader) return null;
  let joined = first;
  for (let next = index + 1; next <= index + 2 && next < lines.length; next += 1) {
    const part = (lines[next] ?? "").trim();
    if (part === "" || part.startsWith(">")) return null;
    joined = `${joined} ${part}`;
    if (joined.length > maxHeaderLineLength) return null;
    if (isHeader(joined)) return next;
  }
  return null;
}

/** An Outlook header block: "From: …" followed within a few lines by "Sent:/Date: …" and "To:/Subject: …". */
function startsOutlookBlock(lines: string[], index: number): boolean {
  const first = (lines[index] ?? "").trim();
  if (!outlookFrom.test(first)) return false;
  let date = false;
  let toOrSubject = false;
  for (let next = index + 1; next <= index + 6 && next < lines.length; next += 1) {
    const line = (lines[next] ?? "").trim();
    if (outlookDate.test(line)) date = true;
    else if (outlookToOrSubject.test(line)) toOrSubject = true;
  }
  return date && toOrSubject;
}

function isSeparatorLine(trimmed: string): boolean {
  return /^(?:_{5,}|-{5,})$/.test(trimmed);
}

function nextNonEmpty(lines: string[], from: number): number {
  let index = from;
  while (index < lines.length && (lines[index] ?? "").trim() === "") index += 1;
  return index;
}

/** Removes the signature: from a "-- " / "__" separator or a "Sent from my …" line to the end, or a last "-Name". */
function stripSignature(all: string[]): string[] {
  let lines = all;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    if (line.length > maxHeaderLineLength) continue;
    const trimmed = line.trim();
    const isSeparator = /^--\s*$/.test(line) || /^_{2,}\s*$/.test(trimmed);
    if ((isSeparator || sentFromSignature.test(trimmed)) && hasText(lines, index)) {
      lines = lines.slice(0, index);
      break;
    }
  }
  // A last short paragraph opening with "-Name" (github's rule): "-Abhishek Kona".
  const end = lastNonEmpty(lines);
  let start = end;
  while (start > 0 && (lines[start - 1] ?? "").trim() !== "") start -= 1;
  const opening = (lines[start] ?? "").trim();
  if (end >= 0 && end - start < 3 && /^-\p{L}/u.test(opening) && start > 0 && hasText(lines, start)) {
    return lines.slice(0, start);
  }
  return lines;
}

function hasText(lines: string[], before: number): boolean {
  for (let index = 0; index < before; index += 1) if ((lines[index] ?? "").trim() !== "") return true;
  return false;
}

function lastNonEmpty(lines: string[]): number {
  let index = lines.length - 1;
  while (index >= 0 && (lines[index] ?? "").trim() === "") index -= 1;
  return index;
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  while (start < lines.length && (lines[start] ?? "").trim() === "") start += 1;
  let end = lines.length;
  while (end > start && (lines[end - 1] ?? "").trim() === "") end -= 1;
  return lines.slice(start, end).map((line, index, all) => (index === all.length - 1 ? line.trimEnd() : line));
}
