import { Counter, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics of one process, served at GET /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    rejectedSignatures: new Counter({
      name: "plaint_intake_rejected_signatures_total",
      help: "Requests refused because their signature did not verify",
      labelNames: ["connector", "reason"] as const,
      registers: [registry],
    }),
    intake: new Counter({
      name: "plaint_intake_items_total",
      help: "Intake requests by outcome",
      labelNames: ["connector", "outcome"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
