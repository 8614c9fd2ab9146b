import { priorityConfigSchema } from "../config/config.schema";
import { computePriority, type PriorityInputs } from "./priority";

describe("computePriority", () => {
  const config = priorityConfigSchema.parse({
    weights: { frequency: 1, severity: 1, brandRisk: 1, revenue: 1, fixLeverage: 1 },
    saturation: 10,
    brandRisk: { categories: ["delivery-fulfilment"], keywords: ["guaranteed"] },
    revenue: { tiers: { enterprise: 1, standard: 0.2 }, fullDealSize: 50_000 },
  });
  const quiet: PriorityInputs = {
    category: "billing-payments",
    severity: "annoyed",
    text: "The invoice layout is confusing",
    recentSimilar: 1,
    openSimilar: 1,
    customer: {},
  };

  it("scores each factor, weighted and normalised to 0–100, and explains it", () => {
    const priority = computePriority(quiet, config);
    expect(priority.factors.frequency).toEqual({
      value: 0.1,
      weight: 1,
      points: 2,
      detail: "1 case(s) of billing-payments in 7 days",
    });
    expect(priority.factors.severity.value).toBe(0.3);
    expect(priority.factors.brandRisk).toMatchObject({ value: 0, detail: "none" });
    expect(priority.factors.revenue.value).toBe(0);
    // (0.1 + 0.3 + 0 + 0 + 0.1) / 5 × 100 = 10
    expect(priority.score).toBe(10);
  });

  it("rises with frequency, severity, brand risk, revenue and leverage, saturating at 1 each", () => {
    const urgent = computePriority(
      {
        category: "delivery-fulfilment",
        severity: "blocked",
        text: "Your GUARANTEED next-day delivery never came",
        recentSimilar: 40,
        openSimilar: 12,
        customer: { tier: "standard", dealSize: 80_000 },
      },
      config,
    );
    expect(urgent.factors.brandRisk.detail).toBe("category delivery-fulfilment is promise-breaking");
    expect(urgent.factors.revenue.value).toBe(1);
    expect(urgent.score).toBe(100);
  });

  it("takes the larger of tier and deal size for revenue, and finds brand keywords in any case", () => {
    const priority = computePriority(
      { ...quiet, text: "you guaranteed a refund", customer: { tier: "standard", dealSize: 5_000 } },
      config,
    );
    expect(priority.factors.revenue.value).toBe(0.2);
    expect(priority.factors.brandRisk.detail).toBe("keyword 'guaranteed'");
  });

  it("gives nothing to a factor whose weight is zero", () => {
    const onlySeverity = priorityConfigSchema.parse({
      weights: { frequency: 0, severity: 1, brandRisk: 0, revenue: 0, fixLeverage: 0 },
    });
    expect(computePriority({ ...quiet, severity: "blocked", recentSimilar: 99 }, onlySeverity).score).toBe(100);
  });
});
