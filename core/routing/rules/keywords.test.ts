import type { CaseView } from "./case-view";
import { seededRandom } from "../../kernel/random";
import { compileCondition } from "./conditions";
import { compileRules, evaluateRules } from "./evaluate";
import { keywordScanner, scannedSource, scannedWords } from "./keywords";
import { conditionSchema, rulesSchema } from "./rules.schema";
import { Seen } from "./seen";

describe("the keyword scan", () => {
  it("finds the whole words of a text that are keywords, in text order, ignoring case", () => {
    const scan = keywordScanner(["refund", "card", "Grüße", "e", "mail"]);
    expect(scan("A REFUND to my card? Cards, refunds, E-Mail… grüße")).toStrictEqual("REFUND card E Mail grüße");
  });

  it("reads the found words for single words, and the whole text once every word of a phrase was found", () => {
    const single = scannedSource(["refund", "card"]);
    const phrases = scannedSource(["refund", "legal action"]);
    expect([
      single?.("refund", "the text"),
      phrases?.("refund legal", "the text"),
      phrases?.("Legal refund ACTION", "the text"),
      scannedSource(["refund", "!!!"]),
    ]).toStrictEqual(["refund", "refund legal", "the text", null]);
  });

  it("collects every word of every contains list of a field, nested groups included", () => {
    const rules = rulesSchema.parse([
      {
        id: "a",
        description: "x",
        on: { "case.created": null },
        if: { text: { contains: ["refund", "legal action"] }, any: [{ not: { text: { contains: "e-mail" } } }] },
        then: [{ note: "x" }],
      },
      {
        id: "b",
        description: "x",
        on: { "case.created": null },
        if: { subject: { contains: "invoice" }, text: { matches: "x" } },
        then: [{ note: "x" }],
      },
    ]);
    expect([scannedWords(rules, "text"), scannedWords(rules, "subject")]).toStrictEqual([
      ["refund", "legal", "action", "e", "mail"],
      ["invoice"],
    ]);
  });

  it("gives every rule the same answer and the same first match as reading the whole text", () => {
    const rng = seededRandom(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
    const keywords = [
      "refund",
      "Refund",
      "card",
      "cards",
      "credit card",
      "e-mail",
      "mail",
      "grüße",
      "straße",
      "ÉTÉ",
      "log in",
      "in",
      "a.b",
      "2024",
    ];
    const words = [
      "a",
      "refund",
      "REFUND",
      "refunds",
      "card",
      "Credit",
      "card,",
      "credit\tcard",
      "e-mail",
      "E-MAIL",
      "mail",
      "Grüße",
      "STRASSE",
      "Straße",
      "été",
      "log",
      "in",
      "into",
      "a.b",
      "A.B.",
      "2024",
      "20245",
      "\n",
      "–",
    ];
    const lists = Array.from({ length: 40 }, () => [
      ...new Set(Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(keywords))),
    ]);
    const conditions = lists.map((contains) => ({ text: { contains } }));
    const rules = compileRules(
      rulesSchema.parse(
        conditions.map((condition, index) => ({
          id: `r-${index}`,
          description: "x",
          on: { "case.created": null },
          if: condition,
          then: [{ note: "x" }],
        })),
      ),
    );
    const alone = conditions.map((condition) => compileCondition(conditionSchema.parse(condition)));
    const now = new Date("2026-03-10T12:00:00Z");
    const calendars = { isOpen: () => true };
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 1 + Math.floor(rng() * 12) }, () => pick(words)).join(
        pick([" ", "  ", "", ", "]),
      );
      const view = { text, subject: null, tags: [], customer: {} } as unknown as CaseView;
      const outcome = evaluateRules(rules, { type: "case.created" }, view, { now, calendars });
      const scanned = [
        ...outcome.fired.map((fired) => [fired.ruleId, fired.seen[0]?.actual]),
        ...outcome.skipped.map((skipped) => [skipped.ruleId, null]),
      ].sort((a, b) => Number(String(a[0]).slice(2)) - Number(String(b[0]).slice(2)));
      const whole = alone.map((node, index) => {
        const seen = new Seen();
        const failed = node.run(view, { now: now.getTime(), calendars, open: new Map() }, seen);
        return [`r-${index}`, failed === null ? seen.values()[0]?.actual : null];
      });
      expect({ text, answers: scanned }).toStrictEqual({ text, answers: whole });
    }
  });
});
