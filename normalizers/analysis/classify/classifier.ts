/**
 * The complaint classifier: the linear model's probabilities, nudged by the taxonomy's keyword and pattern rules,
 * with the evidence spelled out ("keyword 'refund' + model 0.64") so every category on a case can be explained.
 */
import { trainModel, type ClassifierModel, type Example } from "./model";
import { createPredictor, rankLabels } from "./predictor";
import { compileRules, type RuleHit } from "./rules";
import type { Taxonomy } from "./taxonomy";

/** A category with its confidence. */
export interface CategoryScore {
  category: string;
  confidence: number;
}

/** What the classifier says about one text. */
export interface Classification {
  /** A taxonomy id, or the model's own label when the model was trained on other labels (e.g. intents). */
  category: string;
  /** Softmax probability of the category after the rules, in [0, 1]. */
  confidence: number;
  /** True when confidence is below `triageBelow`: a person should check the category. */
  triage: boolean;
  /** Why: the rules that fired for the category and the model's own probability, e.g. "keyword 'refund' + model 0.64". */
  evidence: string;
  /** The next best categories, best first. */
  alternatives: CategoryScore[];
}

export interface ClassifierOptions {
  taxonomy: Taxonomy;
  /** A trained model; absent, one is trained from the taxonomy's examples when the classifier is created. */
  model?: ClassifierModel;
  /** Confidence under which a classification is flagged for triage. Default 0.5. */
  triageBelow?: number;
}

export interface Classifier {
  /** The labels the classifier can report. */
  labels: string[];
  model: ClassifierModel;
  classify(text: string): Classification;
}

/**
 * Log-odds a rule hit adds to its category: one keyword lifts a category the model gives 0.2 over one it gives 0.6,
 * so a clear keyword wins over a hesitant model but not over a confident one.
 */
const RULE_WEIGHT = 1.5;
/** Hits beyond this many add nothing: ten mentions of "refund" are no stronger evidence than two. */
const MAX_COUNTED_HITS = 2;
const ALTERNATIVES = 3;

/** The model trained from a taxonomy: each category's examples, and each keyword as a short example of its own. */
export function taxonomyExamples(taxonomy: Taxonomy): Example[] {
  return taxonomy.categories.flatMap((category) =>
    [...(category.examples ?? []), ...(category.keywords ?? [])].map((text) => ({ text, label: category.id })),
  );
}

/**
 * A classifier for the taxonomy: with the given model, or one trained from the taxonomy's examples now (about 0.1 s
 * for the default taxonomy). Throws when the taxonomy has a pattern that is not a regular expression, or too
 * little to train from; create it once and reuse it.
 */
export function createClassifier(options: ClassifierOptions): Classifier {
  const triageBelow = options.triageBelow ?? 0.5;
  const model = options.model ?? trainTaxonomyModel(options.taxonomy);
  const predictor = createPredictor(model);
  const matchRules = compileRules(options.taxonomy);
  const labels = model.labels;
  return {
    labels,
    model,
    classify(text) {
      const modelProbabilities = predictor.probabilities(text);
      const hits = matchRules(text);
      const combined = applyRules(labels, modelProbabilities, hits);
      const [best, ...rest] = rankLabels(labels, combined, ALTERNATIVES + 1);
      const top = best ?? { label: labels[0] as string, probability: 0 };
      const modelProbability = modelProbabilities[labels.indexOf(top.label)] ?? 0;
      return {
        category: top.label,
        confidence: top.probability,
        triage: top.probability < triageBelow,
        evidence: describeEvidence(hits.get(top.label) ?? [], modelProbability),
        alternatives: rest.map((score) => ({ category: score.label, confidence: score.probability })),
      };
    },
  };
}

function trainTaxonomyModel(taxonomy: Taxonomy) {
  const examples = taxonomyExamples(taxonomy);
  if (new Set(examples.map((example) => example.label)).size < 2)
    throw new Error("the taxonomy needs examples or keywords in at least two categories to train a model");
  return trainModel(examples, { epochs: 30, learningRate: 0.5 });
}

/** Model probabilities with rule log-odds added, renormalised. Labels without rules keep their model share. */
function applyRules(labels: string[], probabilities: Float64Array, hits: Map<string, RuleHit[]>): Float64Array {
  if (hits.size === 0) return probabilities;
  const boosted = Float64Array.from(probabilities, (probability, k) => {
    const count = hits.get(labels[k] as string)?.length ?? 0;
    return probability * Math.exp(RULE_WEIGHT * Math.min(count, MAX_COUNTED_HITS));
  });
  const sum = boosted.reduce((total, value) => total + value, 0);
  return boosted.map((value) => value / sum);
}

function describeEvidence(hits: RuleHit[], modelProbability: number): string {
  const rules = hits.slice(0, MAX_COUNTED_HITS).map((hit) => `${hit.kind} '${hit.matched}'`);
  return [...rules, `model ${modelProbability.toFixed(2)}`].join(" + ");
}
