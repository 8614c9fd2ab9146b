/**
 * Reply and forward prefixes mail clients put before a subject, in the languages they ship in:
 * Re, Fwd, Fw (English), AW, WG, Antwort (German), SV, VS, VB (Nordic), TR, RE (French), RIF, R (Italian),
 * RES, ENC (Portuguese), RV (Spanish), ODP, PD (Polish), Antw, Doorst (Dutch). Each may carry a counter
 * (`RE[2]:`, `Re(3):`) or a wide colon (`：`) from CJK clients.
 */
const replyPrefix =
  /^\s*(?:re|fwd?|aw|wg|antwort|sv|vs|vb|tr|rif|r|res|enc|rv|odp|pd|antw|doorst)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i;

/** A bracketed tag with a `#` (`[#C-1042]`, `[Ticket#123]`): a case tag, matched by its own rule, not part of the topic. */
const bracketTag = /\[[^\]]*#[^\]]*\]/g;

/**
 * The topic of a subject, for comparing a mail with the customer's earlier cases: reply / forward prefixes and
 * case tags removed, whitespace collapsed, lower case. An empty result means "no usable subject".
 */
export function normalizeSubject(subject: string | null | undefined): string {
  if (!subject) return "";
  let topic = subject.replace(bracketTag, " ");
  for (let previous = ""; previous !== topic;) {
    previous = topic;
    topic = topic.replace(replyPrefix, "");
  }
  return topic.replace(/\s+/g, " ").trim().toLowerCase();
}
