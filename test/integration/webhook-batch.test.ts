import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startHub, type Hub } from "../../core/hub";
import { loadConfigOrThrow } from "../../core/hub";
import { signHmac } from "../../core/kernel/security/hmac-signature";
import { adminKey, eventually, testEnv } from "../support/test-hub";

const batchSecret = "batch-webhook-secret-0123456789";
const typeformSecret = "typeform-webhook-secret-0123456789";

/** A hub with a batch connector (an array of entries per request) and a Typeform preset connector. */
const yaml = `
apiKeys:
  - { name: test-admin, key: ${adminKey}, role: admin }
teams:
  - { id: support, name: Support }
routing: { defaultTeam: support }
pipeline: { maxAttempts: 3, backoffMs: 50 }
connectors:
  - id: batch
    type: webhook
    secret: \${BATCH_SECRET}
    mapping:
      items: /entries
      externalId: /id
      text: /message
      from: { email: /email }
  - id: typeform
    type: webhook
    secret: \${TYPEFORM_SECRET}
    preset: typeform
    mapping:
      from: { name: /answers/full_name }
`;

/**
 * The array path and a preset through the embedded hub: per-element intake items, per-element dedupe across
 * redeliveries and overlapping batches, the failing element's pointer in the 400, a signed Typeform request.
 */
describe("webhook batches and presets on the embedded hub", () => {
  let hub: Hub;
  let baseUrl: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plaint-batch-"));
    const configPath = path.join(dir, "plaint.yaml");
    writeFileSync(configPath, yaml);
    const config = loadConfigOrThrow(configPath, { BATCH_SECRET: batchSecret, TYPEFORM_SECRET: typeformSecret });
    hub = await startHub({ env: testEnv({ dataDir: path.join(dir, "data"), configPath }), config, role: "all" });
    baseUrl = `http://127.0.0.1:${hub.port}`;
  });
  afterAll(async () => {
    await hub.stop();
  });

  const postBatch = async (entries: unknown[]) => {
    const body = JSON.stringify({ source: "contact-form", entries });
    const response = await fetch(`${baseUrl}/v1/intake/webhook/batch`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-plaint-signature": signHmac(batchSecret, "sha256", "hex", body),
      },
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown>, body };
  };
  const entry = (id: string, email = `${id}@example.com`) => ({ id, message: `Complaint ${id}`, email });
  const intakeOf = (connectorId: string) => hub.database.prisma.intakeItem.count({ where: { connectorId } });
  const messageIds = async () =>
    (await hub.database.prisma.message.findMany({ where: { channel: "webhook" }, select: { externalId: true } }))
      .map((message) => message.externalId)
      .sort();

  it("stores each element once, across a redelivery and an overlapping batch", async () => {
    const first = await postBatch([entry("b1"), entry("b2"), entry("b3")]);
    expect(first).toMatchObject({ status: 202, json: { status: "accepted" } });
    const firstIds = first.json["intakeIds"] as string[];
    expect(new Set(firstIds).size).toBe(3);
    await eventually(async () => (await messageIds()).length === 3);
    expect(await messageIds()).toStrictEqual(["b1", "b2", "b3"]);

    const again = await postBatch([entry("b1"), entry("b2"), entry("b3")]);
    expect(again).toMatchObject({ status: 200, json: { status: "duplicate", intakeIds: firstIds } });

    const overlapping = await postBatch([entry("b3"), entry("b4")]);
    expect(overlapping).toMatchObject({ status: 202, json: { status: "accepted" } });
    const overlapIds = overlapping.json["intakeIds"] as string[];
    expect(overlapIds[0]).toBe(firstIds[2]);
    expect(firstIds).not.toContain(overlapIds[1]);
    expect(await intakeOf("batch")).toBe(4);
    await eventually(async () => (await messageIds()).length === 4);
    expect(await messageIds()).toStrictEqual(["b1", "b2", "b3", "b4"]);

    const stored = await hub.database.prisma.intakeItem.findUniqueOrThrow({ where: { id: overlapIds[1] } });
    expect(JSON.parse(stored.rawBody)).toStrictEqual({ "plaint:element": "/entries/1", value: entry("b4") });
  });

  it("400s a batch with a bad element, naming its pointer, and stores no element of it", async () => {
    const before = await intakeOf("batch");
    const rejected = await postBatch([entry("c1"), entry("c2"), entry("c3"), entry("c4", "not-an-address")]);
    expect(rejected.json).toStrictEqual({
      error: "invalid_payload",
      message: "is not an email address",
      path: "/entries/3/email",
      intakeId: expect.any(String),
    });
    expect(rejected.status).toBe(400);
    const stored = await hub.database.prisma.intakeItem.findUniqueOrThrow({
      where: { id: rejected.json["intakeId"] as string },
    });
    expect(stored).toMatchObject({
      status: "rejected",
      error: "/entries/3/email: is not an email address",
      rawBody: rejected.body,
    });
    expect(await intakeOf("batch")).toBe(before + 1);
    expect(await messageIds()).not.toContain("c1");
  });

  it("answers an empty batch with 200 and stores nothing", async () => {
    const before = await intakeOf("batch");
    expect(await postBatch([])).toMatchObject({ status: 200, json: { status: "ignored", intakeIds: [] } });
    expect(await intakeOf("batch")).toBe(before);
  });

  it("accepts a signed Typeform submission end to end, and refuses it unsigned", async () => {
    const body = readFileSync(
      path.join(__dirname, "../../connectors/channels/webhook/fixtures/typeform-form-response.json"),
    );
    const post = (headers: Record<string, string>) =>
      fetch(`${baseUrl}/v1/intake/webhook/typeform`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...headers },
      }).then(async (response) => ({ status: response.status, json: await response.json() }));

    expect(await post({})).toStrictEqual({
      status: 401,
      json: { error: "invalid_signature", message: "signature verification failed", reason: "missing-signature" },
    });
    const signature = `sha256=${signHmac(typeformSecret, "sha256", "base64", body)}`;
    expect(await post({ "typeform-signature": signature })).toStrictEqual({
      status: 202,
      json: { status: "accepted", intakeIds: [expect.any(String)] },
    });
    const message = await eventually(() =>
      hub.database.prisma.message.findFirst({
        where: { externalId: "b7c2e91f04d3a6580e2f1c9d8a7b6e5f" },
        include: { case: true },
      }),
    );
    expect(message).toMatchObject({
      direction: "in",
      channel: "webhook",
      text: "The parcel arrived with the box crushed and the lamp inside broken.",
      case: { subject: "Tell us what went wrong", team: "support" },
    });
  });
});
