import { readFileSync } from "node:fs";
import path from "node:path";
import type { CanonicalMessage } from "../../../normalizers/canonical-message";
import { signHmac } from "../../../core/kernel/security/hmac-signature";
import type { InboundRequest } from "../../../core/connector-contract/connector";
import { webhookConnector } from "./webhook.connector";
import { webhookConnectorConfigSchema } from "./webhook.schema";

/*
 * The fixtures are written by hand after the vendors' documented payloads (Typeform's "Example webhook payload",
 * https://www.typeform.com/developers/webhooks/example-payload/, and Tally's webhook help page,
 * https://tally.so/help/webhooks): same structure and field names, our own values.
 */
const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name));
const secret = "form-tool-secret-0123456789";
const receivedAt = new Date("2026-11-24T09:31:00.000Z");
const http = webhookConnector.http!;

function request(rawBody: Buffer | string, headers: Record<string, string> = {}): InboundRequest {
  const body = typeof rawBody === "string" ? Buffer.from(rawBody) : rawBody;
  return { rawBody: body, headers, receivedAt, query: {}, url: "https://plaint.example/v1/intake/webhook/forms" };
}

function canonical(fields: Partial<CanonicalMessage> & Pick<CanonicalMessage, "externalId" | "from" | "text">) {
  return {
    channel: "webhook",
    to: [],
    cc: [],
    subject: null,
    fullText: fields.text,
    attachments: [],
    thread: { references: [] },
    receivedAt: receivedAt.toISOString(),
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
    ...fields,
  };
}

/** accept, then normalize each stored candidate, as the hub and its worker do. */
function intake(config: ReturnType<typeof webhookConnectorConfigSchema.parse>, req: InboundRequest) {
  const accepted = http.accept(config, req);
  if (!accepted.ok) return accepted;
  return {
    ok: true,
    candidates: accepted.value,
    messages: accepted.value.map((candidate) =>
      webhookConnector.normalize(config, { rawBody: candidate.rawBody, receivedAt, meta: {} }),
    ),
  };
}

describe("typeform preset", () => {
  const config = webhookConnectorConfigSchema.parse({ id: "forms", type: "webhook", secret, preset: "typeform" });
  const body = fixture("typeform-form-response.json");

  it("verifies Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>", () => {
    const signature = `sha256=${signHmac(secret, "sha256", "base64", body)}`;
    expect(http.verify(config, request(body, { "typeform-signature": signature }))).toStrictEqual({ valid: true });
    const hex = `sha256=${signHmac(secret, "sha256", "hex", body)}`;
    expect(http.verify(config, request(body, { "typeform-signature": hex }))).toMatchObject({ valid: false });
    expect(http.verify(config, request(body))).toStrictEqual({ valid: false, reason: "missing-signature" });
  });

  it("turns a form_response into one canonical message keyed by the response token", () => {
    expect(intake(config, request(body))).toStrictEqual({
      ok: true,
      candidates: [{ externalId: "b7c2e91f04d3a6580e2f1c9d8a7b6e5f", rawBody: body.toString("utf8") }],
      messages: [
        {
          ok: true,
          value: [
            canonical({
              externalId: "b7c2e91f04d3a6580e2f1c9d8a7b6e5f",
              from: { address: "ana.silva@example.com", phone: "+442079460958" },
              subject: "Tell us what went wrong",
              text: "The parcel arrived with the box crushed and the lamp inside broken.",
              receivedAt: "2026-11-24T09:30:02.000Z",
            }),
          ],
        },
      ],
    });
  });

  it("lets the config's mapping point into answers by ref, title and hidden field", () => {
    const custom = webhookConnectorConfigSchema.parse({
      id: "forms",
      type: "webhook",
      secret,
      preset: "typeform",
      mapping: { subject: "/hidden/order_id", from: { name: "/answers/full_name" }, text: "/byLabel/What happened?" },
    });
    const result = webhookConnector.normalize(custom, { rawBody: body.toString("utf8"), receivedAt, meta: {} });
    expect(result).toStrictEqual({
      ok: true,
      value: [
        canonical({
          externalId: "b7c2e91f04d3a6580e2f1c9d8a7b6e5f",
          from: { address: "ana.silva@example.com", phone: "+442079460958", name: "Ana Silva" },
          subject: "ORD-1234",
          text: "The parcel arrived with the box crushed and the lamp inside broken.",
          receivedAt: "2026-11-24T09:30:02.000Z",
        }),
      ],
    });
  });

  it("refuses another event type, and a form without a long-text answer names the view's field", () => {
    const other = JSON.stringify({ event_id: "x", event_type: "form_partial_response", form_response: {} });
    expect(http.accept(config, request(other))).toStrictEqual({
      ok: false,
      error: { path: "/event_type", message: 'must be "form_response" (the only event Typeform sends)' },
    });
    const parsed = JSON.parse(body.toString("utf8")) as { form_response: { answers: { field: { type: string } }[] } };
    parsed.form_response.answers = parsed.form_response.answers.filter((answer) => answer.field.type !== "long_text");
    expect(http.accept(config, request(JSON.stringify(parsed)))).toStrictEqual({
      ok: false,
      error: { path: "/text", message: "missing" },
    });
  });
});

describe("tally preset", () => {
  const config = webhookConnectorConfigSchema.parse({
    id: "forms",
    type: "webhook",
    secret,
    preset: "tally",
    mapping: { from: { name: "/byLabel/Your name" } },
  });
  const body = fixture("tally-form-response.json");

  it("verifies Tally-Signature: <base64 HMAC-SHA256 of the body>, without prefix", () => {
    const signature = signHmac(secret, "sha256", "base64", body);
    expect(http.verify(config, request(body, { "tally-signature": signature }))).toStrictEqual({ valid: true });
    expect(http.verify(config, request(body, { "tally-signature": `sha256=${signature}` }))).toMatchObject({
      valid: false,
    });
  });

  it("turns a FORM_RESPONSE into one canonical message keyed by the response id", () => {
    expect(intake(config, request(body))).toStrictEqual({
      ok: true,
      candidates: [{ externalId: "Vb7kQ2", rawBody: body.toString("utf8") }],
      messages: [
        {
          ok: true,
          value: [
            canonical({
              externalId: "Vb7kQ2",
              from: { address: "ana.silva@example.com", name: "Ana Silva" },
              subject: "Complaints",
              text: "I was charged twice for order 1234.",
              receivedAt: "2026-11-24T09:30:02.000Z",
            }),
          ],
        },
      ],
    });
  });

  it("reads choice answers through the field's options", async () => {
    const topic = webhookConnectorConfigSchema.parse({
      id: "forms",
      type: "webhook",
      secret,
      preset: "tally",
      mapping: { subject: "/answers/question_Mn7Op8" },
    });
    const result = await webhookConnector.normalize(topic, { rawBody: body.toString("utf8"), receivedAt, meta: {} });
    expect(result.ok && result.value[0]?.subject).toBe("Delivery");
  });

  it("refuses another event type", () => {
    expect(http.accept(config, request(JSON.stringify({ eventType: "FORM_UPDATED", data: {} })))).toStrictEqual({
      ok: false,
      error: { path: "/eventType", message: 'must be "FORM_RESPONSE" (the only event Tally sends)' },
    });
  });
});

describe("array path (mapping.items)", () => {
  const config = webhookConnectorConfigSchema.parse({
    id: "batch",
    type: "webhook",
    secret,
    mapping: { items: "/entries", externalId: "/id", text: "/message", from: { email: "/email", phone: "/phone" } },
  });
  const entry = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    message: `Complaint ${id}`,
    email: `${id}@example.com`,
    ...extra,
  });

  it("stores each element on its own and normalizes it alone", () => {
    const body = JSON.stringify({ form: "contact", entries: [entry("a"), entry("b", { email: "B@Example.com" })] });
    const result = intake(config, request(body));
    expect(result).toStrictEqual({
      ok: true,
      candidates: [
        { externalId: "a", rawBody: JSON.stringify({ "plaint:element": "/entries/0", value: entry("a") }) },
        {
          externalId: "b",
          rawBody: JSON.stringify({ "plaint:element": "/entries/1", value: entry("b", { email: "B@Example.com" }) }),
        },
      ],
      messages: [
        { ok: true, value: [canonical({ externalId: "a", from: { address: "a@example.com" }, text: "Complaint a" })] },
        { ok: true, value: [canonical({ externalId: "b", from: { address: "b@example.com" }, text: "Complaint b" })] },
      ],
    });
  });

  it("names the failing element's pointer", () => {
    const bad = JSON.stringify({ entries: [entry("a"), entry("b"), entry("c"), entry("d", { email: "nobody" })] });
    expect(http.accept(config, request(bad))).toStrictEqual({
      ok: false,
      error: { path: "/entries/3/email", message: "is not an email address" },
    });
    const anonymous = JSON.stringify({ entries: [{ id: "x", message: "hi" }] });
    expect(http.accept(config, request(anonymous))).toStrictEqual({
      ok: false,
      error: {
        path: "/entries/0/email, /entries/0/phone",
        message: "no sender: email, phone and handle are all missing",
      },
    });
    expect(http.accept(config, request(JSON.stringify({ entries: ["text"] })))).toStrictEqual({
      ok: false,
      error: { path: "/entries/0", message: "body must be a JSON object or array" },
    });
  });

  it("answers an empty array with no items, and a missing or non-array path with a 400 problem", () => {
    expect(http.accept(config, request(JSON.stringify({ entries: [] })))).toStrictEqual({ ok: true, value: [] });
    expect(http.accept(config, request(JSON.stringify({ entry: [] })))).toStrictEqual({
      ok: false,
      error: { path: "/entries", message: "missing" },
    });
    expect(http.accept(config, request(JSON.stringify({ entries: {} })))).toStrictEqual({
      ok: false,
      error: { path: "/entries", message: "must be an array of messages" },
    });
  });

  it("replays a rejected whole batch into all its messages once it reads", async () => {
    const body = JSON.stringify({ entries: [entry("r1"), entry("r2")] });
    const replayed = await webhookConnector.normalize(config, { rawBody: body, receivedAt, meta: {} });
    expect(replayed.ok && replayed.value.map((message) => message.externalId)).toStrictEqual(["r1", "r2"]);
  });

  it("keeps the element's pointer when a stored element no longer fits (mapping changed since)", () => {
    const stored = JSON.stringify({ "plaint:element": "/entries/7", value: { id: "z", email: "z@example.com" } });
    expect(webhookConnector.normalize(config, { rawBody: stored, receivedAt, meta: {} })).toStrictEqual({
      ok: false,
      error: { path: "/entries/7/message", message: "missing" },
    });
  });
});
