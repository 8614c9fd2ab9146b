import path from "node:path";
import { describeWithCorpus } from "../../../test/support/corpora";
import { findCorpora } from "../../../bench/evaluations/corpora";
import { loadBanking77, loadCfpb } from "../../../bench/evaluations/classify-corpus-data";
import { CORPUS_OPTIONS, evaluateSplit } from "../../../bench/evaluations/eval-classify";

describe("the development classification corpora", () => {
  it("is present, or the corpus checks below are skipped", () => {
    const corpora = findCorpora("classify");
    expect(corpora === null || path.isAbsolute(corpora)).toBe(true);
  });
});

/** The classifier on the development corpora (../shared/corpora/classify); skipped when they are absent. */
describeWithCorpus("classify", "classifier accuracy on the development corpora", (corpora) => {
  const classifyDir = path.join(corpora, "classify");
  // The temperature never changes which label wins, and fitting it would train every model twice.
  const uncalibrated = { calibrate: false };

  // The goal is 0.85; this linear model reaches 0.793 (238 of 300). No variant measured beat it by more than noise
  // (5-fold cross-validation on the 700 training texts: 0.789, every variant 0.74–0.79; see README.md), so the floor
  // guards what it does reach, four texts below it (training is deterministic, bit for bit).
  it("CFPB complaint narratives (5 products): at least 0.78 accuracy on the test set", () => {
    const result = evaluateSplit(loadCfpb(classifyDir), { ...CORPUS_OPTIONS.cfpb, ...uncalibrated }, false);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.78);
  });

  // The goal is 0.85; the model reaches 0.912 (2,809 of 3,080).
  it("Banking77 (77 intents): at least 0.90 accuracy on the test set", () => {
    const result = evaluateSplit(loadBanking77(classifyDir), { ...CORPUS_OPTIONS.banking77, ...uncalibrated }, false);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
