import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startHub, type Hub } from "../../core/hub";
import {
  adminKey,
  complaint,
  eventually,
  postWebhook,
  signedHeaders,
  testEnv,
  viewerKey,
  webhookSecret,
  writeTestConfig,
} from "../support/test-hub";

/**
 * The embedded mode end to end (PGlite + in-process queue), and every bad input of the webhook edge:
 * each gets its exact status and body, and only a payload that fails the mapping is stored.
 */
describe("webhook intake on the embedded hub", () => {
  let hub: Hub;
  let baseUrl: string;

  beforeAll(async () => {
    const { configPath, config } = writeTestConfig();
    const dataDir = mkdtempSync(path.join(tmpdir(), "plaint-data-"));
    hub = await startHub({ env: testEnv({ dataDir, configPath }), config, role: "all" });
    baseUrl = `http://127.0.0.1:${hub.port}`;
  });
  afterAll(async () => {
    await hub.stop();
  });

  const count = async () => ({
    intake: await hub.database.prisma.intakeItem.count(),
    messages: await hub.database.prisma.message.count(),
  });
  const api = (pathName: string, key = viewerKey) =>
    fetch(`${baseUrl}${pathName}`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => ({
      status: r.status,
      json: (await r.json()) as any,
    }));

  it("turns a signed webhook into a case with its message and events", async () => {
    const body = complaint("e2e-1", "Ana@Example.com");
    const accepted = await postWebhook(baseUrl, body);
    expect(accepted.status).toBe(202);
    expect(accepted.json).toStrictEqual({ status: "accepted", intakeIds: [expect.any(String)] });

    const list = await eventually(async () => {
      const page = await api("/v1/cases?status=new");
      return page.json.cases.length > 0 ? page : null;
    });
    expect(list.json.cases).toHaveLength(1);
    const kase = list.json.cases[0];
    expect(kase).toMatchObject({
      status: "new",
      team: "support",
      channel: "webhook",
      subject: "Order e2e-1",
      reference: `C-${kase.number}`,
    });

    const detail = await api(`/v1/cases/${kase.reference}`);
    expect(detail.status).toBe(200);
    expect(detail.json.messages).toHaveLength(1);
    expect(detail.json.messages[0]).toMatchObject({
      direction: "in",
      channel: "webhook",
      externalId: "e2e-1",
      text: "Complaint e2e-1: my order arrived broken.",
      sender: { kind: "email", value: "ana@example.com" },
    });
    expect(detail.json.events.map((event: { type: string }) => event.type)).toStrictEqual([
      "created",
      "classified",
      "prioritized",
      "routed",
      "message_added",
    ]);
    const outbox = await hub.database.prisma.outboxItem.findMany({ where: { caseId: kase.id } });
    expect(outbox.map((item) => [item.destination, (item.payload as { event: string }).event])).toStrictEqual([
      ["crm", "case.created"],
    ]);
  });

  it("answers a redelivery with 200 duplicate and stores nothing new", async () => {
    const body = complaint("dup-1");
    const first = await postWebhook(baseUrl, body);
    const again = await postWebhook(baseUrl, body);
    expect(first.status).toBe(202);
    expect(again).toStrictEqual({
      status: 200,
      json: { status: "duplicate", intakeIds: (first.json as { intakeIds: string[] }).intakeIds },
    });
    await eventually(async () => (await hub.database.prisma.message.count({ where: { externalId: "dup-1" } })) === 1);
  });

  describe("bad input", () => {
    it("404s an unknown connector", async () => {
      const body = complaint("x");
      const response = await fetch(`${baseUrl}/v1/intake/webhook/nope`, {
        method: "POST",
        body,
        headers: signedHeaders(body),
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toStrictEqual({
        error: "unknown_connector",
        message: 'no webhook connector "nope" is configured',
      });
    });

    it.each([
      [
        "a tampered body",
        (body: string) => ({ body: body.replace("broken", "fine"), headers: signedHeaders(body) }),
        "mismatch",
      ],
      [
        "a wrong secret",
        (body: string) => ({ body, headers: signedHeaders(body, "another-secret-0123456789") }),
        "mismatch",
      ],
      [
        "no signature header",
        (body: string) => ({ body, headers: { ...signedHeaders(body), "x-signature": "" } }),
        "missing-signature",
      ],
      [
        "a stale timestamp",
        (body: string) => ({ body, headers: signedHeaders(body, webhookSecret, Math.floor(Date.now() / 1000) - 3600) }),
        "stale-timestamp",
      ],
      [
        "no timestamp",
        (body: string) => {
          const headers: Record<string, string> = signedHeaders(body);
          delete headers["x-timestamp"];
          return { body, headers };
        },
        "stale-timestamp",
      ],
    ])("401s %s and stores nothing", async (_name, build, reason) => {
      const before = await count();
      const { body, headers } = build(complaint("sig-test"));
      const response = await postWebhook(baseUrl, body, headers);
      expect(response).toStrictEqual({
        status: 401,
        json: { error: "invalid_signature", message: "signature verification failed", reason },
      });
      expect(await count()).toStrictEqual(before);
    });

    it("400s a body that does not fit the mapping, naming the path, and keeps it as rejected", async () => {
      const body = JSON.stringify({ id: "no-text-1", email: "a@example.com" });
      const response = await postWebhook(baseUrl, body);
      expect(response).toStrictEqual({
        status: 400,
        json: { error: "invalid_payload", message: "missing", path: "/message", intakeId: expect.any(String) },
      });
      const stored = await hub.database.prisma.intakeItem.findUniqueOrThrow({
        where: { id: (response.json as { intakeId: string }).intakeId },
      });
      expect(stored).toMatchObject({ status: "rejected", error: "/message: missing", rawBody: body });
      expect(await hub.database.prisma.message.count({ where: { intakeItemId: stored.id } })).toBe(0);
    });

    it("400s invalid JSON and keeps the raw bytes", async () => {
      const body = "{not json";
      const response = await postWebhook(baseUrl, body);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: "invalid_payload", path: "" });
      const stored = await hub.database.prisma.intakeItem.findFirstOrThrow({ where: { rawBody: body } });
      expect(stored.status).toBe("rejected");
    });

    it("413s an oversize body and stores nothing", async () => {
      const before = await count();
      const body = JSON.stringify({ id: "big", message: "x".repeat(5000), email: "a@example.com" });
      const response = await postWebhook(baseUrl, body);
      expect(response).toStrictEqual({
        status: 413,
        json: { error: "payload_too_large", message: "request body exceeds 4096 bytes" },
      });
      expect(await count()).toStrictEqual(before);
    });
  });

  describe("API auth and replay", () => {
    it("401s without a key and 403s a viewer replaying", async () => {
      const anonymous = await fetch(`${baseUrl}/v1/cases`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toStrictEqual({
        error: "unauthorized",
        message: "missing or invalid API key (Authorization: Bearer <key>)",
      });
      const bad = await api("/v1/cases", "not-a-real-key-at-all");
      expect(bad.status).toBe(401);
      const response = await fetch(`${baseUrl}/v1/intake/00000000-0000-0000-0000-000000000000/replay`, {
        method: "POST",
        headers: { authorization: `Bearer ${viewerKey}` },
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toStrictEqual({
        error: "forbidden",
        message: 'this needs the admin role; key "test-viewer" is viewer',
      });
    });

    it("refuses replies it cannot send, with the reason", async () => {
      const post = (key: string, body: unknown) =>
        fetch(`${baseUrl}/v1/cases/C-1/messages`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (response) => ({ status: response.status, json: await response.json() }));
      expect((await post(viewerKey, { text: "hi" })).status).toBe(403);
      expect(await post(adminKey, { text: " " })).toStrictEqual({
        status: 400,
        json: {
          error: "invalid_body",
          message: "invalid reply",
          problems: [{ field: "text", message: "write the reply's text" }],
        },
      });
      expect(await post(adminKey, { text: "We are on it." })).toStrictEqual({
        status: 409,
        json: {
          error: "reply_unsupported",
          message: "replies through the webhook channel are not configured (email needs an smtp section)",
        },
      });
      expect(await hub.database.prisma.message.count({ where: { direction: "out" } })).toBe(0);
    });

    it("400s an invalid filter", async () => {
      const response = await api("/v1/cases?status=bogus");
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: "invalid_query", problems: [{ parameter: "status" }] });
    });

    it("pages through cases with the cursor", async () => {
      for (const id of ["page-1", "page-2", "page-3"]) await postWebhook(baseUrl, complaint(id));
      await eventually(async () => (await hub.database.prisma.case.count()) >= 4);
      const first = await api("/v1/cases?limit=2");
      const second = await api(`/v1/cases?limit=2&cursor=${first.json.nextCursor}`);
      const numbers = [...first.json.cases, ...second.json.cases].map((c: { number: number }) => c.number);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers).toStrictEqual([...numbers].sort((a, b) => b - a));
    });

    it("replays a rejected item once the input can be read, listing failures meanwhile", async () => {
      const failed = await api("/v1/intake?status=rejected", adminKey);
      expect(failed.status).toBe(200);
      expect(failed.json.items.length).toBeGreaterThan(0);
      expect(failed.json.items[0]).not.toHaveProperty("rawBody");
      const item = failed.json.items.find((candidate: { error: string }) => candidate.error === "/message: missing");
      const replay = await fetch(`${baseUrl}/v1/intake/${item.id}/replay`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(replay.status).toBe(202);
      // The body still lacks text, so the worker fails it as bad input, without retrying, with the reason.
      const after = await eventually(async () => {
        const row = await hub.database.prisma.intakeItem.findUniqueOrThrow({ where: { id: item.id } });
        return row.status === "failed" ? row : null;
      });
      expect(after.error).toBe("BadInputError: missing");
      expect(after.attempts).toBe(1);
    });
  });

  it("reports ready when database and queue answer", async () => {
    const response = await fetch(`${baseUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual({ status: "ready", checks: { database: "ok", queue: "ok" } });
  });
});
