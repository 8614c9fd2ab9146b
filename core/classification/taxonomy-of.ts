import type { PlaintConfig } from "../config/config.schema";
import { DEFAULT_TAXONOMY, type Taxonomy, type TaxonomyCategory } from "../../normalizers/analysis/classify/index";

/**
 * The taxonomy a hub classifies into: the configured categories, each completed from the shipped default taxonomy
 * where the ids agree and the config gives no keywords, patterns or examples of its own; no categories configured
 * means the shipped default as it is.
 */
export function taxonomyOf(config: Pick<PlaintConfig, "taxonomy">): Taxonomy {
  const configured = config.taxonomy.categories;
  if (configured.length === 0) return DEFAULT_TAXONOMY;
  const shipped = new Map(DEFAULT_TAXONOMY.categories.map((category) => [category.id, category]));
  const categories: TaxonomyCategory[] = configured.map((category) => {
    const fallback = shipped.get(category.id);
    return {
      id: category.id,
      name: category.name,
      keywords: category.keywords ?? fallback?.keywords ?? [],
      patterns: category.patterns ?? fallback?.patterns ?? [],
      examples: category.examples ?? fallback?.examples ?? [],
    };
  });
  return { categories };
}
