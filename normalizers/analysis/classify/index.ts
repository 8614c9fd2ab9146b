/** The complaint classifier's public API, as the pipeline and the CLI use it. */
export { createClassifier, taxonomyExamples } from "./classifier";
export type { Classification, CategoryScore, Classifier, ClassifierOptions } from "./classifier";
export { trainModel, DEFAULT_TRAIN_OPTIONS } from "./model";
export type { ClassifierModel, Example, TrainOptions } from "./model";
export { createPredictor } from "./predictor";
export type { LabelScore, Predictor } from "./predictor";
export { serializeModel, parseModel, MODEL_FORMAT } from "./model-file";
export { DEFAULT_TAXONOMY } from "./default-taxonomy";
export type { Taxonomy, TaxonomyCategory } from "./taxonomy";
