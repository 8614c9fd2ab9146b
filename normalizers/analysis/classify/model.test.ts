import { trainModel, type Example } from "./model";
import { createPredictor } from "./predictor";
import { parseModel, serializeModel } from "./model-file";

const examples: Example[] = [
  ...["my parcel is late", "the package never came", "where is my delivery", "courier lost my parcel"].map((text) => ({
    text,
    label: "delivery",
  })),
  ...["refund my money", "charged twice on my card", "the invoice is wrong", "I want a refund"].map((text) => ({
    text,
    label: "billing",
  })),
  ...["cannot log in", "password reset fails", "my account is locked", "login page error"].map((text) => ({
    text,
    label: "access",
  })),
];

describe("trainModel", () => {
  it("learns a small separable set and ranks labels by probability", () => {
    const predictor = createPredictor(trainModel(examples));
    for (const example of examples) expect(predictor.predict(example.text, 1)[0]?.label).toBe(example.label);
    expect(predictor.predict("the parcel is late again")[0]?.label).toBe("delivery");
    expect(predictor.predict("please refund the money")[0]?.label).toBe("billing");
    const ranked = predictor.predict("password locked", 3);
    expect(ranked.map((score) => score.label)).toContain("access");
    expect(ranked).toHaveLength(3);
    expect(ranked[0]?.label).toBe("access");
    expect(ranked.reduce((sum, score) => sum + score.probability, 0)).toBeCloseTo(1, 5);
  });

  it("is deterministic: same data and seed, same weights bit for bit, whatever the input order", () => {
    const first = trainModel(examples, { seed: 7 });
    const second = trainModel(examples, { seed: 7 });
    expect(Buffer.from(second.weights.buffer).equals(Buffer.from(first.weights.buffer))).toBe(true);
    expect(second.labels).toStrictEqual(["access", "billing", "delivery"]);
    const other = trainModel(examples, { seed: 8 });
    expect(Buffer.from(other.weights.buffer).equals(Buffer.from(first.weights.buffer))).toBe(false);
  });

  it("refuses an empty training set", () => {
    expect(() => trainModel([])).toThrow("no training examples");
  });
});

describe("model file", () => {
  it("round-trips: the parsed model has the same arrays and predicts the same probabilities", () => {
    for (const idf of [false, true]) {
      const model = trainModel(examples, { idf });
      const text = serializeModel(model);
      expect(JSON.parse(text)).toMatchObject({ format: "plaint-classifier/1", labels: model.labels, dims: 1 << 18 });
      const parsed = parseModel(text);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(parsed.value).toStrictEqual(model);
      const before = createPredictor(model).probabilities("my card was charged twice");
      const after = createPredictor(parsed.value).probabilities("my card was charged twice");
      expect(Array.from(after)).toStrictEqual(Array.from(before));
    }
  });

  it("names what is wrong with a bad file", () => {
    const good = JSON.parse(serializeModel(trainModel(examples))) as Record<string, unknown>;
    expect(parseModel("{")).toMatchObject({ ok: false, error: expect.stringContaining("not JSON") });
    expect(parseModel(JSON.stringify({ ...good, format: "other/2" }))).toStrictEqual({
      ok: false,
      error: 'unknown format "other/2", expected "plaint-classifier/1"',
    });
    expect(parseModel(JSON.stringify({ ...good, labels: ["a"] }))).toMatchObject({
      ok: false,
      error: expect.stringContaining("do not fit"),
    });
    expect(parseModel(JSON.stringify({ ...good, dims: 1000 }))).toStrictEqual({
      ok: false,
      error: "dims: expected a power of two",
    });
  });
});

describe("model file options", () => {
  it("rejects options of the wrong type, which would featurise differently", () => {
    const good = JSON.parse(serializeModel(trainModel(examples))) as { options: Record<string, unknown> };
    expect(parseModel(JSON.stringify({ ...good, options: { ...good.options, charMax: "4" } }))).toStrictEqual({
      ok: false,
      error: "options.charMax: expected a number",
    });
  });
});

describe("calibration", () => {
  // 120 texts where a word's label is right three times in four: an honest model is about 75% sure.
  const noisy: Example[] = Array.from({ length: 120 }, (_, i) => {
    const word = ["parcel", "refund", "password"][i % 3] as string;
    const labels = ["delivery", "billing", "access"];
    const label = i % 4 === 0 ? (labels[(i + 1) % 3] as string) : (labels[i % 3] as string);
    return { text: `${word} number ${i}`, label };
  });

  it("fits a temperature on held-out data that the model file keeps, and only on sets of 100 or more", () => {
    const model = trainModel(noisy);
    expect(model.temperature).not.toBe(1);
    const parsed = parseModel(serializeModel(model));
    expect(parsed.ok && parsed.value.temperature).toBe(model.temperature);
    expect(trainModel(noisy, { calibrate: false }).temperature).toBe(1);
    expect(trainModel(noisy.slice(0, 99)).temperature).toBe(1);
  });
});
