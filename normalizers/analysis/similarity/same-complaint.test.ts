import { DEFAULT_MATCHING, sameComplaint, sameComplaintProfiles } from "./same-complaint";
import { textProfile } from "./similarity";

const email =
  "Hi,\n\nI was charged twice for my order 1182 on Friday, please refund one of the payments.\n\nThanks,\nTom";
const sms = "charged twice for order 1182 on friday pls refund one of the payments";
const other = "Hi,\n\nThe courier left my parcel at the wrong address and it is gone.\n\nThanks,\nTom";
// The text-alone rule is off here (above any score) except in its own test.
const options = { threshold: 0.5, requireSameCategory: true, textAloneThreshold: 1.01 };

describe("sameComplaint", () => {
  it("joins a resend of the same complaint with the same category, and says why", () => {
    const decision = sameComplaint(
      { newText: sms, newCategory: "billing-payments", caseTexts: [email], caseCategory: "billing-payments" },
      options,
    );
    expect(decision.join).toBe(true);
    expect(decision.reason).toBe(`same category billing-payments, similarity ${decision.score.toFixed(2)} ≥ 0.50`);
  });

  it("does not join a different complaint of the same category", () => {
    const decision = sameComplaint(
      { newText: other, newCategory: "delivery", caseTexts: [email], caseCategory: "delivery" },
      options,
    );
    expect(decision.join).toBe(false);
    expect(decision.reason).toBe(`same category delivery, similarity ${decision.score.toFixed(2)} < 0.50`);
  });

  it("does not join when the categories differ or one is unknown, however similar the texts", () => {
    const differs = sameComplaint(
      { newText: sms, newCategory: "billing-payments", caseTexts: [email], caseCategory: "delivery" },
      options,
    );
    expect(differs.join).toBe(false);
    expect(differs.reason).toMatch(/^category billing-payments ≠ delivery, similarity \d\.\d\d ≥ 0\.50$/);
    const unknown = sameComplaint({ newText: sms, newCategory: null, caseTexts: [email], caseCategory: null }, options);
    expect(unknown.join).toBe(false);
    expect(unknown.reason).toMatch(/^category unknown, similarity/);
  });

  it("decides on text alone when the category rule is off", () => {
    const decision = sameComplaint(
      { newText: sms, newCategory: "billing-payments", caseTexts: [email], caseCategory: "delivery" },
      { threshold: 0.5, requireSameCategory: false, textAloneThreshold: 1.01 },
    );
    expect(decision).toStrictEqual({
      join: true,
      score: decision.score,
      reason: `similarity ${decision.score.toFixed(2)} ≥ 0.50`,
    });
  });

  it("joins a near-copy whatever the categories say, and says it was the text alone", () => {
    const copy = "I was charged twice for my order 1182 on Friday, please refund one of the payments.";
    const decision = sameComplaint(
      { newText: copy, newCategory: "billing-payments", caseTexts: [email], caseCategory: "delivery" },
      { ...options, textAloneThreshold: 0.8 },
    );
    expect(decision).toStrictEqual({
      join: true,
      score: decision.score,
      reason: `similarity ${decision.score.toFixed(2)} ≥ 0.80 (text alone)`,
    });
    expect(decision.score).toBeGreaterThanOrEqual(0.8);
    const below = sameComplaint(
      { newText: sms, newCategory: "billing-payments", caseTexts: [email], caseCategory: "delivery" },
      { ...options, textAloneThreshold: decision.score + 0.5 },
    );
    expect(below.join).toBe(false);
  });

  it("takes the best match among the case's recent messages", () => {
    const decision = sameComplaint(
      { newText: sms, newCategory: "billing-payments", caseTexts: [other, email], caseCategory: "billing-payments" },
      options,
    );
    expect(decision.join).toBe(true);
  });

  it("never prints a rounded score that reads as reaching a threshold it missed", () => {
    const decision = sameComplaint(
      { newText: sms, newCategory: "x", caseTexts: [email], caseCategory: "x" },
      { threshold: 0.99, requireSameCategory: true, textAloneThreshold: 1.01 },
    );
    expect(decision.join).toBe(false);
    expect(decision.score).toBeLessThan(0.99);
  });

  it("gives the same answer from precomputed profiles, and defaults to DEFAULT_MATCHING", () => {
    const input = { newText: sms, newCategory: "b", caseTexts: [email], caseCategory: "b" };
    const fromProfiles = sameComplaintProfiles({
      newProfile: textProfile(sms),
      newCategory: "b",
      caseProfiles: [textProfile(email)],
      caseCategory: "b",
    });
    expect(fromProfiles).toStrictEqual(sameComplaint(input, DEFAULT_MATCHING));
    expect(sameComplaint(input)).toStrictEqual(fromProfiles);
    expect(DEFAULT_MATCHING.requireSameCategory).toBe(true);
  });

  it("joins nothing when the case has no texts", () => {
    expect(sameComplaint({ newText: sms, newCategory: "b", caseTexts: [], caseCategory: "b" }, options).join).toBe(
      false,
    );
  });
});
