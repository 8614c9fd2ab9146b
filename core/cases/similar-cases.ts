import type { SqlClient } from "../kernel/db/database";
import { findCandidateCaseRows } from "../store/case-matching.store";
import type { MatchingConfig } from "../config/config.schema";
import {
  sameComplaintProfiles,
  type SameComplaintDecision,
} from "../../normalizers/analysis/similarity/same-complaint";
import { textProfile, type TextProfile } from "../../normalizers/analysis/similarity/similarity";
import { normalizeSubject } from "./subject";

/** A case a message might be about: one of the customer's recent open cases, or its chat's last resolved one. */
export interface CandidateCase {
  caseId: string;
  customerId: string;
  status: string;
  closedAt: string | null;
  channel: string;
  subject: string | null;
  /** The case's category, or the classifier's best guess while the case waits for triage. */
  category: string | null;
  /** The case's last few inbound messages, newest first. */
  profiles: TextProfile[];
}

/**
 * Every case a batch's unplaced messages could join, in one query: each customer's cases still being worked and
 * active within the window, and the resolved cases the batch's chats last had (where a new topic starts a new case
 * and the same topic reopens the old one).
 */
export async function findCandidateCases(
  db: SqlClient,
  customerIds: readonly string[],
  resolvedCaseIds: readonly string[],
  since: Date,
): Promise<CandidateCase[]> {
  if (customerIds.length === 0) return [];
  const rows = await findCandidateCaseRows(db, customerIds, resolvedCaseIds, since);
  return rows.map((row) => ({
    caseId: row.caseId,
    customerId: row.customerId,
    status: row.status,
    closedAt: row.closedAt === null ? null : new Date(row.closedAt).toISOString(),
    channel: row.channel,
    subject: row.subject,
    category: row.category,
    profiles: (row.texts ?? []).map(textProfile),
  }));
}

/** The candidate a message is most likely about, when the decision says join; otherwise the best miss, for the trail. */
export function chooseSimilarCase(
  message: { profile: TextProfile; category: string | null; channel?: string; subject?: string | null },
  candidates: readonly CandidateCase[],
  matching: Pick<MatchingConfig, "threshold" | "requireSameCategory" | "textAloneThreshold">,
): { candidate: CandidateCase; decision: SameComplaintDecision } | null {
  let best: { candidate: CandidateCase; decision: SameComplaintDecision } | null = null;
  for (const candidate of candidates) {
    // Two mails under different subjects are two topics however alike their bodies ("Something is wrong with my
    // order."): a mail names its complaint in the subject. Chat messages and web forms (a fixed "Contact form"
    // subject) say nothing by theirs, so only mail against mail counts.
    const subjectsDiffer =
      message.channel === "email" &&
      candidate.channel === "email" &&
      differentTopics(message.subject ?? null, candidate.subject);
    const decision: SameComplaintDecision = subjectsDiffer
      ? {
          join: false,
          score: 0,
          reason: `subject "${normalizeSubject(message.subject)}" ≠ "${normalizeSubject(candidate.subject)}"`,
        }
      : sameComplaintProfiles(
          {
            newProfile: message.profile,
            newCategory: message.category,
            caseProfiles: candidate.profiles,
            caseCategory: candidate.category,
          },
          matching,
        );
    const better =
      !best ||
      (decision.join && !best.decision.join) ||
      (decision.join === best.decision.join && decision.score > best.decision.score);
    if (better) best = { candidate, decision };
  }
  return best;
}

function differentTopics(a: string | null, b: string | null): boolean {
  const [first, second] = [normalizeSubject(a), normalizeSubject(b)];
  return first !== "" && second !== "" && first !== second;
}
