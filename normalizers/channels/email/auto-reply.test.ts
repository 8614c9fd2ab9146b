import { isAutoReply, type HeaderLookup } from "./auto-reply";

const headers =
  (values: Record<string, string>): HeaderLookup =>
  (name) =>
    values[name];

describe("isAutoReply", () => {
  it.each([
    ["auto-submitted", "auto-replied"],
    ["auto-submitted", "auto-generated"],
    ["x-autoreply", "yes"],
    ["x-autorespond", "vacation"],
    ["precedence", "bulk"],
    ["precedence", "junk"],
    ["precedence", "list"],
    ["precedence", "auto_reply"],
    ["x-loop", "helpdesk@example.com"],
    ["list-id", "<news.example.com>"],
    ["list-unsubscribe", "<mailto:unsub@example.com>"],
    ["x-auto-response-suppress", "All"],
    ["x-ms-exchange-inbox-rules-loop", "someone@example.com"],
  ])("flags %s: %s", (name, value) => {
    expect(isAutoReply(headers({ [name]: value }), "Hello")).toBe(true);
  });

  it.each([
    "Out of Office: Re: my order",
    "Automatic reply: complaint",
    "Abwesenheitsnotiz: Ihre Anfrage",
    "Automatische Antwort: Rechnung",
    "Réponse automatique : commande",
    "Absence du bureau",
    "Respuesta automática: pedido",
    "Fuera de la oficina",
    "Automatisch antwoord: bestelling",
    "Afwezig: vraag",
    "Risposta automatica: ordine",
    "Fuori ufficio",
    "Resposta automática: pedido",
    "Fora do escritório",
  ])("flags the subject %s", (subject) => {
    expect(isAutoReply(headers({}), subject)).toBe(true);
  });

  it("does not flag a customer mail", () => {
    expect(isAutoReply(headers({ "auto-submitted": "no", precedence: "normal" }), "My office chair broke")).toBe(false);
    expect(isAutoReply(headers({}), null)).toBe(false);
  });
});
