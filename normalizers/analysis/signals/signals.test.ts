import { readSignals } from "./index";
import { expand } from "./phrase-matcher";
import { tokenize } from "./tokens";

describe("readSignals kind", () => {
  it.each([
    ["I want to file a complaint about your service", "complaint"],
    ["I was charged twice for order 4471", "complaint"],
    ["I'm not happy with the delivery at all", "complaint"],
    ["You're not helping, this is ridiculous", "complaint"],
    ["Ich möchte mich beschweren, die Lieferung ist beschädigt", "complaint"],
    ["Je suis très déçu, ma commande est arrivée en retard", "complaint"],
    ["Estoy decepcionado, el producto llegó roto", "complaint"],
    ["Ik ben ontevreden, mijn bestelling is nooit aangekomen", "complaint"],
    ["Sono molto deluso, il pacco è danneggiato", "complaint"],
    ["Thank you so much, great service!", "feedback"],
    ["It would be nice if you added a dark mode", "feedback"],
    ["Where can I leave a review?", "feedback"],
    ["Vielen Dank, ich bin sehr zufrieden mit dem Service", "feedback"],
    ["How do I change my shipping address?", "question"],
    ["Can you send me the invoice for March", "question"],
    ["i wanna know the phone number of customer service", "question"],
    ["Wie kann ich meine Adresse ändern?", "question"],
    ["¿Dónde puedo ver mi factura?", "question"],
    ["BUY CHEAP VIAGRA NOW, click here http://pills.example.xyz/buy", "spam"],
    ["Get 500 backlinks and rank your site on google: https://seo.example.com/offer www.seo.example.com/x", "spam"],
    ["ok", "other"],
    ["My customer number is 123456", "other"],
  ])("%s → %s", (text, kind) => {
    expect(readSignals(text).kind).toBe(kind);
  });

  it("does not call a complaint with a link spam", () => {
    const text = "I clicked the discount link https://shop.example.com/promo and was charged twice";
    expect(readSignals(text).kind).toBe("complaint");
  });

  it("does not count a negated problem ('no problem') as a complaint", () => {
    expect(readSignals("No problem at all, thanks!").kind).not.toBe("complaint");
  });
});

describe("readSignals severity", () => {
  it.each([
    ["I cannot log in to my account since yesterday", "blocked", "blocked: 'cannot log in'"],
    ["My account has been locked", "blocked", "blocked: 'account has been locked'"],
    ["You charged me twice this month", "blocked", "blocked: 'charged me twice'"],
    ["The package was not delivered after three weeks", "blocked", "blocked: 'was not delivered after'"],
    ["Your website is down", "blocked", "blocked: 'website is down'"],
    ["The charger caught fire", "blocked", "blocked: 'caught fire'"],
    ["I will contact my lawyer about this", "blocked", "blocked: 'lawyer'"],
    ["I can see another customer's orders in my account", "blocked", "blocked: 'see another customers orders'"],
    ["Ich kann mich nicht anmelden", "blocked", "blocked: 'kann mich nicht anmelden'"],
    ["Je n'arrive pas à me connecter", "blocked", "blocked: 'arrive pas à me connecter'"],
    ["Me cobraron dos veces", "blocked", "blocked: 'cobraron dos veces'"],
    ["Ik ben dubbel afgeschreven", "blocked", "blocked: 'dubbel afgeschreven'"],
    ["Mi hanno addebitato due volte", "blocked", "blocked: 'addebitato due volte'"],
    ["My order is 4 days late", "inconvenienced", "inconvenienced: 'late'"],
    ["The app is not working properly", "inconvenienced", "inconvenienced: 'is not working'"],
    ["You sent me the wrong size", "inconvenienced", "inconvenienced: 'wrong'"],
    ["Die Lieferung ist verspätet", "inconvenienced", "inconvenienced: 'verspätet'"],
    ["Your agent was rude to me", "annoyed", "annoyed: 'rude'"],
    ["I don't like the colour of your new logo", "annoyed", "annoyed: no impact cue (default)"],
  ])("%s → %s", (text, severity, reason) => {
    const signals = readSignals(text, "email");
    expect(signals.severity).toBe(severity);
    expect(signals.reasons).toContain(reason);
  });

  it("raises a live malfunction on a real-time channel to blocked, not on email", () => {
    const text = "The app is not working, I need it right now!";
    const live = readSignals(text, "whatsapp");
    expect(live.severity).toBe("blocked");
    expect(live.reasons).toContain("blocked: 'right now' on real-time channel whatsapp");
    expect(readSignals(text, "email").severity).toBe("inconvenienced");
  });

  it("raises an urgent minor message one step on any channel", () => {
    expect(readSignals("Please call me back urgently", "email").severity).toBe("inconvenienced");
  });

  it("ignores negated problems", () => {
    expect(readSignals("The delivery was not late, no problem").severity).toBe("annoyed");
  });
});

describe("readSignals sentiment", () => {
  it.each([
    ["This is terrible and I am very angry", "negative"],
    ["I am not happy", "negative"],
    ["Great service, thank you!", "positive"],
    ["this is not bad at all", "positive"],
    ["no problem, thanks", "positive"],
    ["My order number is 123", "neutral"],
    ["Das ist eine Katastrophe", "negative"],
    ["C'est parfait, merci", "positive"],
  ])("%s → %s", (text, label) => {
    const { sentiment } = readSignals(text);
    expect(sentiment.label).toBe(label);
    expect(sentiment.score).toBeGreaterThanOrEqual(-1);
    expect(sentiment.score).toBeLessThanOrEqual(1);
  });
});

describe("readSignals language", () => {
  it.each([
    ["I cannot log in to my account since yesterday", "en"],
    ["Ich kann mich seit gestern nicht mehr anmelden", "de"],
    ["Je ne peux pas me connecter à mon compte depuis hier", "fr"],
    ["No puedo iniciar sesión en mi cuenta desde ayer", "es"],
    ["Ik kan sinds gisteren niet meer inloggen op mijn account", "nl"],
    ["Non riesco ad accedere al mio account da ieri", "it"],
    ["Não consigo entrar na minha conta desde ontem", "pt"],
    ["Wo ist meine Bestellung?", "de"],
    ["Waar is mijn bestelling?", "nl"],
    ["Мой заказ не пришёл", "ru"],
    ["Моє замовлення не прийшло", "uk"],
    ["注文が届きません", "ja"],
    ["我的订单还没到", "zh"],
    ["ok", "und"],
    ["thanks", "und"],
    ["12345", "und"],
    ["Zamówienie nie dotarło do mnie, proszę o zwrot pieniędzy", "pl"],
    ["Min beställning har inte kommit fram än", "sv"],
    ["asdf qwer zxcv", "und"],
  ])("%s → %s", (text, language) => {
    expect(readSignals(text).language).toBe(language);
  });
});

describe("tokens and phrases", () => {
  it("joins English contractions and splits elisions", () => {
    expect(tokenize("I can't log in, l'appli n'arrive pas")).toStrictEqual([
      "i",
      "cant",
      "log",
      "in",
      ",",
      "l",
      "appli",
      "n",
      "arrive",
      "pas",
    ]);
  });

  it("multiplies out choices, optional branches included", () => {
    expect(expand("(can't|unable to) log (in|)")).toStrictEqual([
      ["cant", "log", "in"],
      ["cant", "log"],
      ["unable", "to", "log", "in"],
      ["unable", "to", "log"],
    ]);
  });
});

describe("readSignals cost", () => {
  it("reads a 1 MB message in bounded time", () => {
    const text = "the app is not working and I was charged twice. ".repeat(22_000);
    const started = Date.now();
    const signals = readSignals(text, "email");
    expect(Date.now() - started).toBeLessThan(200);
    expect(signals.severity).toBe("blocked");
  });
});
