import { createFeaturizer, DEFAULT_FEATURE_OPTIONS } from "./features";
import { tokenize } from "./tokenizer";

describe("tokenize", () => {
  it("lower-cases, drops punctuation and apostrophes, keeps letters and digits of any script", () => {
    expect(tokenize("Don't charge me TWICE! Order #123, Größe 42 — déjà vu")).toStrictEqual([
      "dont",
      "charge",
      "me",
      "twice",
      "order",
      "123",
      "größe",
      "42",
      "déjà",
      "vu",
    ]);
  });
});

describe("createFeaturizer", () => {
  const featurize = createFeaturizer(DEFAULT_FEATURE_OPTIONS);
  const norm = (values: Float32Array) => Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));

  it("gives the same vector for the same text, and a unit-length one", () => {
    const copy = (text: string) => {
      const vector = featurize(text);
      return { indices: Array.from(vector.indices), values: Array.from(vector.values) };
    };
    const first = copy("The parcel never arrived");
    featurize("something else in between");
    expect(copy("The parcel never arrived")).toStrictEqual(first);
    expect(norm(Float32Array.from(first.values))).toBeCloseTo(1, 5);
  });

  it("counts words, bigrams and character n-grams within words", () => {
    const words = createFeaturizer({ ...DEFAULT_FEATURE_OPTIONS, charMax: 0 });
    expect(words("refund please").indices).toHaveLength(3); // two words and one bigram
    const chars = createFeaturizer({ ...DEFAULT_FEATURE_OPTIONS, wordNgrams: 1, charMin: 3, charMax: 3 });
    // "<abc>" has the trigrams "<ab", "abc", "bc>", plus the word itself.
    expect(chars("abc").indices).toHaveLength(4);
  });

  it("damps repetition: a word said ten times does not weigh ten times more", () => {
    const words = createFeaturizer({ ...DEFAULT_FEATURE_OPTIONS, wordNgrams: 1, charMax: 0 });
    const vector = words("refund refund refund refund refund refund refund refund refund refund now");
    const [refund, now] = Array.from(vector.values);
    expect((refund as number) / (now as number)).toBeCloseTo(1 + Math.log(10), 4);
  });

  it("keeps every index inside the hash space and handles empty text", () => {
    const small = createFeaturizer({ ...DEFAULT_FEATURE_OPTIONS, dims: 1024 });
    const vector = small("A fairly long complaint about the delivery of a washing machine that never came");
    expect(Array.from(vector.indices).every((index) => index >= 0 && index < 1024)).toBe(true);
    expect(small("").indices).toHaveLength(0);
    expect(() => createFeaturizer({ ...DEFAULT_FEATURE_OPTIONS, dims: 1000 })).toThrow("power of two");
  });
});
