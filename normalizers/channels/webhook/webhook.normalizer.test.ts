import type { WebhookMapping } from "./webhook-mapping";
import { normalizeWebhook } from "./webhook.normalizer";

const mapping: WebhookMapping = {
  externalId: "/id",
  text: "/message",
  subject: "/subject",
  receivedAt: "/submitted_at",
  from: { email: "/contact/email", phone: "/contact/phone", name: "/contact/name" },
};
const now = new Date("2026-11-25T10:00:00.000Z");

describe("normalizeWebhook", () => {
  it("maps a form post to the canonical message", () => {
    const body = JSON.stringify({
      id: 4711,
      message: "My parcel never arrived.",
      subject: "Order 1234",
      submitted_at: "2026-11-24T09:30:00+01:00",
      contact: { email: " Ana.Silva@Example.COM ", phone: "+44 20 7946 0958", name: "Ana Silva" },
    });
    expect(normalizeWebhook(body, mapping, now)).toStrictEqual({
      ok: true,
      value: {
        channel: "webhook",
        externalId: "4711",
        from: { address: "ana.silva@example.com", phone: "+442079460958", name: "Ana Silva" },
        to: [],
        cc: [],
        subject: "Order 1234",
        text: "My parcel never arrived.",
        fullText: "My parcel never arrived.",
        attachments: [],
        thread: { references: [] },
        receivedAt: "2026-11-24T08:30:00.000Z",
        flags: {
          autoReply: false,
          bounce: false,
          abuseReport: false,
          spam: false,
          edit: false,
          delete: false,
          status: false,
        },
        kind: "message",
      },
    });
  });

  it("uses the hub's time when the body has none, and Unix seconds when it has them", () => {
    const base = { id: "a", message: "hi", contact: { email: "a@b.co" } };
    const withoutTime = normalizeWebhook(JSON.stringify(base), mapping, now);
    const withSeconds = normalizeWebhook(JSON.stringify({ ...base, submitted_at: 1764064800 }), mapping, now);
    expect(withoutTime.ok && withoutTime.value.receivedAt).toBe("2026-11-25T10:00:00.000Z");
    expect(withSeconds.ok && withSeconds.value.receivedAt).toBe("2025-11-25T10:00:00.000Z");
  });

  it.each([
    ["not JSON", "{nope", { path: "", message: expect.stringContaining("body is not valid JSON") }],
    ["a JSON string", '"hello"', { path: "", message: "body must be a JSON object or array" }],
    ["no id", JSON.stringify({ message: "x", contact: { email: "a@b.co" } }), { path: "/id", message: "missing" }],
    [
      "an object as id",
      JSON.stringify({ id: {}, message: "x" }),
      { path: "/id", message: "must be a non-empty string or a number" },
    ],
    ["no text", JSON.stringify({ id: 1, contact: { email: "a@b.co" } }), { path: "/message", message: "missing" }],
    [
      "blank text",
      JSON.stringify({ id: 1, message: "  ", contact: { email: "a@b.co" } }),
      { path: "/message", message: "must not be empty" },
    ],
    [
      "numeric text",
      JSON.stringify({ id: 1, message: 5 }),
      { path: "/message", message: "must be a string, got a number" },
    ],
    [
      "bad email",
      JSON.stringify({ id: 1, message: "x", contact: { email: "nobody" } }),
      { path: "/contact/email", message: "is not an email address" },
    ],
    [
      "bad phone",
      JSON.stringify({ id: 1, message: "x", contact: { phone: "12" } }),
      { path: "/contact/phone", message: "is not a phone number in international format (+<country code>…)" },
    ],
    [
      "no sender",
      JSON.stringify({ id: 1, message: "x", contact: { name: "Ana" } }),
      { path: "/contact/email, /contact/phone", message: "no sender: email, phone and handle are all missing" },
    ],
    [
      "bad date",
      JSON.stringify({ id: 1, message: "x", contact: { email: "a@b.co" }, submitted_at: "soon" }),
      { path: "/submitted_at", message: "must be an ISO 8601 date or a Unix timestamp" },
    ],
  ])("refuses %s with the failing path", (_name, body, error) => {
    expect(normalizeWebhook(body, mapping, now)).toStrictEqual({ ok: false, error });
  });

  it("keeps the customer facts the mapping names, and refuses a deal size that is not a number", () => {
    const withFacts: WebhookMapping = {
      ...mapping,
      customer: { tier: "/crm/tier", segment: "/crm/segment", dealSize: "/crm/deal" },
    };
    const body = (deal: unknown) =>
      JSON.stringify({
        id: 1,
        message: "Still broken.",
        contact: { email: "a@example.com" },
        crm: { tier: "enterprise", segment: 7, deal },
      });
    const parsed = normalizeWebhook(body("125000"), withFacts, now);
    expect(parsed.ok && parsed.value.customer).toStrictEqual({ tier: "enterprise", segment: "7", dealSize: 125000 });
    expect(normalizeWebhook(body("lots"), withFacts, now)).toStrictEqual({
      ok: false,
      error: { path: "/crm/deal", message: 'must be a non-negative number, got "lots"' },
    });
    const none = normalizeWebhook(
      JSON.stringify({ id: 2, message: "x", contact: { email: "a@example.com" } }),
      withFacts,
      now,
    );
    expect(none.ok && "customer" in none.value).toBe(false);
  });
});
