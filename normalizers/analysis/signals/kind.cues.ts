import type { Cue } from "./phrase-matcher";

/** What a cue says about the kind of a message. `request` counts as a question: the customer asks for something. */
export type KindCueLabel = "complaint" | "praise" | "suggestion" | "review" | "spam" | "request";

const c = (label: KindCueLabel, weight: number, phrases: readonly string[]): Cue<KindCueLabel>[] =>
  phrases.map((phrase) => ({ phrase, label, weight }));

/** The customer says they are complaining or dissatisfied. Problem reports come from the severity cues. */
// prettier-ignore
const complaint = [
  ...c("complaint", 3, [
    "complaint", "complaints", "complain", "complaining", "complained", "grievance", "beschwerde", "beschweren",
    "reklamation", "reklamieren", "réclamation", "plainte", "plaindre", "reclamación", "reclamacion", "queja",
    "quejarme", "klacht", "klagen", "reclamo", "lamentela", "reclamação", "reclamar",
  ]),
  ...c("complaint", 2, [
    "(not|never|nt) (happy|satisfied|pleased|impressed) with", "unhappy", "discontent", "discontented",
    "dissatisfied", "disappointed", "disappointing", "disappointment", "fed up", "unacceptable", "ridiculous",
    "outrageous", "disgrace", "disgraceful", "shameful", "scandal", "scandalous", "rip off", "ripoff", "scam",
    "worst", "terrible", "awful", "horrible", "appalling", "useless", "pathetic", "frustrated", "frustrating",
    "annoyed", "(dont|do not|didnt|did not) like", "(not|arent|isnt|werent|nt) (helping|helpful)", "unhelpful",
    "sick of", "tired of", "rude", "unprofessional", "incompetent", "enttäuscht", "unzufrieden", "unverschämt",
    "frechheit", "inakzeptabel", "ärgerlich", "katastrophe", "déçu", "déçue", "mécontent", "mécontente",
    "inadmissible", "inacceptable", "honteux", "scandaleux", "decepcionado", "decepcionada", "insatisfecho",
    "insatisfecha", "inaceptable", "vergonzoso", "harto", "harta", "teleurgesteld", "ontevreden", "onacceptabel",
    "schandalig", "belachelijk", "deluso", "delusa", "insoddisfatto", "insoddisfatta", "inaccettabile", "vergognoso",
    "scandaloso",
  ]),
];

// prettier-ignore
const feedback = [
  ...c("praise", 2, [
    "(happy|satisfied|pleased|delighted|impressed) with", "great (service|job|support|experience|product|team)",
    "excellent", "outstanding", "fantastic", "wonderful", "amazing", "awesome", "well done", "keep it up",
    "keep up the good work", "love (your|the|this) (service|app|product|team|shop|store)", "thank you so much",
    "thanks so much", "thanks a lot", "many thanks", "very helpful", "super helpful", "compliments", "kudos",
    "zufrieden mit", "sehr zufrieden", "super service", "toller service", "vielen dank", "hervorragend",
    "ausgezeichnet", "satisfait", "satisfaite", "très content", "merci beaucoup", "bravo", "satisfecho", "satisfecha",
    "muchas gracias", "excelente", "estupendo", "genial", "tevreden", "heel blij", "hartelijk dank", "uitstekend",
    "top service", "soddisfatto", "soddisfatta", "grazie mille", "ottimo", "eccellente",
  ]),
  ...c("suggestion", 2, [
    "suggest", "suggestion", "suggestions", "(would|it d|itd) be (nice|great|good|helpful|better) if",
    "feature request", "you (should|could) (add|offer|consider|make)", "please (add|consider)", "idea for",
    "improvement", "wish you (had|would|could)", "vorschlag", "verbesserungsvorschlag", "wäre schön wenn",
    "serait bien", "sugerencia", "sería genial", "suggestie", "zou fijn zijn", "suggerimento", "sarebbe bello",
  ]),
  ...c("review", 2, [
    "(leave|write|submit|make|file|lodge|post|give|send|share|lode) (a|an|my|some|the|) (review|reviews|comment|comments|opinion|feedback|rating|testimonial)",
    "review", "feedback", "opinion", "testimonial", "bewertung", "avis", "opinión", "reseña", "recensie",
    "recensione",
  ]),
];

/** Unsolicited promotion; counted only together with links or in numbers (see kind.ts). */
// prettier-ignore
const spam = c("spam", 1, [
  "buy now", "order now", "click here", "click (the|this) link", "limited (time|offer)", "act now", "special offer",
  "best price", "cheap", "cheapest", "discount", "free trial", "free gift", "100 free", "free shipping", "promo",
  "promotion", "winner", "you (have|ve) won", "congratulations you", "prize", "lottery", "casino", "betting",
  "crypto", "bitcoin", "forex", "investment opportunity", "earn (money|cash|up)", "make money", "work from home",
  "seo", "backlinks", "backlink", "rank (your|on) (site|website|google)", "viagra", "cialis", "pills", "weight loss",
  "guaranteed", "risk free", "unsubscribe", "dear friend", "dear sir madam", "increase (your|) (traffic|sales)",
  "whatsapp me", "telegram", "onlyfans", "nft", "airdrop", "giveaway",
]);

/** The customer wants something: an answer, an action, a pointer. */
// prettier-ignore
const request = c("request", 1, [
  "(i|we) (want|wanna|need|would like|d like|wish|have a question)", "(i|we) d like",
  "(information|info|details) (about|on|regarding|for)", "id like", "(help|tell|show|let) me",
  "(can|could|would|will) (you|u|someone|somebody|anyone|i|we)", "(ask|get) (an|a|the) (agent|human|person|operator)",
  "please", "pls", "plz", "how (do|can|to|should|would)", "is it possible", "is there", "are there",
  "i (am|m) (looking|trying) (for|to)", "ich (möchte|will|brauche|hätte gerne)", "bitte", "können sie", "könnten sie",
  "je (voudrais|veux|souhaite|cherche)", "pouvez vous", "pourriez vous", "s il vous plaît", "svp", "quiero",
  "quisiera", "necesito", "me gustaría", "por favor", "pueden", "podrían", "ik (wil|zou graag|wil graag)", "graag",
  "alstublieft", "kunt u", "kunnen jullie", "vorrei", "voglio", "ho bisogno", "per favore", "potete", "potreste",
]);

export const KIND_CUES: readonly Cue<KindCueLabel>[] = [...complaint, ...feedback, ...spam, ...request];

/** A message starting with one of these words is a question even without "?". */
// prettier-ignore
export const QUESTION_OPENERS: ReadonlySet<string> = new Set([
  "how", "what", "where", "when", "why", "who", "whom", "which", "whose", "can", "could", "would", "will", "is",
  "are", "am", "do", "does", "did", "should", "may", "might", "have", "has", "shall", "any", "anyone", "wie", "was",
  "wo", "wann", "warum", "wieso", "weshalb", "welche", "welcher", "kann", "können", "könnt", "ist", "gibt", "habt",
  "haben", "comment", "pourquoi", "où", "quand", "quel", "quelle", "quels", "est", "pouvez", "puis", "peut", "avez",
  "cómo", "como", "qué", "que", "dónde", "donde", "cuándo", "cuando", "por", "cuál", "puedo", "puede", "pueden",
  "hay", "hoe", "wat", "waar", "wanneer", "waarom", "welke", "kan", "kunnen", "kunt", "is", "heeft", "hebben", "come",
  "cosa", "dove", "quando", "perché", "perche", "quale", "posso", "può", "potete", "c",
]);

/** A message starting with one of these verbs asks for an action ("send me the invoice", "cancel my order"). */
// prettier-ignore
export const REQUEST_OPENERS: ReadonlySet<string> = new Set([
  "send", "call", "show", "give", "check", "cancel", "change", "track", "update", "open", "close", "delete", "remove",
  "reset", "contact", "talk", "speak", "get", "find", "help", "tell", "explain", "let", "switch", "modify", "edit",
  "correct", "fix", "refund", "return", "recover", "retrieve", "register", "subscribe", "unsubscribe", "download",
  "schicken", "senden", "zeigen", "stornieren", "ändern", "envoyez", "annulez", "montrez", "envíe", "envíen",
  "cancele", "stuur", "annuleer", "wijzig", "inviate", "annullate", "mostrate",
]);
