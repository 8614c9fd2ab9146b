import { describeWithCorpus } from "../../test/support/corpora";
import {
  figuresAt,
  scorePairs,
  splitPairs,
  targetPrecision,
  targetRecall,
  withCategoryRule,
} from "./matching-evaluation";
import { readComplaints } from "./matching-corpus";
import { DEFAULT_MATCHING } from "../../normalizers/analysis/similarity/same-complaint";

describeWithCorpus("classify", "same-complaint matching on the held-out corpus pairs", (corpora) => {
  it("gives every banking77 intent one of our seven categories", () => {
    const banking = readComplaints(corpora, "report").filter((complaint) => complaint.source === "banking77");
    expect(banking.length).toBeGreaterThan(3000);
    expect(banking.filter((complaint) => complaint.category === "other")).toStrictEqual([]);
  });

  const scored = scorePairs(splitPairs(corpora, "report").main);

  it.each([
    ["text only", false],
    ["same gold category required", true],
  ])(
    `meets precision ≥ ${targetPrecision} and recall ≥ ${targetRecall} at DEFAULT_MATCHING (%s)`,
    (_label, required) => {
      const figures = figuresAt(withCategoryRule(scored, required), DEFAULT_MATCHING.threshold);
      expect(figures.precision).toBeGreaterThanOrEqual(targetPrecision);
      expect(figures.recall).toBeGreaterThanOrEqual(targetRecall);
    },
  );
});
