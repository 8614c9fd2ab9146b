import { parseCsv } from "./matching-corpus";
import { chooseThreshold, figuresAt, sweep } from "./matching-metrics";

describe("matching metrics", () => {
  const pairs = [
    { same: true, score: 0.9, categoryAllows: true },
    { same: true, score: 0.6, categoryAllows: true },
    { same: true, score: 0.3, categoryAllows: true },
    { same: false, score: 0.7, categoryAllows: false },
    { same: false, score: 0.55, categoryAllows: true },
    { same: false, score: 0.1, categoryAllows: true },
  ];

  it("counts a join only when the category rule allows it and the score reaches the threshold", () => {
    expect(figuresAt(pairs, 0.5)).toStrictEqual({
      threshold: 0.5,
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 1,
      trueNegatives: 2,
      precision: 2 / 3,
      recall: 2 / 3,
      f1: 2 / 3,
    });
  });

  it("chooses the threshold with the best recall among those meeting the precision", () => {
    const rows = sweep(pairs, [0.2, 0.5, 0.58, 0.8]);
    expect(chooseThreshold(rows, 0.98)?.threshold).toBe(0.58);
    expect(chooseThreshold(sweep([{ same: false, score: 1, categoryAllows: true }], [0.5]), 0.98)).toBeNull();
  });
});

describe("parseCsv", () => {
  it("reads quoted fields, doubled quotes, CRLF and a byte-order mark", () => {
    const csv = '\ufeffflags,text,category\r\nB,"Hello, ""world""",a\r\nC,"two\nlines",b\r\n';
    expect(parseCsv(csv)).toStrictEqual([
      { flags: "B", text: 'Hello, "world"', category: "a" },
      { flags: "C", text: "two\nlines", category: "b" },
    ]);
  });
});
