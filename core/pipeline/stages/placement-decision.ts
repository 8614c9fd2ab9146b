import { continuation, type Continuation } from "../../cases/continuation";
import type { ThreadMatch } from "../../cases/thread-match";
import type { CasesConfig } from "../../config/config.schema";
import type { OpenNote } from "../content-match";

/** What the look-ups found for one message, before anything is decided. */
export interface PlacementFindings {
  /** The case the message's own channel thread points at (case tag, reply, chat, subject). */
  threadMatch: ThreadMatch | null;
  /** The earlier message of the same customer this one repeats word for word, within the duplicate window. */
  duplicate: { match: ThreadMatch; messageId: string } | null;
  /**
   * The customer's open case about the same thing, with a note saying why none was joined. Asked only when neither
   * the thread nor a repeat placed the message, and never for machine mail: it is the costliest look-up.
   */
  similarCase: () => { match: ThreadMatch | null; note: OpenNote };
  /** An auto-reply, bounce or abuse report. */
  machineMail: boolean;
  /** A bare STOP / START keyword. */
  optOut: "stop" | "start" | undefined;
  receivedAt: string;
  /** Cases an earlier message of the batch reopened: they are open now, whatever the look-ups read. */
  reopenedInBatch: ReadonlySet<string>;
}

/** Where one message goes, and why. */
export type PlacementDecision =
  /**
   * Joins an existing case; `reopen` puts it back to work. A `quiet` message (machine mail, a repeat) leaves the case
   * as it was. `duplicateOf` is the message a repeat repeats.
   */
  | { action: "join"; match: ThreadMatch; reopen: boolean; quiet: boolean; duplicateOf: string | null }
  /** The matched case is closed for good: a new case opens, linked to it (unless it already has a follow-up). */
  | { action: "follow-up"; match: ThreadMatch }
  /** Nothing matched: a new case opens; `note` says why the content rules joined none, when they had one to weigh. */
  | { action: "open"; note: OpenNote }
  /** Nothing matched, and this message must not open a case: it is not stored. */
  | { action: "skip"; reason: string };

/**
 * The placement rules in order of strength: the channel thread, then an exact repeat, then an open case about the
 * same thing; then what the match's status allows (`continuation`: join, reopen, or follow up a closed case). Pure:
 * the look-ups are done before, and joining an existing follow-up and waiting for a parent are the caller's.
 */
export function decidePlacement(
  found: PlacementFindings,
  cases: Pick<CasesConfig, "replyToClosed" | "reopenWithinDays">,
): PlacementDecision {
  const repeat = found.threadMatch === null ? found.duplicate : null;
  let match = found.threadMatch ?? repeat?.match ?? null;
  let note: OpenNote = null;
  if (!match && !found.machineMail) ({ match, note } = found.similarCase());
  // A repeat changes nothing about its case (like machine mail): sending the same text twice is not news.
  const quiet = found.machineMail || repeat !== null;
  const via = continuation(asItStandsNow(match, found.reopenedInBatch), found.receivedAt, cases, quiet);
  if (via.action === "join") return { ...via, quiet, duplicateOf: repeat?.messageId ?? null };
  if (via.action === "follow-up") return via;
  // Auto-replies, bounces and abuse reports join the case they answer, but never open one: a loop of out-of-office
  // mails must not become a loop of cases. Nor does a bare STOP / START keyword.
  if (found.machineMail)
    return { action: "skip", reason: "machine mail (auto-reply, bounce, abuse report) opens no case" };
  if (found.optOut) return { action: "skip", reason: `a bare ${found.optOut.toUpperCase()} keyword opens no case` };
  return { action: "open", note };
}

/** The reply to a closed case joins the follow-up case an earlier reply opened: never quiet, never a reopen. */
export function joinFollowUp(followUp: ThreadMatch): PlacementDecision {
  return { action: "join", match: followUp, reopen: false, quiet: false, duplicateOf: null };
}

/** The decision as the placement records it, for the trail and the side effects. */
export function continuationOf(decision: Exclude<PlacementDecision, { action: "skip" }>): Continuation {
  switch (decision.action) {
    case "join":
      return { action: "join", match: decision.match, reopen: decision.reopen };
    case "follow-up":
      return { action: "follow-up", match: decision.match };
    case "open":
      return { action: "open" };
  }
}

/** A match as it stands after the batch so far: a case reopened by an earlier message is open now. */
function asItStandsNow(match: ThreadMatch | null, reopened: ReadonlySet<string>): ThreadMatch | null {
  return match && reopened.has(match.caseId) ? { ...match, status: "open", closedAt: null } : match;
}
