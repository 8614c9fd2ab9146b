import { normalizeSubject } from "./subject";

describe("normalizeSubject", () => {
  it.each([
    ["Re: Refund for order 1234", "refund for order 1234"],
    ["AW: WG: Re: Refund for order 1234", "refund for order 1234"],
    ["RE[2]: Refund for order 1234", "refund for order 1234"],
    ["Antwort: Refund for order 1234", "refund for order 1234"],
    ["Fwd:Fw: refund FOR order 1234", "refund for order 1234"],
    ["SV: VS: TR: Refund  for\torder 1234", "refund for order 1234"],
    ["Re(3)： Refund for order 1234", "refund for order 1234"],
    ["Re: [#C-1042] Refund for order 1234", "refund for order 1234"],
  ])("%s → %s", (subject, topic) => {
    expect(normalizeSubject(subject)).toBe(topic);
  });

  it("keeps words that only start like a prefix", () => {
    expect(normalizeSubject("Return label missing")).toBe("return label missing");
    expect(normalizeSubject("Awful service")).toBe("awful service");
    expect(normalizeSubject("Trouble: card declined")).toBe("trouble: card declined");
  });

  it("has no topic for an empty or prefix-only subject", () => {
    expect(normalizeSubject(null)).toBe("");
    expect(normalizeSubject("   ")).toBe("");
    expect(normalizeSubject("Re: ")).toBe("");
  });
});
