import { noFlags, type CanonicalMessage } from "../../../normalizers/canonical-message";
import type { IntakeMessages } from "../pipeline.types";
import { freshMessages } from "./dedupe";

function message(externalId: string, second: number, overrides: Partial<CanonicalMessage> = {}): CanonicalMessage {
  return {
    channel: "webhook",
    externalId,
    from: { address: "ana@example.com" },
    to: [],
    cc: [],
    subject: null,
    text: `text of ${externalId}`,
    fullText: `text of ${externalId}`,
    attachments: [],
    thread: { references: [] },
    receivedAt: new Date(Date.UTC(2026, 10, 25, 10, 0, second)).toISOString(),
    flags: { ...noFlags },
    kind: "message",
    ...overrides,
  };
}

describe("freshMessages", () => {
  it("lets through only messages not stored yet, with a sender, oldest first", () => {
    const items: IntakeMessages[] = [
      {
        intakeItemId: "item-1",
        connectorId: "form",
        messages: [message("late", 30), message("stored", 1), message("nobody", 2, { from: {} })],
      },
      {
        intakeItemId: "item-2",
        connectorId: "form",
        messages: [
          message("early", 10),
          message("receipt", 5, { kind: "status", update: { targetExternalId: "x", status: "delivered" } }),
        ],
      },
    ];
    const fresh = freshMessages(items, new Set(["in:form:stored"]));
    expect(fresh.map(({ item, message, key }) => [item.intakeItemId, message.externalId, key])).toStrictEqual([
      ["item-2", "early", "in:form:early"],
      ["item-1", "late", "in:form:late"],
    ]);
  });

  it("keys messages by connector: the same external id from another connector is a different message", () => {
    const items: IntakeMessages[] = [{ intakeItemId: "item-1", connectorId: "other", messages: [message("m", 1)] }];
    expect(freshMessages(items, new Set(["in:form:m"])).map(({ key }) => key)).toStrictEqual(["in:other:m"]);
  });
});
