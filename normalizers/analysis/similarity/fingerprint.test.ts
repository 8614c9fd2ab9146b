import { repeatFingerprint } from "./fingerprint";

const complaint = "My card was charged twice for the same coffee at the station on Monday.";

describe("repeatFingerprint", () => {
  it("is 16 hex digits", () => {
    expect(repeatFingerprint(complaint)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("is the same through greeting, sign-off, quoted history, casing, spacing, punctuation and emoji", () => {
    const variants = [
      `Hi,\n\n${complaint}\n\nThanks,\nAnna\n\nSent from my iPhone`,
      `Hello team,\n${complaint}\nKind regards,\nAnna Smith\n+44 20 7946 0000`,
      `${complaint}\n\nOn Mon, 2 Mar 2026 at 10:14, Support <support@plaint.example> wrote:\n> We are looking into it.`,
      `  MY CARD   WAS CHARGED TWICE for the same coffee, at the station on Monday!!! 😡😡`,
      `hi, my card was charged twice for the same coffee at the station on monday. Thanks, Anna`,
      `My card was charged twice for the same coffee at the station on Monday 🙏🏽`,
    ];
    const expected = repeatFingerprint(complaint);
    for (const variant of variants) expect(repeatFingerprint(variant)).toBe(expected);
  });

  it("differs for different complaints of the same customer", () => {
    const other = "My card was charged twice for the same taxi ride on Tuesday.";
    expect(repeatFingerprint(other)).not.toBe(repeatFingerprint(complaint));
    expect(repeatFingerprint(`Hi,\n\n${other}\n\nThanks,\nAnna`)).not.toBe(
      repeatFingerprint(`Hi,\n\n${complaint}\n\nThanks,\nAnna`),
    );
  });

  it("keeps amounts and numbers, which tell complaints apart", () => {
    expect(repeatFingerprint("I was charged 25 EUR for the transfer")).not.toBe(
      repeatFingerprint("I was charged 52 EUR for the transfer"),
    );
  });

  it("is null for texts too short or too empty to be a complaint", () => {
    for (const text of [
      "ok",
      "OK!",
      "thanks",
      "Thanks, Anna",
      "STOP",
      "yes",
      "👍",
      "",
      "   ",
      "Thank you very much!",
      "ok ok ok",
    ]) {
      expect(repeatFingerprint(text)).toBeNull();
    }
  });

  it("keeps a one-line message that starts with '>' (a chat line, not quoted history)", () => {
    expect(repeatFingerprint("> 50 EUR missing from my account since Monday")).toBe(
      repeatFingerprint("50 EUR missing from my account since Monday"),
    );
  });

  it("does not take an opening 'Thank you.' line for a sign-off", () => {
    const text = "Thank you.\n\nPlease check my payment from last Saturday, I was overcharged on the exchange rate.";
    expect(repeatFingerprint(text)).not.toBeNull();
    expect(repeatFingerprint(text)).not.toBe(repeatFingerprint("Thank you."));
  });

  it("does not take a greeting that opens a one-line message for the whole message", () => {
    expect(repeatFingerprint("hi my card broke yesterday")).toBe(repeatFingerprint("My card broke yesterday."));
    expect(repeatFingerprint("Hello there! My card broke yesterday")).toBe(
      repeatFingerprint("My card broke yesterday."),
    );
  });
});
