import { noFlags, type CanonicalMessage } from "../../../normalizers/canonical-message";
import type { IntakeMessages } from "../pipeline.types";
import { itemStatuses } from "./finish";

const message = (externalId: string): CanonicalMessage => ({
  channel: "webhook",
  externalId,
  from: { address: "ana@example.com" },
  to: [],
  cc: [],
  subject: null,
  text: "text",
  fullText: "text",
  attachments: [],
  thread: { references: [] },
  receivedAt: "2026-11-25T10:00:00.000Z",
  flags: { ...noFlags },
  kind: "message",
});

const item = (id: string, ...externalIds: string[]): IntakeMessages => ({
  intakeItemId: id,
  connectorId: "form",
  messages: externalIds.map(message),
});

describe("itemStatuses", () => {
  it("marks processed what this run handled or an earlier run stored, and ignored the rest", () => {
    const items = [item("placed", "a"), item("redelivered", "b"), item("auto-reply", "c"), item("empty")];
    expect(itemStatuses(items, { handled: new Set(["placed"]), alreadyStored: new Set(["in:form:b"]) })).toStrictEqual({
      processed: ["placed", "redelivered"],
      ignored: ["auto-reply", "empty"],
    });
  });
});
