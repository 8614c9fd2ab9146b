/** Header access by lower-case name: the first value of that header, as text, or undefined. */
export type HeaderLookup = (name: string) => string | undefined;

/** Out-of-office and auto-reply subjects in en, de, fr, es, nl, it, pt. Anchored on phrases, not single words. */
const autoReplySubject = new RegExp(
  [
    // en
    "out of (?:the )?office",
    "automatic reply",
    "auto[- ]?reply",
    "auto[- ]?response",
    "automated response",
    "away from (?:the )?office",
    "on vacation",
    "vacation (?:reply|notice|message)",
    "on leave",
    // de
    "abwesenheitsnotiz",
    "automatische antwort",
    "abwesenheit",
    "nicht im büro",
    "außer haus",
    // fr
    "réponse automatique",
    "reponse automatique",
    "absence du bureau",
    "absent du bureau",
    "message d'absence",
    "hors du bureau",
    // es
    "respuesta automática",
    "respuesta automatica",
    "fuera de (?:la )?oficina",
    "ausente de la oficina",
    // nl
    "automatisch antwoord",
    "afwezigheidsbericht",
    "niet aanwezig",
    "buiten kantoor",
    "afwezig",
    // it
    "risposta automatica",
    "fuori (?:dall')?ufficio",
    "assente dall'ufficio",
    // pt
    "resposta automática",
    "resposta automatica",
    "fora do escritório",
    "ausente do escritório",
    "ausência temporária",
  ].join("|"),
  "i",
);

/**
 * RFC 3834 and the de-facto headers of auto-responders, mailing lists and Exchange rules, plus out-of-office
 * subjects. Auto-replies are kept on the case but never answered automatically and never open a case.
 */
export function isAutoReply(header: HeaderLookup, subject: string | null): boolean {
  const autoSubmitted = header("auto-submitted");
  if (autoSubmitted !== undefined && autoSubmitted.trim().toLowerCase() !== "no" && autoSubmitted.trim() !== "")
    return true;
  for (const name of [
    "x-autoreply",
    "x-autorespond",
    "x-loop",
    "list-id",
    "list-unsubscribe",
    "x-auto-response-suppress",
    "x-ms-exchange-inbox-rules-loop",
  ]) {
    if (header(name) !== undefined) return true;
  }
  const precedence = header("precedence")?.trim().toLowerCase();
  if (precedence !== undefined && /^(?:bulk|junk|list|auto_reply)\b/.test(precedence)) return true;
  return subject !== null && autoReplySubject.test(subject);
}
