import { createClassifier } from "./classifier";
import { DEFAULT_TAXONOMY } from "./default-taxonomy";
import { trainModel } from "./model";
import type { Taxonomy } from "./taxonomy";

/** Two categories the model tells apart from examples, one of them with rules the examples know nothing of. */
const taxonomy: Taxonomy = {
  categories: [
    {
      id: "billing",
      name: "Billing",
      keywords: ["chargeback"],
      patterns: ["\\bcharged (twice|again)\\b"],
      examples: ["my invoice is wrong", "the bill is too high", "you took too much money", "pay the invoice"],
    },
    {
      id: "delivery",
      name: "Delivery",
      examples: ["my parcel is late", "the courier never came", "delivery did not arrive", "parcel lost"],
    },
  ],
};

describe("createClassifier", () => {
  const classifier = createClassifier({ taxonomy });

  it("reports the model alone when no rule fires", () => {
    const result = classifier.classify("the courier is late with my parcel");
    expect(result.category).toBe("delivery");
    expect(result.evidence).toMatch(/^model [01]\.\d\d$/);
    expect(result.alternatives).toStrictEqual([{ category: "billing", confidence: expect.any(Number) }]);
    expect(result.confidence + (result.alternatives[0]?.confidence ?? 0)).toBeCloseTo(1, 6);
  });

  it("lets a rule override a hesitant model and says so in the evidence", () => {
    const text = "the courier was charged again, I will file a chargeback";
    const modelOnly = createClassifier({ taxonomy: { categories: [] }, model: classifier.model }).classify(text);
    const result = classifier.classify(text);
    expect(result.category).toBe("billing");
    expect(result.confidence).toBeGreaterThan(0.5);
    const modelShare = modelOnly.category === "billing" ? modelOnly.confidence : 1 - modelOnly.confidence;
    expect(result.evidence).toBe(`keyword 'chargeback' + pattern 'charged again' + model ${modelShare.toFixed(2)}`);
  });

  it("boosts the model's choice when a rule agrees", () => {
    const plain = classifier.classify("the invoice is wrong");
    const boosted = classifier.classify("the invoice is wrong, I was charged twice");
    expect(boosted.category).toBe("billing");
    expect(boosted.confidence).toBeGreaterThan(plain.confidence);
    expect(boosted.evidence).toMatch(/^pattern 'charged twice' \+ model [01]\.\d\d$/);
  });

  it("flags for triage below the threshold", () => {
    const text = "hello";
    const confidence = classifier.classify(text).confidence;
    expect(
      createClassifier({ taxonomy, model: classifier.model, triageBelow: confidence + 0.01 }).classify(text).triage,
    ).toBe(true);
    expect(
      createClassifier({ taxonomy, model: classifier.model, triageBelow: confidence - 0.01 }).classify(text).triage,
    ).toBe(false);
  });

  it("reports a model's own labels when they are not taxonomy ids", () => {
    const intents = trainModel([
      { text: "my card has not arrived", label: "card_arrival" },
      { text: "when will my card come", label: "card_arrival" },
      { text: "what is the exchange rate", label: "exchange_rate" },
      { text: "how much is a dollar in euros", label: "exchange_rate" },
    ]);
    const result = createClassifier({ taxonomy: DEFAULT_TAXONOMY, model: intents }).classify("has my card arrived yet");
    expect(result.category).toBe("card_arrival");
    expect(result.evidence).toMatch(/^model /);
  });

  it("names the category of an invalid pattern, and needs two categories to learn from", () => {
    const bad: Taxonomy = {
      categories: [{ ...taxonomy.categories[1]!, patterns: ["(unclosed"] }, taxonomy.categories[0]!],
    };
    expect(() => createClassifier({ taxonomy: bad })).toThrow(
      'taxonomy category "delivery": pattern /(unclosed/ is invalid',
    );
    expect(() => createClassifier({ taxonomy: { categories: [taxonomy.categories[0]!] } })).toThrow(
      "at least two categories",
    );
  });
});

describe("the default taxonomy", () => {
  it("has every category with 25–40 examples", () => {
    expect(DEFAULT_TAXONOMY.categories.map((category) => category.id)).toStrictEqual([
      "billing-payments",
      "delivery-fulfilment",
      "product-quality",
      "access-onboarding",
      "communication-expectations",
      "data-errors",
      "support-experience",
      "other",
    ]);
    for (const category of DEFAULT_TAXONOMY.categories) {
      expect(category.examples?.length).toBeGreaterThanOrEqual(25);
      expect(category.examples?.length).toBeLessThanOrEqual(40);
    }
  });

  it("trains at creation in well under a second and gets obvious complaints right", () => {
    const started = Date.now();
    const classifier = createClassifier({ taxonomy: DEFAULT_TAXONOMY });
    expect(Date.now() - started).toBeLessThan(1000);
    const cases: [string, string][] = [
      ["You took the payment two times for one order, I want the money returned", "billing-payments"],
      ["Ordered ten days ago and the box is still not here", "delivery-fulfilment"],
      ["The blender I bought is broken, the blade does not spin", "product-quality"],
      ["I can't sign in, the code you text me never arrives", "access-onboarding"],
      ["I wrote to you twice last month and nobody has answered", "communication-expectations"],
      ["My surname is spelled wrong on my account and on all your letters", "data-errors"],
      ["The woman on your hotline was extremely rude and put the phone down on me", "support-experience"],
    ];
    for (const [text, category] of cases)
      expect([text, classifier.classify(text).category]).toStrictEqual([text, category]);
  });
});
