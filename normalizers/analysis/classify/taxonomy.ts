/**
 * What a complaint can be about. The config's `taxonomy.categories[]` carries the same fields, so a taxonomy is
 * taken as a plain object and the classifier never depends on the config loader.
 */
export interface TaxonomyCategory {
  /** Stable slug, the label the classifier reports. */
  id: string;
  name: string;
  /** Words or phrases that point at this category, matched case-insensitively on word boundaries. */
  keywords?: string[];
  /** JavaScript regular expression sources, matched case-insensitively. */
  patterns?: string[];
  /** Complaint texts of this category; the default model is trained on them. */
  examples?: string[];
}

export interface Taxonomy {
  categories: TaxonomyCategory[];
}
