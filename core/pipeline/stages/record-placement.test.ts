import { noFlags, type CanonicalMessage } from "../../../normalizers/canonical-message";
import { textProfile } from "../../../normalizers/analysis/similarity/similarity";
import { placedConversationKey, placedKey, placedSubjectKey, type ThreadMatch } from "../../cases/thread-match";
import { matchingConfigSchema } from "../../config/config.schema";
import { BatchState } from "../batch-state";
import { ContentMatcher } from "../content-match";
import type { AnalyzedMessage } from "../message-analysis";
import type { BatchMemory, MessageToPlace, Placed } from "./place.types";
import { recordPlacement } from "./record-placement";

const customerId = "customer-1";

function message(overrides: Partial<CanonicalMessage> = {}): CanonicalMessage {
  return {
    channel: "email",
    externalId: "m-1",
    from: { address: "ana@example.com", name: "Ana" },
    to: [],
    cc: [],
    subject: "Broken order",
    text: "My order arrived broken and nobody answers.",
    fullText: "My order arrived broken and nobody answers.",
    attachments: [],
    thread: { references: [], conversationId: "chat-1" },
    receivedAt: "2026-11-25T10:00:00.000Z",
    flags: { ...noFlags },
    kind: "message",
    ...overrides,
  };
}

function target(raw: CanonicalMessage, isNew = true): MessageToPlace {
  const analyzed: AnalyzedMessage = {
    message: raw,
    classification: null,
    fingerprint: `fingerprint of ${raw.text}`,
    profile: textProfile(raw.text),
    redactions: [],
    original: null,
  };
  return {
    candidate: {
      item: { intakeItemId: `item-${raw.externalId}`, connectorId: "mail", messages: [raw] },
      message: raw,
      key: `in:mail:${raw.externalId}`,
      analyzed,
    },
    sender: { identityId: "identity-1", customerId, isNew },
  };
}

const match = (caseId: string, status = "open"): ThreadMatch => ({
  caseId,
  status,
  closedAt: null,
  rule: "in-reply-to",
  evidence: "<parent@example.com>",
});

describe("recordPlacement", () => {
  let memory: BatchMemory;
  let placed: Placed;
  beforeEach(() => {
    const batch = new BatchState();
    memory = { batch, content: new ContentMatcher(new Map(), [], matchingConfigSchema.parse({})) };
    placed = { placements: [], newCases: [], batch };
  });

  it("opens a case with the decision's note, which later messages of the batch find by reply, subject, chat and text", () => {
    const first = target(message());
    const placement = recordPlacement({ action: "open", note: "no open case matched" }, first, memory, placed);

    expect(placement).toStrictEqual({
      id: placement.id,
      key: "in:mail:m-1",
      message: first.candidate.analyzed.message,
      analyzed: first.candidate.analyzed,
      duplicateOf: null,
      intakeItemId: "item-m-1",
      connectorId: "mail",
      actor: "connector:mail",
      identityId: "identity-1",
      caseId: placement.caseId,
      via: { action: "open" },
    });
    expect(placed.placements).toStrictEqual([placement]);
    expect(placed.newCases).toStrictEqual([
      {
        id: placement.caseId,
        customerId,
        customerIsNew: true,
        connectorId: "mail",
        message: first.candidate.analyzed.message,
        analyzed: first.candidate.analyzed,
        followUpOf: null,
        openNote: "no open case matched",
      },
    ]);
    const placedCase = { caseId: placement.caseId, customerId, status: "new", conversationId: "chat-1" };
    expect(memory.batch.placed).toStrictEqual(
      new Map([
        [placedKey("email", "m-1"), placedCase],
        [placedSubjectKey(customerId, "broken order"), placedCase],
        [placedConversationKey(customerId, "chat-1"), placedCase],
      ]),
    );
    const resend = target(message({ externalId: "m-2", receivedAt: "2026-11-25T10:05:00.000Z" }));
    expect(memory.content.duplicateOf(customerId, resend.candidate.analyzed)?.match.caseId).toBe(placement.caseId);
  });

  it("leaves the case a quiet message (a repeat) joins as it was, and keeps what it repeats", () => {
    const repeat = target(message({ externalId: "m-2" }), false);
    const placement = recordPlacement(
      { action: "join", match: match("case-1", "resolved"), reopen: false, quiet: true, duplicateOf: "m-earlier" },
      repeat,
      memory,
      placed,
    );
    expect([placement.caseId, placement.duplicateOf]).toStrictEqual(["case-1", "m-earlier"]);
    expect(placement.via).toStrictEqual({ action: "join", match: match("case-1", "resolved"), reopen: false });
    expect([...memory.batch.touched, ...memory.batch.reopened]).toStrictEqual([]);
    expect(placed.newCases).toStrictEqual([]);
  });

  it("marks a case a message puts back to work as touched and reopened", () => {
    recordPlacement(
      { action: "join", match: match("case-1", "pending"), reopen: true, quiet: false, duplicateOf: null },
      target(message(), false),
      memory,
      placed,
    );
    expect([...memory.batch.touched]).toStrictEqual(["case-1"]);
    expect([...memory.batch.reopened]).toStrictEqual(["case-1"]);
  });

  it("opens a follow-up case linked to the closed one, for the closed case's next replies to join", () => {
    const closed = { ...match("case-closed", "closed"), closedAt: "2026-10-01T00:00:00.000Z" };
    const placement = recordPlacement({ action: "follow-up", match: closed }, target(message(), false), memory, placed);
    expect(placement.via).toStrictEqual({ action: "follow-up", match: closed });
    expect(placed.newCases.map((entry) => [entry.id, entry.followUpOf, entry.openNote])).toStrictEqual([
      [placement.caseId, "case-closed", null],
    ]);
    expect(memory.batch.followUps).toStrictEqual(new Map([["case-closed", placement.caseId]]));
  });

  it("remembers machine mail by its id only: its subject and text are no complaint", () => {
    const autoReply = message({ flags: { ...noFlags, autoReply: true }, thread: { references: [] } });
    recordPlacement(
      { action: "join", match: match("case-1"), reopen: false, quiet: true, duplicateOf: null },
      target(autoReply, false),
      memory,
      placed,
    );
    expect([...memory.batch.placed.keys()]).toStrictEqual([placedKey("email", "m-1")]);
    const sameText = target(message({ externalId: "m-2" }), false);
    expect(memory.content.duplicateOf(customerId, sameText.candidate.analyzed)).toBeNull();
  });
});
