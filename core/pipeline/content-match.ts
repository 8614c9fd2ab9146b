import type { MatchingConfig } from "../config/config.schema";
import type { CandidateCase } from "../cases/similar-cases";
import { chooseSimilarCase } from "../cases/similar-cases";
import { repeatKey, type EarlierRepeat } from "../cases/repeats";
import type { ThreadMatch } from "../cases/thread-match";
import type { AnalyzedMessage } from "./message-analysis";
import { normalizeSubject } from "../cases/subject";

/** Why a message that no thread placed opened a case anyway, for the `created` event. */
export type OpenNote = string | null;

/**
 * The two content rules that run when a message's channel thread placed it nowhere, in this order: an exact repeat
 * of a message the same customer sent within the duplicate window joins that message's case, and a message about
 * the same thing as one of the customer's recent open cases (same category, similar text) joins that case. What
 * earlier messages of the batch did is remembered, so a complaint sent by email and SMS in one batch is one case.
 */
export class ContentMatcher {
  private readonly repeats: Map<string, EarlierRepeat>;
  private readonly candidates = new Map<string, CandidateCase[]>();

  constructor(
    earlierRepeats: Map<string, EarlierRepeat>,
    candidates: readonly CandidateCase[],
    private readonly matching: MatchingConfig,
  ) {
    this.repeats = new Map(earlierRepeats);
    for (const candidate of candidates) this.candidatesOf(candidate.customerId).push(candidate);
  }

  /** The earlier message this one repeats word for word (after normalising), within the window. */
  duplicateOf(customerId: string, analyzed: AnalyzedMessage): { match: ThreadMatch; messageId: string } | null {
    if (!analyzed.fingerprint) return null;
    const earlier = this.repeats.get(repeatKey(customerId, analyzed.fingerprint));
    if (!earlier) return null;
    const minutes = (Date.parse(analyzed.message.receivedAt) - Date.parse(earlier.sentAt)) / 60_000;
    if (minutes > this.matching.duplicateWindowMinutes) return null;
    // Two mails with one stock body ("Something is wrong.") under different subjects are two complaints; a resend
    // by SMS or chat has no subject to disagree with.
    const subjects = [earlier.subject, analyzed.message.subject].map(normalizeSubject);
    if (subjects[0] && subjects[1] && subjects[0] !== subjects[1]) return null;
    const evidence = `same text as message ${earlier.messageId}, ${Math.max(0, Math.round(minutes))} min earlier`;
    return {
      messageId: earlier.messageId,
      match: {
        caseId: earlier.caseId,
        status: earlier.status,
        closedAt: earlier.closedAt,
        rule: "duplicate",
        evidence,
      },
    };
  }

  /**
   * The customer's open case (or the chat's resolved case) this message is about, or null with a note saying why
   * none was joined when there was one to consider.
   */
  similarCase(
    customerId: string,
    analyzed: AnalyzedMessage,
    resolvedChatCaseId: string | null,
  ): { match: ThreadMatch | null; note: OpenNote } {
    if (!this.matching.enabled) return { match: null, note: null };
    const candidates = this.candidatesOf(customerId).filter(
      (candidate) => candidate.status !== "resolved" || candidate.caseId === resolvedChatCaseId,
    );
    const category =
      analyzed.classification && !analyzed.classification.triage ? analyzed.classification.category : null;
    const { channel, subject } = analyzed.message;
    const best = chooseSimilarCase(
      { profile: analyzed.profile, category, channel, subject },
      candidates,
      this.matching,
    );
    if (!best) return { match: null, note: null };
    const { candidate, decision } = best;
    if (!decision.join) {
      const resolvedChat = candidate.caseId === resolvedChatCaseId;
      return {
        match: null,
        note: resolvedChat
          ? `the chat's last case was resolved and this is a new topic (${decision.reason})`
          : `no open case of the customer is about the same thing (closest: ${decision.reason})`,
      };
    }
    const match: ThreadMatch = {
      caseId: candidate.caseId,
      status: candidate.status,
      closedAt: candidate.closedAt,
      rule: "similarity",
      evidence: decision.reason,
    };
    return { match, note: null };
  }

  /** What a placed message adds for the messages after it in the batch. */
  remember(
    customerId: string,
    analyzed: AnalyzedMessage,
    placed: { caseId: string; messageId: string; status: string; newCase: boolean; category: string | null },
  ): void {
    if (analyzed.fingerprint) {
      const key = repeatKey(customerId, analyzed.fingerprint);
      if (!this.repeats.has(key))
        this.repeats.set(key, {
          messageId: placed.messageId,
          caseId: placed.caseId,
          status: placed.status,
          closedAt: null,
          sentAt: analyzed.message.receivedAt,
          subject: analyzed.message.subject,
        });
    }
    const known = this.candidatesOf(customerId).find((candidate) => candidate.caseId === placed.caseId);
    if (known) {
      known.profiles.unshift(analyzed.profile);
      known.status = placed.status;
    } else if (placed.newCase) {
      this.candidatesOf(customerId).push({
        caseId: placed.caseId,
        customerId,
        channel: analyzed.message.channel,
        subject: analyzed.message.subject,
        status: placed.status,
        closedAt: null,
        category: placed.category,
        profiles: [analyzed.profile],
      });
    }
  }

  private candidatesOf(customerId: string): CandidateCase[] {
    let list = this.candidates.get(customerId);
    if (!list) this.candidates.set(customerId, (list = []));
    return list;
  }
}
