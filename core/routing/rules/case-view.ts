import type { CaseStatus } from "../../cases/case-status";
import type { MessageKind, SentimentLabel, Severity } from "../../../normalizers/analysis/signals/signals.types";
import type { TimerSince } from "./rules.schema";

/**
 * A case and its latest message as rules see them. The caller builds it from the case row, the message and the
 * customer; the evaluator never reads anything else, so the dry run can build it from stored history.
 */
export interface CaseView {
  id: string;
  /** The canonical channel of the latest message (`email`, `sms`, `whatsapp`…). */
  channel: string;
  /** The connector id the latest message came through; null when it was not a connector (an agent's reply). */
  connector: string | null;
  subject: string | null;
  /** The latest message's text (what `text:` tests read). */
  text: string;
  category: string | null;
  kind: MessageKind | null;
  severity: Severity | null;
  sentiment: SentimentLabel | null;
  language: string | null;
  /** 0–100; null when `priority:` is not configured. */
  priority: number | null;
  customer: CustomerView;
  status: CaseStatus;
  team: string | null;
  assignee: string | null;
  tags: readonly string[];
  createdAt: Date;
  lastCustomerMessageAt: Date | null;
  lastAgentReplyAt: Date | null;
  /** When the status last changed; the creation time for a case whose status never changed. */
  statusChangedAt: Date;
}

/** What a case is about when it opens: the fields of the view its first message and its customer give. */
export type CaseOpening = Omit<
  CaseView,
  | "status"
  | "team"
  | "assignee"
  | "tags"
  | "createdAt"
  | "lastCustomerMessageAt"
  | "lastAgentReplyAt"
  | "statusChangedAt"
>;

/** The case as rules see it when it opens: new, no team, agent or tags, every moment its opening. */
export function caseViewAtOpening(opening: CaseOpening, openedAt: Date): CaseView {
  return {
    ...opening,
    status: "new",
    team: null,
    assignee: null,
    tags: [],
    createdAt: openedAt,
    lastCustomerMessageAt: openedAt,
    lastAgentReplyAt: null,
    statusChangedAt: openedAt,
  };
}

/** The customer's attributes from webhooks or the CRM; null when unknown. */
export interface CustomerView {
  tier: string | null;
  segment: string | null;
  dealSize: number | null;
}

/**
 * Business-hours calendars, implemented by the schedule module. `isOpen` must be pure and cheap: a rule that tests
 * `businessHours:` asks it once per calendar per evaluation.
 */
export interface BusinessCalendars {
  isOpen(calendarId: string, at: Date): boolean;
}

/** What an evaluation needs besides the case: the time it happens at, and the calendars. */
export interface RuleContext {
  /** `minutesSince…` tests and `businessHours:` are read at this moment. */
  now: Date;
  calendars: BusinessCalendars;
}

/**
 * The moment a timer rule's `after` counts from, for the scheduler that computes its due time; null while the
 * moment has not happened (no agent reply yet).
 */
export function timerStart(view: CaseView, since: TimerSince): Date | null {
  switch (since) {
    case "created":
      return view.createdAt;
    case "lastCustomerMessage":
      return view.lastCustomerMessageAt;
    case "lastAgentReply":
      return view.lastAgentReplyAt;
    case "statusChanged":
      return view.statusChangedAt;
  }
}
