import type { RoutingConfig } from "../config/config.schema";
import type { Severity } from "../../normalizers/analysis/signals/index";

export type { RoutingConfig } from "../config/config.schema";

/**
 * A case about to be opened, as routing sees it: what its first message was about and how urgent it is. Rules
 * (a later issue) match on these fields; the pipeline fills them before the case is written.
 */
export interface RoutableCase {
  id: string;
  customerId: string;
  channel: string;
  subject: string | null;
  /** The classifier's category when it was confident; null when the case waits for triage or classification is off. */
  category: string | null;
  severity: Severity | null;
  /** The message's language as the signals read it; null when classification is off. */
  language: string | null;
  /** The priority score; null when `priority:` is not configured. */
  priority: number | null;
  /** The closed case this one follows up, when a reply to it opened this one. */
  followUpOf: string | null;
}

/** Where a case goes, and why: written on the case row and on its `routed` event. */
export interface RouteDecision {
  team: string;
  /** The agent the case is assigned to; null until assignment strategies exist. */
  assignee: string | null;
  /** For the case's trail: which rule (or default) chose the team. */
  reason: string;
  /** The rule that matched; null when no rule did and the default team took the case. */
  ruleId: string | null;
}

/**
 * Decides a new case's team. Pure: everything it needs is in its arguments, so a dry run against past traffic can
 * call it on stored cases. Today there are no rules and every case goes to `routing.defaultTeam`.
 */
export function route(_newCase: RoutableCase, routing: RoutingConfig): RouteDecision {
  return { team: routing.defaultTeam, assignee: null, reason: "default team (routing.defaultTeam)", ruleId: null };
}
