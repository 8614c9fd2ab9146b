import { detectAll } from "tinyld";

/**
 * Language in two steps. First function words (and the commonest words of customer messages), a few letters and the script: this decides most customer messages
 * in en, de, fr, es, nl, it, pt at one map lookup per token, and maps non-Latin scripts to the language that writes
 * most of it (Cyrillic → ru, or uk with Ukrainian-only letters; Han → zh; kana → ja; …). A message that step cannot
 * place, with enough letters to judge, goes to tinyld's n-gram profiles (about 60 languages, slower), whose answer is
 * taken only with a clear lead. Otherwise "und" rather than a guess.
 * @see https://github.com/komodojp/tinyld
 */
const FUNCTION_WORDS: Record<string, string> = {
  en: "the a an and or but is are was were be been have has had do does did not no my your our i you we they it this that these those to of in on at for with from by about what where when why how which who can could would should will please thanks thank order account me us am its im dont cant hello hi dear after since still yet just there here all any some very too also again more than then if so as up out over never got get been into today yesterday help want wanna need like know see tell get make create open close delete cancel change check track find send pay paid buy bought use used user online profile register password email number money card payment refund delivery package shipping address invoice problem issue working work still yet u ur ive youre thats whats doesnt didnt isnt wasnt arent wont im ok hey",
  de: "der die das den dem des ein eine einen einem einer und oder aber ist sind war waren bin bist hat haben habe hatte nicht kein keine mein meine meinen ihr ihre wir sie es ich du zu von mit für auf bei aus nach wie was wo wann warum noch schon auch nur sehr bitte danke hallo bestellung konto mich mir uns seit gestern heute immer nie jetzt schon dass wenn weil im am zum zur vom ein auch nur hilfe brauche möchte will kann können geht funktioniert nicht passwort rechnung lieferung paket zahlung geld karte adresse bekommen erhalten",
  fr: "le la les un une des du de et ou mais est sont était suis ai avez avons a pas ne plus mon ma mes votre vos notre nous vous je il elle on ce cette ces que qui pour avec dans sur par en au aux comment pourquoi où quand très merci bonjour commande compte me moi depuis hier aujourd toujours jamais maintenant déjà si parce je j ai n c est mais ou très aide besoin veux voudrais peux pouvez fonctionne mot passe facture livraison colis paiement argent carte adresse reçu",
  es: "el la los las un una unos unas y o pero es son era está estoy he ha han hemos no mi mis su sus nuestro yo usted nosotros que qué por para con en del al como cómo dónde cuándo muy gracias hola pedido cuenta me lo le se desde ayer hoy todavía aún ya también cuando este esta eso esto puedo tengo dos veces pero sesión ayuda necesito quiero puedo funciona contraseña factura entrega paquete pago dinero tarjeta dirección recibido",
  nl: "de het een en of maar is zijn was waren ben heb hebt heeft hebben niet geen mijn uw jullie wij ik je jij u het dat die deze van met voor op bij uit naar hoe wat waar wanneer waarom nog al ook heel graag bedankt hallo bestelling account mij ons er sinds gisteren vandaag altijd nooit nu al omdat als dan kan kunnen mijn hulp nodig wil kan werkt wachtwoord factuur levering pakket betaling geld kaart adres ontvangen",
  it: "il lo la i gli le un una uno e o ma è sono era ho hai ha abbiamo non mio mia miei mie suo sua nostro io lei noi che chi per con in su da del della dei al alla come dove quando perché molto grazie ciao ordine conto mi si ci da ieri oggi ancora mai già anche quando questo questa posso riesco sono non aiuto bisogno voglio vorrei posso funziona password fattura consegna pacco pagamento soldi carta indirizzo ricevuto",
  pt: "o a os as um uma uns umas e ou mas é são era estou tenho tem temos não meu minha meus seu sua nosso eu você nós que por para com em do da dos das no na ao como onde quando porque muito obrigado obrigada olá pedido conta me se desde ontem hoje ainda nunca já também quando este esta isso consigo minha ajuda preciso quero posso funciona senha fatura entrega pacote pagamento dinheiro cartão endereço recebi",
};

const LATIN_LANGUAGES = Object.keys(FUNCTION_WORDS);
const WORD_LANGUAGES = new Map<string, number[]>();
LATIN_LANGUAGES.forEach((language, index) => {
  for (const word of (FUNCTION_WORDS[language] as string).split(" ")) {
    const list = WORD_LANGUAGES.get(word) ?? [];
    list.push(index);
    WORD_LANGUAGES.set(word, list);
  }
});

/**
 * Letters that only (or mostly) one of the covered languages writes, with their weight. They count only for a
 * language its words already support: ä and ö are Swedish and Finnish too.
 */
const LETTER_CUES: readonly [RegExp, string, number][] = [
  [/ß/g, "de", 2],
  [/[äöü]/g, "de", 1],
  [/[ñ¿¡]/g, "es", 2],
  [/[ãõ]/g, "pt", 2],
  [/ç/g, "fr", 0.5],
  [/[êâîôûœ]/g, "fr", 1],
  [/[ìò]/g, "it", 1],
];
const HAS_ACCENTS = /[\u00c0-\u024f¿¡]/;

const SCRIPTS: readonly [RegExp, string][] = [
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/gu, "ja"],
  [/\p{Script=Hangul}/gu, "ko"],
  [/\p{Script=Han}/gu, "zh"],
  [/\p{Script=Cyrillic}/gu, "ru"],
  [/\p{Script=Greek}/gu, "el"],
  [/\p{Script=Arabic}/gu, "ar"],
  [/\p{Script=Hebrew}/gu, "he"],
  [/\p{Script=Thai}/gu, "th"],
  [/\p{Script=Devanagari}/gu, "hi"],
];

/** Any letter of the scripts in SCRIPTS; only then is the script counted. */
const NON_LATIN =
  /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Han}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Thai}\p{Script=Devanagari}]/u;
const MIN_SCORE = 2;

/** ISO 639-1 code of the message's language, or "und". */
export function readLanguage(text: string, tokens: readonly string[]): string {
  if (NON_LATIN.test(text)) {
    const script = readScript(text);
    if (script !== null) return script;
  }
  const scores = new Array<number>(LATIN_LANGUAGES.length).fill(0);
  for (const token of tokens) {
    const languages = WORD_LANGUAGES.get(token);
    if (languages === undefined) continue;
    const share = 1 / languages.length;
    for (const index of languages) scores[index] = (scores[index] as number) + share;
  }
  if (HAS_ACCENTS.test(text)) {
    const lower = text.toLowerCase();
    for (const [pattern, language, weight] of LETTER_CUES) {
      const count = lower.match(pattern)?.length ?? 0;
      const index = LATIN_LANGUAGES.indexOf(language);
      if (count > 0 && (scores[index] as number) > 0)
        scores[index] = (scores[index] as number) + weight * Math.min(count, 3);
    }
  }
  let best = -1;
  let second = 0;
  scores.forEach((score, index) => {
    if (best < 0 || score > (scores[best] as number)) {
      if (best >= 0) second = Math.max(second, scores[best] as number);
      best = index;
    } else second = Math.max(second, score);
  });
  const top = scores[best] as number;
  if (top >= MIN_SCORE && top >= second * 1.5 && top - second >= 1) return LATIN_LANGUAGES[best] as string;
  return readNgrams(text);
}

/** Fewer letters than this and n-gram statistics are noise. */
const MIN_NGRAM_LETTERS = 12;
/** tinyld's accuracy is relative to the other candidates; below these the answer is a coin toss. */
const MIN_NGRAM_ACCURACY = 0.1;
const MIN_NGRAM_LEAD = 1.5;
/** n-gram detection costs per character; the start of a message says enough. */
const MAX_NGRAM_CHARS = 400;

function readNgrams(text: string): string {
  let letters = 0;
  for (let i = 0; i < text.length && letters < MIN_NGRAM_LETTERS; i++) if (/\p{L}/u.test(text[i] as string)) letters++;
  if (letters < MIN_NGRAM_LETTERS) return "und";
  const [first, second] = detectAll(text.length > MAX_NGRAM_CHARS ? text.slice(0, MAX_NGRAM_CHARS) : text);
  if (first === undefined || first.accuracy < MIN_NGRAM_ACCURACY) return "und";
  return second === undefined || first.accuracy >= second.accuracy * MIN_NGRAM_LEAD ? first.lang : "und";
}

/** The non-Latin script that writes most letters, when it writes at least half of them. */
function readScript(text: string): string | null {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  let best: string | null = null;
  let bestCount = 0;
  for (const [pattern, language] of SCRIPTS) {
    const count = text.match(pattern)?.length ?? 0;
    if (count > bestCount) [best, bestCount] = [language, count];
  }
  if (best === null || bestCount * 2 < letters) return null;
  if (best === "zh" && /[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return "ja";
  if (best === "ru" && /[іїєґІЇЄҐ]/.test(text)) return "uk";
  return best;
}
