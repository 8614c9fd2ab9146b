import type { ThreadMatch } from "../../cases/thread-match";
import { continuationOf, decidePlacement, joinFollowUp, type PlacementFindings } from "./placement-decision";

const now = "2026-11-25T12:00:00.000Z";
const newCaseRule = { replyToClosed: "new-case", reopenWithinDays: 30 } as const;
const reopenRule = { replyToClosed: "reopen", reopenWithinDays: 30 } as const;

function match(
  caseId: string,
  rule: ThreadMatch["rule"],
  status = "open",
  closedAt: string | null = null,
): ThreadMatch {
  return { caseId, status, closedAt, rule, evidence: `${rule} evidence` };
}

/** Nothing found: no thread, no repeat, no similar case, a customer's own message. */
function findings(overrides: Partial<PlacementFindings> = {}): PlacementFindings {
  return {
    threadMatch: null,
    duplicate: null,
    similarCase: () => ({ match: null, note: null }),
    machineMail: false,
    optOut: undefined,
    receivedAt: now,
    reopenedInBatch: new Set(),
    ...overrides,
  };
}

describe("decidePlacement: which case a message joins", () => {
  const thread = match("case-thread", "in-reply-to");
  const repeat = { match: match("case-repeat", "duplicate"), messageId: "message-earlier" };
  const similar = match("case-similar", "similarity");

  it("joins its thread's case even when a repeat and a similar case were found too", () => {
    const similarCase = jest.fn(() => ({ match: similar, note: null }));
    const decision = decidePlacement(findings({ threadMatch: thread, duplicate: repeat, similarCase }), newCaseRule);
    expect(decision).toStrictEqual({ action: "join", match: thread, reopen: false, quiet: false, duplicateOf: null });
    expect(similarCase).not.toHaveBeenCalled();
  });

  it("joins the case of the message it repeats, quietly, before asking for a similar case", () => {
    const similarCase = jest.fn(() => ({ match: similar, note: null }));
    const decision = decidePlacement(findings({ duplicate: repeat, similarCase }), newCaseRule);
    expect(decision).toStrictEqual({
      action: "join",
      match: repeat.match,
      reopen: false,
      quiet: true,
      duplicateOf: "message-earlier",
    });
    expect(similarCase).not.toHaveBeenCalled();
  });

  it("does not reopen a resolved case for a repeat: sending the same text twice is not news", () => {
    const resolvedRepeat = { match: match("case-repeat", "duplicate", "resolved"), messageId: "message-earlier" };
    expect(decidePlacement(findings({ duplicate: resolvedRepeat }), newCaseRule)).toStrictEqual({
      action: "join",
      match: resolvedRepeat.match,
      reopen: false,
      quiet: true,
      duplicateOf: "message-earlier",
    });
  });

  it("joins the customer's open case about the same thing when no thread or repeat placed it", () => {
    const similarCase = jest.fn(() => ({ match: similar, note: null }));
    expect(decidePlacement(findings({ similarCase }), newCaseRule)).toStrictEqual({
      action: "join",
      match: similar,
      reopen: false,
      quiet: false,
      duplicateOf: null,
    });
    expect(similarCase).toHaveBeenCalledTimes(1);
  });
});

describe("decidePlacement: why a case is opened, or not", () => {
  it("opens a case when nothing matched", () => {
    expect(decidePlacement(findings(), newCaseRule)).toStrictEqual({ action: "open", note: null });
  });

  it("opens a case with the content rules' note when they weighed a case and joined none", () => {
    const note = "no open case of the customer is about the same thing (closest: similarity 0.31 < 0.56)";
    const decision = decidePlacement(findings({ similarCase: () => ({ match: null, note }) }), newCaseRule);
    expect(decision).toStrictEqual({ action: "open", note });
  });

  it("never opens a case for machine mail, and never weighs it against similar cases", () => {
    const similarCase = jest.fn(() => ({ match: match("case-similar", "similarity"), note: null }));
    expect(decidePlacement(findings({ machineMail: true, similarCase }), newCaseRule)).toStrictEqual({
      action: "skip",
      reason: "machine mail (auto-reply, bounce, abuse report) opens no case",
    });
    expect(similarCase).not.toHaveBeenCalled();
  });

  it.each(["stop", "start"] as const)("never opens a case for a bare %s keyword", (optOut) => {
    expect(decidePlacement(findings({ optOut }), newCaseRule)).toStrictEqual({
      action: "skip",
      reason: `a bare ${optOut.toUpperCase()} keyword opens no case`,
    });
  });

  it("puts a STOP that answers a case on that case, like any message", () => {
    const chat = match("case-chat", "conversation");
    expect(decidePlacement(findings({ threadMatch: chat, optOut: "stop" }), newCaseRule)).toStrictEqual({
      action: "join",
      match: chat,
      reopen: false,
      quiet: false,
      duplicateOf: null,
    });
  });

  it("lets machine mail join the case it answers without putting it back to work", () => {
    const resolved = match("case-resolved", "in-reply-to", "resolved");
    expect(decidePlacement(findings({ threadMatch: resolved, machineMail: true }), newCaseRule)).toStrictEqual({
      action: "join",
      match: resolved,
      reopen: false,
      quiet: true,
      duplicateOf: null,
    });
  });
});

describe("decidePlacement: follow-up or reopen", () => {
  it.each(["pending", "resolved"])("puts a %s case back to work", (status) => {
    const waiting = match("case-waiting", "case-tag", status);
    expect(decidePlacement(findings({ threadMatch: waiting }), newCaseRule)).toStrictEqual({
      action: "join",
      match: waiting,
      reopen: true,
      quiet: false,
      duplicateOf: null,
    });
  });

  it("follows up a closed case under replyToClosed: new-case", () => {
    const closed = match("case-closed", "in-reply-to", "closed", "2026-11-24T12:00:00.000Z");
    expect(decidePlacement(findings({ threadMatch: closed }), newCaseRule)).toStrictEqual({
      action: "follow-up",
      match: closed,
    });
  });

  it("reopens a recently closed case under replyToClosed: reopen, and follows up one closed too long ago", () => {
    const recent = match("case-recent", "in-reply-to", "closed", "2026-11-20T12:00:00.000Z");
    const old = match("case-old", "in-reply-to", "closed", "2026-09-01T12:00:00.000Z");
    expect(decidePlacement(findings({ threadMatch: recent }), reopenRule)).toStrictEqual({
      action: "join",
      match: recent,
      reopen: true,
      quiet: false,
      duplicateOf: null,
    });
    expect(decidePlacement(findings({ threadMatch: old }), reopenRule)).toStrictEqual({
      action: "follow-up",
      match: old,
    });
  });

  it("joins a case an earlier message of the batch reopened as the open case it now is", () => {
    const closed = match("case-reopened", "in-reply-to", "closed", "2026-09-01T12:00:00.000Z");
    const decision = decidePlacement(
      findings({ threadMatch: closed, reopenedInBatch: new Set(["case-reopened"]) }),
      newCaseRule,
    );
    expect(decision).toStrictEqual({
      action: "join",
      match: { ...closed, status: "open", closedAt: null },
      reopen: false,
      quiet: false,
      duplicateOf: null,
    });
  });

  it("joins the follow-up case a closed case already has, neither quietly nor reopening it", () => {
    const followUp = match("case-follow-up", "in-reply-to");
    expect(joinFollowUp(followUp)).toStrictEqual({
      action: "join",
      match: followUp,
      reopen: false,
      quiet: false,
      duplicateOf: null,
    });
  });
});

describe("continuationOf", () => {
  it("keeps what the trail and the side effects need of each decision", () => {
    const thread = match("case-thread", "in-reply-to");
    expect(
      continuationOf({ action: "join", match: thread, reopen: true, quiet: false, duplicateOf: "message-earlier" }),
    ).toStrictEqual({ action: "join", match: thread, reopen: true });
    expect(continuationOf({ action: "follow-up", match: thread })).toStrictEqual({
      action: "follow-up",
      match: thread,
    });
    expect(continuationOf({ action: "open", note: "a note" })).toStrictEqual({ action: "open" });
  });
});
