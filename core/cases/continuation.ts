import type { CasesConfig } from "../config/config.schema";
import type { ThreadMatch } from "./thread-match";

/** What a message does with the case its thread pointed at. */
export type Continuation =
  /** No case matched: the message opens one. */
  | { action: "open" }
  /** Joins the matched case; `reopen` when the case was waiting, resolved or closed and now needs work again. */
  | { action: "join"; match: ThreadMatch; reopen: boolean }
  /** The matched case is closed for good: the message opens a new case linked to it. */
  | { action: "follow-up"; match: ThreadMatch };

/**
 * Zendesk's and Zammad's behaviour, configurable: a customer answering a pending or resolved case puts it back
 * to work; an answer to a closed case reopens it only when `cases.replyToClosed` says so and it was closed
 * recently, otherwise it starts a new case that links back. Machine mail (auto-replies, bounces) joins whatever
 * case it answers and never changes its status: an out-of-office reply does not mean the problem is back.
 */
export function continuation(
  match: ThreadMatch | null,
  receivedAt: string,
  cases: Pick<CasesConfig, "replyToClosed" | "reopenWithinDays">,
  machineMail: boolean,
): Continuation {
  if (!match) return { action: "open" };
  if (machineMail) return { action: "join", match, reopen: false };
  switch (match.status) {
    case "new":
    case "open":
      return { action: "join", match, reopen: false };
    case "pending":
    case "resolved":
      return { action: "join", match, reopen: true };
    default: {
      const closedFor = match.closedAt ? Date.parse(receivedAt) - Date.parse(match.closedAt) : Infinity;
      const recent = closedFor <= cases.reopenWithinDays * 86_400_000;
      return cases.replyToClosed === "reopen" && recent
        ? { action: "join", match, reopen: true }
        : { action: "follow-up", match };
    }
  }
}
