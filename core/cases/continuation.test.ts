import { continuation } from "./continuation";
import type { ThreadMatch } from "./thread-match";

const match = (status: string, closedAt: string | null = null): ThreadMatch => ({
  caseId: "case-1",
  status,
  closedAt,
  rule: "in-reply-to",
  evidence: "<a@example.com>",
});
const now = "2026-11-25T12:00:00.000Z";
const reopenRecent = { replyToClosed: "reopen", reopenWithinDays: 30 } as const;
const alwaysNew = { replyToClosed: "new-case", reopenWithinDays: 30 } as const;

describe("continuation", () => {
  it("opens a case when nothing matched", () => {
    expect(continuation(null, now, reopenRecent, false)).toEqual({ action: "open" });
  });

  it.each(["new", "open"])("joins a %s case as it is", (status) => {
    expect(continuation(match(status), now, alwaysNew, false)).toEqual({
      action: "join",
      match: match(status),
      reopen: false,
    });
  });

  it.each(["pending", "resolved"])("puts a %s case back to work", (status) => {
    expect(continuation(match(status), now, alwaysNew, false)).toMatchObject({ action: "join", reopen: true });
  });

  it("reopens a recently closed case when configured to", () => {
    const closed = match("closed", "2026-11-10T12:00:00.000Z");
    expect(continuation(closed, now, reopenRecent, false)).toEqual({ action: "join", match: closed, reopen: true });
  });

  it("opens a linked case for a case closed longer ago than reopenWithinDays", () => {
    const closed = match("closed", "2026-09-01T12:00:00.000Z");
    expect(continuation(closed, now, reopenRecent, false)).toEqual({ action: "follow-up", match: closed });
  });

  it("opens a linked case for any closed case under new-case", () => {
    const closed = match("closed", "2026-11-25T11:00:00.000Z");
    expect(continuation(closed, now, alwaysNew, false)).toEqual({ action: "follow-up", match: closed });
  });

  it("attaches machine mail without changing any status", () => {
    for (const status of ["pending", "resolved", "closed"]) {
      expect(continuation(match(status, now), now, reopenRecent, true)).toMatchObject({
        action: "join",
        reopen: false,
      });
    }
  });
});
