import { hubHoldReason, type ReplyRecipient } from "./reply-hold";

const now = new Date("2026-12-07T12:00:00.000Z");
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const customer: ReplyRecipient = {
  value: "+447700900123",
  optedOutAt: null,
  undeliverableUntil: null,
  undeliverableReason: null,
};

describe("hubHoldReason", () => {
  it("lets a reply through to a reachable customer inside the window, or on a channel without one", () => {
    expect(hubHoldReason(customer, "whatsapp", hoursAgo(23), 24, now)).toBeNull();
    expect(hubHoldReason(customer, "sms", hoursAgo(24 * 30), undefined, now)).toBeNull();
  });

  it("holds every reply to a customer who opted out, first of all", () => {
    const optedOut = { ...customer, optedOutAt: hoursAgo(2), undeliverableUntil: hoursAgo(-1) };
    expect(hubHoldReason(optedOut, "sms", hoursAgo(1), undefined, now)).toBe(
      "+447700900123 opted out on 2026-12-07T10:00:00.000Z",
    );
  });

  it("holds replies to an undeliverable address until the period ends, with the bounce's reason", () => {
    const bounced = { ...customer, undeliverableUntil: hoursAgo(-1), undeliverableReason: "permanent bounce 5.1.1" };
    expect(hubHoldReason(bounced, "email", hoursAgo(1), undefined, now)).toBe(
      "+447700900123 is undeliverable until 2026-12-07T13:00:00.000Z (permanent bounce 5.1.1)",
    );
    expect(hubHoldReason({ ...bounced, undeliverableReason: null }, "email", hoursAgo(1), undefined, now)).toBe(
      "+447700900123 is undeliverable until 2026-12-07T13:00:00.000Z",
    );
    expect(
      hubHoldReason({ ...bounced, undeliverableUntil: hoursAgo(0.5) }, "email", hoursAgo(1), undefined, now),
    ).toBeNull();
  });

  it("holds free text outside the channel's customer-service window", () => {
    expect(hubHoldReason(customer, "whatsapp", hoursAgo(25), 24, now)).toBe(
      "the customer last wrote on 2026-12-06T11:00:00.000Z: outside whatsapp's 24-hour customer-service window, " +
        "only an approved template may be sent",
    );
  });
});
