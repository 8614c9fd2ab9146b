import { createRedactor } from "./redactor";
import { redactionConfigSchema, type RedactionConfigInput } from "./redaction.schema";

const redactor = (input: RedactionConfigInput = {}) => createRedactor(redactionConfigSchema.parse(input));
const redact = (text: string, input?: RedactionConfigInput) => redactor(input).redact(text);

// Check digits computed here, independently of the checksums module.

/** `body` plus the Luhn digit that makes it valid. */
function withLuhn(body: string): string {
  const digits = [...body].reverse().map(Number);
  const sum = digits.reduce((acc, d, i) => acc + (i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return body + String((10 - (sum % 10)) % 10);
}
function luhnBreak(card: string): string {
  const last = Number(card.slice(-1));
  return card.slice(0, -1) + String((last + 1) % 10);
}
function iban(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((ch) => (/\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55))).join("");
  const check = 98n - (BigInt(numeric) % 97n);
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}
const group4 = (s: string) => s.replace(/(.{4})(?=.)/g, "$1 ");
function bsn(first8: string): string {
  const sum = [...first8].reduce((acc, d, i) => acc + (9 - i) * Number(d), 0);
  const last = sum % 11;
  if (last > 9) throw new Error("pick other digits");
  return first8 + String(last);
}
const dni = (n: string) => n + "TRWAGMYFPDXBNJZSQVHLCKE"[Number(n) % 23];
function nir(first13: string): string {
  const numeric = first13.replace("2A", "19").replace("2B", "18");
  return first13 + String(97n - (BigInt(numeric) % 97n)).padStart(2, "0");
}
function codiceFiscale(first15: string): string {
  const odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  const value = (ch: string) => (/\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65);
  let sum = 0;
  [...first15].forEach((ch, i) => (sum += i % 2 === 0 ? (odd[value(ch)] as number) : value(ch)));
  return first15 + String.fromCharCode(65 + (sum % 26));
}
function steuerId(first10: string): string {
  let product = 10;
  for (const ch of first10) {
    const sum = (Number(ch) + product) % 10 || 10;
    product = (sum * 2) % 11;
  }
  return first10 + String((11 - product) % 10);
}

describe("payment cards", () => {
  const visa = withLuhn("424242424242424");
  const amex = withLuhn("37828224631000");
  const mastercard = withLuhn("222300004840001");

  it.each([
    ["plain", visa, `[redacted card ending ${visa.slice(-4)}]`],
    ["spaced", group4(visa), `[redacted card ending ${visa.slice(-4)}]`],
    ["dashed", visa.replace(/(\d{4})(?=\d)/g, "$1-"), `[redacted card ending ${visa.slice(-4)}]`],
    [
      "amex 4-6-5",
      `${amex.slice(0, 4)} ${amex.slice(4, 10)} ${amex.slice(10)}`,
      `[redacted card ending ${amex.slice(-4)}]`,
    ],
    ["mastercard 2-series", mastercard, `[redacted card ending ${mastercard.slice(-4)}]`],
  ])("masks a %s card", (_, card, mask) => {
    expect(redact(`My card is ${card}, please refund.`)).toStrictEqual({
      text: `My card is ${mask}, please refund.`,
      findings: [{ kind: "card", count: 1 }],
    });
  });

  it("masks a card followed by more digits, keeping them", () => {
    expect(redact(`card ${group4(visa)} 123`).text).toBe(`card [redacted card ending ${visa.slice(-4)}] 123`);
  });

  it.each([
    ["a Luhn-failing 16-digit number", group4(luhnBreak(visa))],
    ["a Luhn-valid number without a card prefix", withLuhn("123456789012345")],
    ["an international phone number", "+49 151 2345 6789 0"],
    ["a phone number", "(415) 555-2671"],
    ["a date", "2024-03-15"],
    ["an order number", "order 10023948571623"],
    ["a Visa prefix of the wrong length", withLuhn("42424242424242")],
  ])("leaves %s alone", (_, text) => {
    expect(redact(`ref ${text} thanks`)).toStrictEqual({ text: `ref ${text} thanks`, findings: [] });
  });
});

describe("IBAN", () => {
  const de = iban("DE", "370400440532013000");
  const nl = iban("NL", "ABNA0417164300");
  const fr = iban("FR", "20041010050500013M02606");
  const mt = iban("MT", "MALT011000012345MTLCAST001S");

  it.each([de, group4(de), nl, group4(fr), mt, de.toLowerCase()])("masks %s", (value) => {
    const upper = value.replace(/ /g, "").toUpperCase();
    expect(redact(`IBAN: ${value}.`)).toStrictEqual({
      text: `IBAN: [redacted IBAN ending ${upper.slice(-4)}].`,
      findings: [{ kind: "iban", count: 1 }],
    });
  });

  it.each([
    ["a wrong check", de.slice(0, 2) + String((Number(de.slice(2, 4)) % 97) + 1).padStart(2, "0") + de.slice(4)],
    ["a wrong length", `${de}1`],
    ["an unknown country", iban("QQ", "370400440532013000")],
  ])("leaves an IBAN with %s alone", (_, value) => {
    expect(redact(`IBAN ${value}`).findings).toStrictEqual([]);
  });
});

describe("national ids", () => {
  it.each([
    ["us-ssn", "SSN 123-45-6789", "SSN [redacted us-ssn]"],
    ["us-ssn", "SSN 123 45 6789", "SSN [redacted us-ssn]"],
    ["uk-nino", "NI number AB 12 34 56 C", "NI number [redacted uk-nino]"],
    ["uk-nino", "NI number ab123456c", "NI number [redacted uk-nino]"],
    ["nl-bsn", `mijn BSN is ${bsn("11122233")}`, "mijn BSN is [redacted nl-bsn]"],
    ["es-dni", `DNI ${dni("12345678")}`, "DNI [redacted es-dni]"],
    ["es-dni", `DNI ${dni("00000023").slice(0, 8)}-${dni("00000023").slice(8)}`, "DNI [redacted es-dni]"],
    ["es-nie", `NIE X-${dni("01234567").slice(1, 8)}-${dni("01234567").slice(8)}`, "NIE [redacted es-nie]"],
    ["es-nie", `NIE Y${dni("11234567").slice(1)}`, "NIE [redacted es-nie]"],
    ["it-codice-fiscale", "CF RSSMRA85T10A562S", "CF [redacted it-codice-fiscale]"],
    ["it-codice-fiscale", `CF ${codiceFiscale("BNCLRA90A41H501")}`, "CF [redacted it-codice-fiscale]"],
    ["it-codice-fiscale", `CF ${codiceFiscale("RSSMRA85T10A56N")}`, "CF [redacted it-codice-fiscale]"],
    ["fr-nir", `NIR ${nir("1850578006084")}`, "NIR [redacted fr-nir]"],
    ["fr-nir", `NIR ${nir("293022A005001")}`, "NIR [redacted fr-nir]"],
    ["fr-nir", `sécu 2 93 02 2B 050 001 ${nir("293022B050001").slice(13)}`, "sécu [redacted fr-nir]"],
    ["de-steuer-id", `Steuer-ID ${steuerId("8609574271")}`, "Steuer-ID [redacted de-steuer-id]"],
  ])("masks %s in %s", (kind, text, masked) => {
    expect(redact(text)).toStrictEqual({ text: masked, findings: [{ kind, count: 1 }] });
  });

  it.each([
    ["an SSN with area 000", "000-12-3456"],
    ["an SSN with area 666", "666-12-3456"],
    ["an SSN with area 9xx", "912-12-3456"],
    ["an SSN with group 00", "123-00-3456"],
    ["an SSN with mixed separators", "123-45 6789"],
    ["a NINO with an unallocated prefix", "GB 12 34 56 A"],
    ["a NINO with suffix E", "AB 12 34 56 E"],
    ["a BSN without the word BSN", `order ${bsn("11122233")}`],
    ["a BSN failing the 11-check", `BSN ${bsn("11122233").slice(0, 8)}${(Number(bsn("11122233").slice(8)) + 1) % 10}`],
    [
      "a number followed by a lower-case article",
      `paid ${dni("12345678").slice(0, 8)} ${dni("12345678").slice(8).toLowerCase()}`,
    ],
    ["a DNI with the wrong letter", `DNI 12345678${dni("12345678").slice(8) === "A" ? "B" : "A"}`],
    ["a codice fiscale with the wrong check", "CF RSSMRA85T10A562T"],
    [
      "a NIR with the wrong key",
      `NIR ${nir("1850578006084").slice(0, 13)}${(Number(nir("1850578006084").slice(13)) % 97) + 1}`,
    ],
    ["a Steuer-ID without context", steuerId("8609574271")],
  ])("leaves %s alone", (_, text) => {
    expect(redact(text).findings).toStrictEqual([]);
  });

  it("masks only the configured id kinds", () => {
    expect(redact("SSN 123-45-6789, DNI " + dni("12345678"), { nationalIds: ["es-dni"] }).text).toBe(
      "SSN 123-45-6789, DNI [redacted es-dni]",
    );
  });
});

describe("configured patterns, styles and findings", () => {
  const config: RedactionConfigInput = {
    patterns: [
      { name: "api-key", regex: "sk_(?:live|test)_[A-Za-z0-9]{16,64}" },
      { name: "password", regex: "(?<=password[:=] ?)\\S{1,128}", flags: "i" },
    ],
  };

  it("masks configured secrets whole, before the numbers in them", () => {
    const key = `sk_live_${withLuhn("424242424242424")}abcd`;
    expect(redact(`key ${key} Password: hunter2!`, config)).toStrictEqual({
      text: "key [redacted api-key] Password: [redacted password]",
      findings: [
        { kind: "api-key", count: 1 },
        { kind: "password", count: 1 },
      ],
    });
  });

  it("counts findings per kind", () => {
    const card = withLuhn("555555555555444");
    const result = redact(`${card} and ${group4(card)}, SSN 123-45-6789, IBAN ${iban("NL", "ABNA0417164300")}`);
    expect(result.findings).toStrictEqual([
      { kind: "card", count: 2 },
      { kind: "iban", count: 1 },
      { kind: "us-ssn", count: 1 },
    ]);
  });

  it.each([
    ["kind", "[redacted card]"],
    ["fixed", "[redacted]"],
  ] as const)("writes the %s mask style", (mask, expected) => {
    expect(redact(withLuhn("424242424242424"), { mask }).text).toBe(expected);
  });

  it("does nothing when disabled", () => {
    const text = `card ${withLuhn("424242424242424")} SSN 123-45-6789`;
    expect(redact(text, { enabled: false })).toStrictEqual({ text, findings: [] });
  });

  it("leaves cards and IBANs when they are switched off", () => {
    const text = `card ${withLuhn("424242424242424")} IBAN ${iban("DE", "370400440532013000")}`;
    expect(redact(text, { cards: false, ibans: false }).findings).toStrictEqual([]);
  });
});

describe("redactDeep", () => {
  it("masks every string in a nested payload and leaves keys and other values", () => {
    const card = withLuhn("424242424242424");
    const payload = {
      id: 7,
      ok: true,
      none: null,
      customer: { name: "Ana", notes: [`card ${card}`, { ssn: "123-45-6789" }] },
      [card]: "key stays",
      when: new Date(0),
    };
    const { value, findings } = redactor().redactDeep(payload);
    expect(value).toStrictEqual({
      id: 7,
      ok: true,
      none: null,
      customer: { name: "Ana", notes: [`card [redacted card ending ${card.slice(-4)}]`, { ssn: "[redacted us-ssn]" }] },
      [card]: "key stays",
      when: new Date(0),
    });
    expect(findings).toStrictEqual([
      { kind: "card", count: 1 },
      { kind: "us-ssn", count: 1 },
    ]);
    expect(payload.customer.notes[0]).toBe(`card ${card}`);
  });

  it("masks a bare string", () => {
    expect(redactor().redactDeep("SSN 123-45-6789").value).toBe("SSN [redacted us-ssn]");
  });
});

describe("cost", () => {
  const MB = 1_048_576;
  it.each([
    ["prose with ids", `Card ${withLuhn("424242424242424")} order 10023948571623 SSN 123-45-6789 ok. `],
    ["one long digit run", "1"],
    ["spaced digits", "1 "],
    ["IBAN-like starts", "DE89 "],
    ["letters", "ABCDEF12A"],
  ])("redacts 1 MB of %s quickly", (_, unit) => {
    const text = unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
    const started = Date.now();
    redact(text, { patterns: [{ name: "api-key", regex: "sk_live_[A-Za-z0-9]{16,64}" }] });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
