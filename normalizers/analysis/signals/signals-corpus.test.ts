/**
 * Floors for readSignals on the Bitext utterances (../shared/corpora/classify, see its README), so a cue edit that
 * costs accuracy shows up. Skips cleanly when the folder is absent. Prints no texts.
 */
import path from "node:path";
import { describeWithCorpus } from "../../../test/support/corpora";
import { evaluateKinds, problemReportKind, readUtterances } from "../../../bench/evaluations/eval-signals";

function corpusSuite(root: string): void {
  const utterances = readUtterances(path.join(root, "classify", "bitext", "utterances.csv"));

  it("reads the whole corpus", () => {
    expect(utterances.length).toBe(21_534);
  });

  it("finds complaints and reviews under the brief's mapping", () => {
    const { perKind } = evaluateKinds(utterances);
    expect(perKind.complaint.recall).toBeGreaterThanOrEqual(0.97);
    expect(perKind.feedback.recall).toBeGreaterThanOrEqual(0.93);
    expect(perKind.feedback.precision).toBeGreaterThanOrEqual(0.99);
    expect(perKind.question.precision).toBeGreaterThanOrEqual(0.99);
    expect(perKind.spam.predicted).toBe(0);
  });

  it("reads problem reports as complaints", () => {
    const report = evaluateKinds(utterances, problemReportKind);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.92);
    expect(report.perKind.complaint.precision).toBeGreaterThanOrEqual(0.85);
  });
}

describeWithCorpus("classify", "signals on the Bitext corpus", corpusSuite);
