import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startHub, type Hub } from "../../core/hub";
import { adminKey, eventually, postWebhook, testEnv, viewerKey, writeTestConfig } from "../support/test-hub";

/** What agents change through the API: merge and split cases, correct a category, retrain the classifier. */
describe("agent actions on cases", () => {
  let hub: Hub;
  let baseUrl: string;

  beforeAll(async () => {
    const { configPath, config } = writeTestConfig();
    const dataDir = mkdtempSync(path.join(tmpdir(), "plaint-actions-"));
    hub = await startHub({ env: testEnv({ dataDir, configPath }), config, role: "all" });
    baseUrl = `http://127.0.0.1:${hub.port}`;
  });
  afterAll(async () => {
    await hub.stop();
  });

  async function call(method: string, pathName: string, body?: unknown, key = adminKey) {
    const response = await fetch(`${baseUrl}${pathName}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: response.headers.get("content-type")?.includes("application/json") ? JSON.parse(text) : text,
    };
  }
  async function complain(id: string, subject: string, message: string) {
    const body = JSON.stringify({ id, subject, message, email: "fay@example.com", name: "Fay" });
    expect((await postWebhook(baseUrl, body)).status).toBe(202);
    return eventually(() =>
      hub.database.prisma.message.findFirst({ where: { externalId: id }, include: { case: true } }),
    );
  }
  const trail = async (caseId: string) =>
    (await hub.database.prisma.caseEvent.findMany({ where: { caseId }, orderBy: { id: "asc" } })).map(
      (event) => `${event.type}: ${event.reason ?? ""}`,
    );

  it("merges a case into another, splits a message off, and records both on the trails", async () => {
    const billing = await complain(
      "a-1",
      "Double charge",
      "I was charged twice for my subscription this month, refund one.",
    );
    const parcel = await complain(
      "a-2",
      "Parcel",
      "My parcel with the blender never arrived although tracking says delivered.",
    );
    expect(parcel.caseId).not.toBe(billing.caseId);

    const merged = await call("POST", `/v1/cases/C-${parcel.case.number}/merge`, { into: `C-${billing.case.number}` });
    expect(merged).toStrictEqual({
      status: 200,
      body: { merged: parcel.caseId, into: billing.caseId, movedMessages: 1 },
    });
    expect(await hub.database.prisma.case.findUniqueOrThrow({ where: { id: parcel.caseId } })).toMatchObject({
      status: "closed",
      mergedIntoId: billing.caseId,
    });
    expect(await trail(billing.caseId)).toContainEqual(
      `case_merged: C-${parcel.case.number} merged in by an agent (1 message(s))`,
    );
    expect(
      (await call("POST", `/v1/cases/C-${parcel.case.number}/merge`, { into: `C-${billing.case.number}` })).body,
    ).toMatchObject({ error: "already_merged" });

    const split = await call("POST", `/v1/messages/${parcel.id}/split`);
    expect(split.status).toBe(201);
    const splitCase = await hub.database.prisma.case.findUniqueOrThrow({ where: { id: split.body.caseId } });
    expect(splitCase).toMatchObject({ customerId: billing.case.customerId, category: "delivery-fulfilment" });
    expect(await hub.database.prisma.message.findUniqueOrThrow({ where: { id: parcel.id } })).toMatchObject({
      caseId: splitCase.id,
    });
    const fromTrail = await trail(billing.caseId);
    expect(fromTrail.at(-1)).toMatch(
      new RegExp(`^message_split: agent moved the message to C-${splitCase.number} \\(it had joined: `),
    );
    // The last message of a case cannot be split off: that would leave an empty case.
    expect((await call("POST", `/v1/messages/${parcel.id}/split`)).body).toMatchObject({ error: "only_message" });
  });

  it("takes an agent's category, keeps it as a label for retraining, and retrains on command", async () => {
    const unclear = await complain(
      "b-1",
      "Question",
      "The number on my statement does not match what your app shows me.",
    );
    const reference = `C-${unclear.case.number}`;
    expect((await call("POST", `/v1/cases/${reference}/category`, { category: "data-errors" }, viewerKey)).status).toBe(
      403,
    );
    const unknown = await call("POST", `/v1/cases/${reference}/category`, { category: "weather" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.allowed).toContain("data-errors");

    const set = await call("POST", `/v1/cases/${reference}/category`, { category: "data-errors" });
    expect(set).toMatchObject({ status: 200, body: { category: "data-errors", retraining: "not-due" } });
    expect(await hub.database.prisma.case.findUniqueOrThrow({ where: { id: unclear.caseId } })).toMatchObject({
      category: "data-errors",
      categorySource: "agent",
      triage: false,
    });
    expect((await trail(unclear.caseId)).at(-1)).toMatch(/^category_set: agent set data-errors \(was /);
    const labels = await call("GET", "/v1/classification/labels", undefined, viewerKey);
    expect(
      String(labels.body)
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as unknown),
    ).toContainEqual({
      text: "Question\nThe number on my statement does not match what your app shows me.",
      category: "data-errors",
      source: "agent",
    });

    expect((await call("GET", "/v1/classification/model", undefined, viewerKey)).body.source).toStrictEqual({
      kind: "taxonomy",
    });
    const retrained = await call("POST", "/v1/classification/retrain");
    expect(retrained.status).toBe(200);
    expect(retrained.body).toMatchObject({ status: "retrained", labels: 8 });
    const model = await call("GET", "/v1/classification/model", undefined, viewerKey);
    expect(model.body.source).toStrictEqual({ kind: "retrained", id: retrained.body.id });
    expect(await hub.database.prisma.classifierModel.count()).toBe(1);
  });

  it("reports each joining rule as agents judged it: joins, the ones split off again, and merges it missed", async () => {
    const first = await complain(
      "c-1",
      "Late fee",
      "My invoice shows a late fee although I paid on time, please remove the late fee.",
    );
    const copy = await complain(
      "c-2",
      "Late fee",
      "My invoice shows a late fee although I paid on time. Please remove that late fee!",
    );
    expect(copy.caseId).toBe(first.caseId);
    expect((await call("POST", `/v1/messages/${copy.id}/split`)).status).toBe(201);

    const quality = await call("GET", "/v1/matching/quality?days=1", undefined, viewerKey);
    expect(quality.status).toBe(200);
    const similarity = (quality.body.rules as { rule: string }[]).find((row) => row.rule === "similarity");
    expect(similarity).toStrictEqual({ rule: "similarity", joins: 1, splitOff: 1, observedPrecision: 0 });
    // The merge of the first test is a join the rules missed.
    expect(quality.body.agentMerges).toBe(1);
    expect((await call("GET", "/v1/matching/quality?days=-1", undefined, viewerKey)).status).toBe(400);
  });
});
