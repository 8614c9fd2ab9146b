import { stringify } from "yaml";

/** Words the generated rules look for; one complaint text in a few contains one. */
const KEYWORDS = ["refund", "chargeback", "lawyer", "cancel", "outage", "invoice", "broken", "late", "password"];
const CATEGORIES = ["billing-payments", "delivery-fulfilment", "product-quality", "account-access", "service-staff"];
const TIERS = ["free", "standard", "business", "enterprise", "vip"];
const CHANNELS = ["webhook", "sms", "whatsapp", "messenger", "slack", "email"];

/** The test of the i-th generated rule: five shapes in turn, as routing rules are usually written. */
function condition(i: number): Record<string, unknown> {
  switch (i % 5) {
    case 0:
      return { category: { is: CATEGORIES[i % CATEGORIES.length] }, priority: { gte: (i * 7) % 90 } };
    case 1:
      return { text: { contains: [KEYWORDS[i % KEYWORDS.length], KEYWORDS[(i + 3) % KEYWORDS.length]] } };
    case 2:
      return { customer: { tier: { is: TIERS[i % TIERS.length] } } };
    case 3:
      return { channel: { is: CHANNELS[i % CHANNELS.length] }, severity: { in: ["blocked", "inconvenienced"] } };
    default:
      return { any: [{ language: { in: ["de", "fr"] } }, { subject: { matches: "(order|invoice)\\s*#?\\d+" } }] };
  }
}

/** The action of the i-th generated rule: a tag, a priority nudge or a note, none of them stopping the others. */
function action(i: number): Record<string, unknown> {
  if (i % 3 === 0) return { addTags: [`tag-${i % 7}`] };
  if (i % 3 === 1) return { setPriority: { add: (i % 11) - 5 } };
  return { note: `generated rule ${i}` };
}

/**
 * `BENCH_RULES=N`: N deterministic `case.created` rules of mixed shapes for the channels bench, as the `routing:`
 * section's YAML; the same rules on every run, so runs with and without them compare.
 */
export function generatedRoutingYaml(count: number): string {
  const rules = Array.from({ length: count }, (_, i) => ({
    id: `bench-rule-${i}`,
    description: `generated rule ${i}`,
    on: { "case.created": null },
    if: condition(i),
    then: [action(i)],
  }));
  return stringify({ routing: { defaultTeam: "support", rules } });
}
