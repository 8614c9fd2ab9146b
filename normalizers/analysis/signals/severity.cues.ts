import type { Cue } from "./phrase-matcher";

/**
 * What a cue says about impact. `blocked`: the customer cannot use the service, lost money, is unsafe or threatens
 * legal steps. `inconvenienced`: it works badly, late or wrong; `failure` is the subset that is a live malfunction
 * (real-time channels may raise it). `annoyed`: tone and manners. `urgent`: time pressure, used with the channel.
 */
export type SeverityCueLabel = "blocked" | "inconvenienced" | "failure" | "annoyed" | "urgent";

const c = (label: SeverityCueLabel, phrases: readonly string[]): Cue<SeverityCueLabel>[] =>
  phrases.map((phrase) => ({ phrase, label, weight: 1 }));

const CANT = "(cant|cannot|can not|unable to|couldnt|could not|not able to|impossible to|no way to)";

// prettier-ignore
const blocked = c("blocked", [
  // access
  `${CANT} (log|sign) (in|into|on)`,
  `${CANT} (login|access|use|open|pay|checkout|withdraw|transfer|get into)`,
  "locked out",
  "(account|profile|card) (is|has been|was|got|been|) (locked|blocked|suspended|frozen|disabled|deactivated|hacked|compromised)",
  "hacked", "(login|log in|sign in|password reset) (doesnt|does not|isnt|is not|wont|will not) work",
  // money
  "(charged|billed|debited) * (twice|two times|double|2 times)",
  "(double|duplicate) (charge+|payment|billing|transaction)", "double charged",
  "(unauthorized|unauthorised|fraudulent) (charge+|transaction+|payment+|withdrawal+|debit+)", "fraud",
  "(money|funds|payment) (is|are|has|have|was|) (gone|missing|lost|stolen|disappeared|vanished)", "lost my money",
  "stolen", "(still|never) * (received|got|get|seen) * refund",
  "(hold|holds|freeze) on (my|the|our) (account|funds|money|card)",
  "(froze|frozen|freezed|blocked|closed) (my|our) (account|funds|card)",
  "without (my|our|) (permission|consent|authorization|authorisation|knowledge)",
  "(card|payment) (was|got|is|keeps getting|) declined", "(no|not) (been|) refunded",
  // delivery
  "never (arrived|came|received|delivered|showed up)",
  "(still|has not|hasnt|have not|havent|was not|wasnt|not) (been|) (delivered|arrived|received) (after|since|for)",
  "still (not|hasnt|havent|has not|have not) (arrived|delivered|received|come)",
  "(package|parcel|order) (is|was|got|) (lost|stolen)",
  // outage
  "outage",
  "(site|app|website|service|system|server|servers|platform|portal|everything|network|internet) (is|are|went|has gone|) (down|offline)",
  "(completely|totally|entirely) (broken|down|unusable|dead)", "unusable", "nothing works",
  "(doesnt|does not|dont|do not) work at all", "(stopped|stop) working",
  "no (service|signal|connection|internet|power|water|electricity)",
  // safety
  "(caught|catch) fire", "(on|set) fire", "smoke", "exploded", "explosion", "injured", "injury", "burned", "burnt",
  "electric shock", "unsafe", "dangerous", "hazard", "allergic reaction", "poisoning", "choked", "hospital",
  // legal
  "lawyer", "attorney", "solicitor", "legal action", "(sue|suing)", "lawsuit", "court", "small claims", "ombudsman",
  "regulator", "trading standards", "consumer protection", "report you to", "chargeback", "gdpr", "data protection",
  // data
  "(data|privacy|security) (leak|breach|incident)", "leaked",
  "(someone|somebody) (else|elses) (s|) (data|account|order|details|information|invoice)",
  "(see|seeing|shows|showing) (other|another) (customer|customers|person|persons|people) (s|) (data|details|orders|information)",
  // de
  "(kann|können) mich nicht (anmelden|einloggen)", "nicht (anmelden|einloggen)",
  "(konto|karte|account) (ist|wurde|) (gesperrt|blockiert)", "gesperrt",
  "doppelt (abgebucht|belastet|berechnet|bezahlt)", "zweimal (abgebucht|belastet|berechnet)", "nie angekommen",
  "immer noch nicht (angekommen|geliefert|da)", "anwalt", "rechtsanwalt", "störung", "ausfall",
  "funktioniert (gar|überhaupt) nicht", "datenleck", "datenschutz", "betrug", "gestohlen",
  // fr
  "impossible de (me|) (connecter|accéder|payer)",
  "(arrive|peux|pouvons) (pas|plus) (à|a|) (me|) (connecter|accéder)", "compte (est|a été|) (bloqué|suspendu|piraté)",
  "(débité|prélevé|facturé) deux fois", "jamais (reçu|arrivé|livré|reçue|arrivée|livrée)",
  "toujours pas (reçu|livré|arrivé|reçue|livrée|arrivée)", "avocat", "panne", "fuite de données", "fraude", "volé",
  "plainte pénale",
  // es
  "no puedo (iniciar sesión|entrar|acceder|pagar)", "cuenta (está|fue|) (bloqueada|suspendida|hackeada)",
  "(cobrado|cobraron|cobró) * dos veces", "nunca (llegó|llego|recibí|recibi)",
  "(todavía|aún|aun) no (ha llegado|llegó|recibí)", "abogado", "denuncia", "caída del servicio", "robado", "estafa",
  // nl
  "kan niet (inloggen|aanmelden)", "(account|rekening|pas) (is|werd|) geblokkeerd",
  "(dubbel|twee keer) (afgeschreven|betaald|gerekend|afgeboekt)", "nooit (aangekomen|ontvangen|geleverd)",
  "nog steeds niet (ontvangen|geleverd|aangekomen)", "advocaat", "storing", "datalek", "gestolen",
  // it
  "non riesco (ad|a) (accedere|entrare|pagare)", "account (è|) (bloccato|sospeso)",
  "(addebitato|addebitati|pagato) due volte", "mai (arrivato|ricevuto|consegnato|arrivata|ricevuta|consegnata)",
  "(ancora|non) (è|) (arrivato|consegnato|arrivata|consegnata)", "avvocato", "guasto", "truffa", "rubato",
  // pt
  "não consigo (entrar|acessar|fazer login)", "(conta|cartão) (está|foi|) (bloqueada|bloqueado|suspensa)",
  "cobrado (duas vezes|em dobro)", "nunca (chegou|recebi)", "advogado", "fraude",
]);

// prettier-ignore
const failure = c("failure", [
  "(not|isnt|is not|arent|wasnt) working",
  "(doesnt|does not|dont|do not|didnt|did not|wont|will not) (work|load|open|start)", "error", "errors", "crash",
  "crashes", "crashed", "crashing", "bug", "glitch", "failed", "fails", "failing", "failure",
  "keeps (failing|crashing|freezing)", "freezes", "frozen", "broken", "funktioniert nicht", "fehler", "absturz",
  "stürzt ab", "kaputt", "ne (fonctionne|marche) pas", "fonctionne pas", "marche pas", "erreur", "bug", "plante",
  "no funciona", "error", "falla", "se cuelga", "werkt niet", "fout", "foutmelding", "crasht", "kapot",
  "non funziona", "errore", "si blocca", "rotto",
]);

// prettier-ignore
const inconvenienced = c("inconvenienced", [
  "late", "delayed", "delay", "delays", "slow", "slowly", "wrong", "incorrect", "missing", "damaged", "defective",
  "faulty", "overcharged", "(charged|billed) (too much|extra|more)", "(still|been) waiting", "waiting (for|since)",
  "no (response|reply|answer|update)", "(nobody|no one|noone) (responds|replied|answers|answered|called)", "problem",
  "problems", "issue", "issues", "trouble", "dispute", "disputed", "disputing", "denied", "refused", "refuses",
  "rejected", "(you|your|they|their) (made|make|) (a|) (mistake|mistakes)", "(harass|harassed|harassing|harassment)",
  "misled", "misleading", "lied", "lying", "(hidden|extra|unexpected) (fee|fees|charge|charges)",
  "(havent|have not|hasnt|has not|didnt|did not|not) (received|arrived)",
  "(where|wheres) is my (order|package|parcel|refund|money)", "verspätet", "verspätung", "falsch", "beschädigt",
  "defekt", "warte", "langsam", "fehlt", "retard", "en retard", "cassé", "cassée", "endommagé", "lent", "problème",
  "manquant", "attends", "retraso", "retrasado", "roto", "dañado", "lento", "problema", "equivocado", "espero",
  "falta", "vertraagd", "vertraging", "beschadigd", "traag", "probleem", "ontbreekt", "wacht", "ritardo",
  "in ritardo", "danneggiato", "lento", "problema", "sbagliato", "manca", "aspetto",
]);

// prettier-ignore
const annoyed = c("annoyed", [
  "rude", "impolite", "unprofessional", "unfriendly", "attitude", "tone", "condescending", "annoying", "annoyed",
  "disrespectful", "ignored", "spelling", "typo", "unhöflich", "frech", "impoli", "grossier", "maleducado", "grosero",
  "onbeleefd", "brutaal", "maleducato", "scortese",
]);

// prettier-ignore
const urgent = c("urgent", [
  "urgent", "urgently", "asap", "right now", "immediately", "emergency", "as soon as possible", "dringend", "sofort",
  "notfall", "urgence", "immédiatement", "urgente", "inmediatamente", "spoed", "meteen", "dringend", "subito",
  "immediatamente", "urgentemente",
]);

export const SEVERITY_CUES: readonly Cue<SeverityCueLabel>[] = [
  ...blocked,
  ...failure,
  ...inconvenienced,
  ...annoyed,
  ...urgent,
];

/** Channels where the customer is waiting live for an answer. */
export const REAL_TIME_CHANNELS: ReadonlySet<string> = new Set(["sms", "whatsapp", "messenger", "instagram", "slack"]);
