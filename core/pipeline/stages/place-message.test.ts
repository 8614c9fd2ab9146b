import { noFlags, type CanonicalMessage } from "../../../normalizers/canonical-message";
import { casesConfigSchema } from "../../config/config.schema";
import type { SqlClient } from "../../kernel/db/database";
import { TransientError } from "../../kernel/errors";
import { BatchState } from "../batch-state";
import { ContentMatcher } from "../content-match";
import type { IngestSettings } from "../pipeline.types";
import { analyze } from "./analyse";
import { awaitedParents, placeMessage, wantsThreadMatch } from "./place-message";

function reply(overrides: Partial<CanonicalMessage> = {}): CanonicalMessage {
  return {
    channel: "email",
    externalId: "reply@example.com",
    from: { address: "ana@example.com" },
    to: [],
    cc: [],
    subject: "Re: Broken order",
    text: "Any news?",
    fullText: "Any news?",
    attachments: [],
    thread: { inReplyTo: "parent@example.com", references: ["root@example.com"] },
    receivedAt: "2026-11-25T10:00:00.000Z",
    flags: { ...noFlags },
    kind: "message",
    ...overrides,
  };
}

const cases = casesConfigSchema.parse({});

describe("wantsThreadMatch", () => {
  it("looks for a thread when the message names one: a case tag, a parent, a chat", () => {
    expect(wantsThreadMatch(reply(), cases)).toBe(true);
    expect(wantsThreadMatch(reply({ thread: { references: [], caseTag: "C-12" } }), cases)).toBe(true);
    expect(wantsThreadMatch(reply({ channel: "sms", thread: { references: [], conversationId: "c" } }), cases)).toBe(
      true,
    );
  });

  it("threads a mail by its subject alone only when subject matching is on", () => {
    const bare = reply({ thread: { references: [] } });
    expect(wantsThreadMatch(bare, cases)).toBe(false);
    expect(wantsThreadMatch(bare, { subjectMatch: { enabled: true, windowHours: 72 } })).toBe(true);
    expect(
      wantsThreadMatch({ ...bare, channel: "webhook" }, { subjectMatch: { enabled: true, windowHours: 72 } }),
    ).toBe(false);
  });
});

describe("awaitedParents", () => {
  it("waits for a reply's parents, by their ids as written and in angle brackets, while attempts remain", () => {
    expect(awaitedParents({ attempt: 1 }, reply(), 5)).toStrictEqual([
      "parent@example.com",
      "<parent@example.com>",
      "root@example.com",
      "<root@example.com>",
    ]);
  });

  it("places the reply now on its last attempt, outside the queue, or when it answers nothing", () => {
    expect(awaitedParents({ attempt: 5 }, reply(), 5)).toStrictEqual([]);
    expect(awaitedParents({}, reply(), 5)).toStrictEqual([]);
    expect(awaitedParents({ attempt: 1 }, reply(), undefined)).toStrictEqual([]);
    expect(awaitedParents({ attempt: 1 }, reply({ thread: { references: [] } }), 5)).toStrictEqual([]);
  });
});

describe("placeMessage", () => {
  /** The database as placing sees it: no stored parent, and (or not) the parent's intake item still in progress. */
  function database(parentInIntake: boolean): SqlClient & { asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      sql<Row>(text: string): Promise<Row[]> {
        const table = /FROM (\w+)/.exec(text)?.[1] ?? "?";
        asked.push(table);
        const rows = table === "intake_items" && parentInIntake ? [{ id: "parent-item" }] : [];
        return Promise.resolve(rows as Row[]);
      },
    };
  }
  const settings: IngestSettings = {
    routing: { defaultTeam: "support", rules: [] },
    destinations: [],
    cases,
    policies: new Map(),
    maxAttempts: 5,
  };
  const place = (tx: SqlClient, attempt: number, message = reply()) => {
    const batch = new BatchState();
    const content = new ContentMatcher(new Map(), [], cases.matching);
    const candidate = {
      item: { intakeItemId: "item-reply", connectorId: "mail", messages: [message], attempt },
      message,
      key: "in:mail:reply@example.com",
      analyzed: analyze(undefined, message),
    };
    const sender = { identityId: "identity-1", customerId: "customer-1" };
    return placeMessage(tx, { candidate, sender }, { batch, content }, settings);
  };

  it("makes a reply whose parent is still in intake wait (a transient failure the queue retries)", async () => {
    const tx = database(true);
    await expect(place(tx, 1)).rejects.toThrow(
      new TransientError("message reply@example.com waits for the message it replies to, still in intake"),
    );
    expect(tx.asked).toStrictEqual(["messages", "intake_items"]);
  });

  it("opens a case for a reply whose parent is nowhere", async () => {
    const tx = database(false);
    await expect(place(tx, 1)).resolves.toStrictEqual({ action: "open", note: null });
    expect(tx.asked).toStrictEqual(["messages", "intake_items"]);
  });

  it("opens a case on the last attempt rather than never placing the reply", async () => {
    const tx = database(true);
    await expect(place(tx, 5)).resolves.toStrictEqual({ action: "open", note: null });
    expect(tx.asked).toStrictEqual(["messages"]);
  });

  it("waits for the parent of an auto-reply too, before deciding it opens nothing", async () => {
    const autoReply = reply({ flags: { ...noFlags, autoReply: true } });
    await expect(place(database(true), 1, autoReply)).rejects.toThrow(TransientError);
    await expect(place(database(false), 1, autoReply)).resolves.toStrictEqual({
      action: "skip",
      reason: "machine mail (auto-reply, bounce, abuse report) opens no case",
    });
  });
});
