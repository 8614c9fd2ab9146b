import type { CustomerFacts } from "../../normalizers/canonical-message";

/**
 * The facts rules and priority read from a customer's stored `attributes` (free-form JSON, merged from webhooks and
 * the CRM): a string tier and segment, a numeric deal size; anything else is absent.
 */
export function customerFacts(attributes: Record<string, unknown>): CustomerFacts {
  const { tier, segment, dealSize } = attributes;
  return {
    ...(typeof tier === "string" && { tier }),
    ...(typeof segment === "string" && { segment }),
    ...(typeof dealSize === "number" && { dealSize }),
  };
}
