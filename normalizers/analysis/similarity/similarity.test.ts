import { DEFAULT_MATCHING } from "./same-complaint";
import { maxProfileCharacters, profileSimilarity, textProfile, textSimilarity } from "./similarity";

const email = [
  "Hello,",
  "",
  "I ordered a new debit card three weeks ago and it still has not arrived. The app says it was dispatched on",
  "the 3rd but nothing came in the post. I need it for my trip next week, can you send a replacement?",
  "",
  "Kind regards,",
  "Anna Fischer",
  "",
  "Sent from my iPhone",
].join("\n");
const smsCut = "i ordered a new debit card 3 weeks ago and it still has not arrived. the app says it was dispatched";
const otherComplaint = [
  "Hello,",
  "",
  "There is a payment of 49.99 to a streaming service on my statement that I never signed up for.",
  "Please refund it and tell me how this could happen.",
  "",
  "Kind regards,",
  "Anna Fischer",
].join("\n");

const texts = [email, smsCut, otherComplaint, "card not arrived pls help", "", "ok", "Hi, my refund is missing 😡"];

describe("textSimilarity", () => {
  it("is symmetric and within [0, 1]", () => {
    for (const a of texts) {
      for (const b of texts) {
        const score = textSimilarity(a, b);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        expect(textSimilarity(b, a)).toBe(score);
      }
    }
  });

  it("is 1 for the same text and 0 when a text is empty after normalisation", () => {
    expect(textSimilarity(email, email)).toBe(1);
    expect(textSimilarity(email, "")).toBe(0);
    expect(textSimilarity("Thanks, Anna", email)).toBe(0);
  });

  it("scores an SMS cut of an email high", () => {
    expect(textSimilarity(smsCut, email)).toBeGreaterThanOrEqual(0.8);
  });

  it("scores two different complaints of the same customer low, despite the shared greeting and signature", () => {
    expect(textSimilarity(email, otherComplaint)).toBeLessThan(DEFAULT_MATCHING.threshold);
    expect(textSimilarity(smsCut, otherComplaint)).toBeLessThan(DEFAULT_MATCHING.threshold);
  });

  it("reads at most maxProfileCharacters of a huge text, quickly", () => {
    const huge = `${smsCut}. ${"the quick brown fox jumps over the lazy dog 0123456789 ".repeat(40_000)}`;
    const started = Date.now();
    expect(textSimilarity(smsCut, huge)).toBeGreaterThanOrEqual(0.8);
    expect(textProfile(huge).shingles.size).toBeLessThanOrEqual(maxProfileCharacters);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("gives the same value from precomputed profiles", () => {
    expect(profileSimilarity(textProfile(smsCut), textProfile(email))).toBe(textSimilarity(smsCut, email));
  });
});
