import type { SqlClient } from "../kernel/db/database";
import { countCasesByCategory } from "../store/cases.store";
import { findCustomerAttributes, type CustomerAttributes } from "../store/customers.store";
import type { PriorityConfig } from "../config/config.schema";
import type { Severity } from "../../normalizers/analysis/signals/index";
import { computePriority, type Priority } from "../cases/priority";
import type { CustomerFacts } from "../../normalizers/canonical-message";
import { customerFacts } from "../customers/customer-facts";

/** A case about to be opened, as priority needs it. */
export interface UnprioritizedCase {
  id: string;
  customerId: string;
  category: string | null;
  severity: Severity | null;
  text: string;
  /** The customer's attributes when already known (a customer created in this batch); looked up otherwise. */
  attributes?: CustomerFacts;
}

/**
 * Priorities of a batch's new cases, in two queries whatever the batch size: how many cases of each category are
 * recent and open (the batch's own new cases counted in), and the customers' attributes.
 */
export async function prioritizeNewCases(
  db: SqlClient,
  cases: readonly UnprioritizedCase[],
  config: PriorityConfig,
  now: Date,
): Promise<Map<string, Priority>> {
  const priorities = new Map<string, Priority>();
  if (cases.length === 0) return priorities;
  const categories = [...new Set(cases.flatMap((entry) => (entry.category ? [entry.category] : [])))];
  const since = new Date(now.getTime() - config.windowDays * 86_400_000);
  const counts = categories.length ? await countCasesByCategory(db, categories, since) : [];
  const byCategory = new Map(counts.map((row) => [row.category, row]));
  const inBatch = new Map<string, number>();
  for (const entry of cases) if (entry.category) inBatch.set(entry.category, (inBatch.get(entry.category) ?? 0) + 1);
  const unknown = [...new Set(cases.filter((entry) => !entry.attributes).map((entry) => entry.customerId))];
  const attributes = unknown.length ? await findCustomerAttributes(db, unknown) : new Map<string, CustomerAttributes>();
  for (const entry of cases) {
    const stored = entry.category ? byCategory.get(entry.category) : undefined;
    const batchCount = entry.category ? (inBatch.get(entry.category) ?? 0) : 1;
    const facts = customerFacts({ ...(entry.attributes ?? attributes.get(entry.customerId)) });
    priorities.set(
      entry.id,
      computePriority(
        {
          category: entry.category,
          severity: entry.severity,
          text: entry.text,
          recentSimilar: (stored?.recent ?? 0) + batchCount,
          openSimilar: (stored?.open ?? 0) + batchCount,
          customer: { tier: facts.tier, dealSize: facts.dealSize },
        },
        config,
      ),
    );
  }
  return priorities;
}
