import type { PriorityConfig } from "../config/config.schema";
import type { Severity } from "../../normalizers/analysis/signals/index";

/** What priority is computed from, for one new case. */
export interface PriorityInputs {
  category: string | null;
  severity: Severity | null;
  text: string;
  /** Cases of the same category opened within `priority.windowDays`, this one included. */
  recentSimilar: number;
  /** Open cases of the same category, this one included. */
  openSimilar: number;
  /** The customer's attributes (from a webhook's fields or the CRM). */
  customer: { tier?: string | undefined; dealSize?: number | undefined };
}

export interface PriorityFactor {
  /** 0–1. */
  value: number;
  weight: number;
  /** value × weight, as a share of the score's 0–100. */
  points: number;
  detail: string;
}

export interface Priority {
  score: number;
  factors: Record<keyof PriorityConfig["weights"], PriorityFactor>;
}

const SEVERITY_VALUE: Record<Severity, number> = { blocked: 1, inconvenienced: 0.6, annoyed: 0.3 };

/**
 * The complaint-management practice's factors, each 0–1, weighted as configured, to a 0–100 score: how often the
 * same thing is happening (frequency), how badly the customer is hit (severity), whether a promise is broken
 * (brand risk), how much revenue the customer stands for (revenue exposure), and how many open cases one fix
 * would close (fix leverage). Every factor's value and share is kept, so the score explains itself.
 */
export function computePriority(inputs: PriorityInputs, config: PriorityConfig): Priority {
  const { weights } = config;
  const brandKeyword = config.brandRisk.keywords.find((keyword) =>
    inputs.text.toLowerCase().includes(keyword.toLowerCase()),
  );
  const brandCategory = inputs.category !== null && config.brandRisk.categories.includes(inputs.category);
  const tierValue = inputs.customer.tier !== undefined ? (config.revenue.tiers[inputs.customer.tier] ?? 0) : 0;
  const dealValue = Math.min(1, (inputs.customer.dealSize ?? 0) / config.revenue.fullDealSize);
  const values = {
    frequency: {
      value: Math.min(1, inputs.recentSimilar / config.saturation),
      detail: `${inputs.recentSimilar} case(s) of ${inputs.category ?? "no category"} in ${config.windowDays} days`,
    },
    severity: {
      value: inputs.severity ? SEVERITY_VALUE[inputs.severity] : 0,
      detail: inputs.severity ?? "unknown",
    },
    brandRisk: {
      value: brandCategory || brandKeyword ? 1 : 0,
      detail: brandCategory
        ? `category ${inputs.category ?? ""} is promise-breaking`
        : brandKeyword
          ? `keyword '${brandKeyword}'`
          : "none",
    },
    revenue: {
      value: Math.max(tierValue, dealValue),
      detail: `tier ${inputs.customer.tier ?? "unknown"}, deal size ${inputs.customer.dealSize ?? "unknown"}`,
    },
    fixLeverage: {
      value: Math.min(1, inputs.openSimilar / config.saturation),
      detail: `${inputs.openSimilar} open case(s) of ${inputs.category ?? "no category"}`,
    },
  };
  const totalWeight = Object.values(weights).reduce((sum, weight) => sum + weight, 0) || 1;
  const factors = Object.fromEntries(
    (Object.keys(values) as (keyof typeof values)[]).map((name) => {
      const { value, detail } = values[name];
      const weight = weights[name];
      return [name, { value: round(value), weight, points: round((100 * value * weight) / totalWeight), detail }];
    }),
  ) as Priority["factors"];
  const score = Math.round(Object.values(factors).reduce((sum, factor) => sum + factor.points, 0));
  return { score, factors };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
