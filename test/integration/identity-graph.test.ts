import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import express from "express";
import { findOrCreateSenders, senderIdentities } from "../../core/cases/identities";
import { casesConfigSchema } from "../../core/config/config.schema";
import { identityConfigSchema } from "../../core/customers/identity.schema";
import { linkIdentities, type LinkOutcome } from "../../core/customers/link-identities";
import { mergeCustomers } from "../../core/customers/merge";
import { openDatabase, type Database, type SqlClient } from "../../core/kernel/db/database";
import { createAuthenticator } from "../../core/http/auth";
import { customersRouter } from "../../core/http/customers.routes";
import { recordIntake } from "../../core/store/intake.store";
import { ingestMessages, type IngestSettings } from "../../core/pipeline/ingest-messages";
import { noFlags, type CanonicalMessage } from "../../normalizers/canonical-message";
import { createTestPostgres, type TestPostgres } from "../support/postgres";

const config = identityConfigSchema.parse({});
const settings: IngestSettings = {
  routing: { defaultTeam: "support", rules: [] },
  destinations: [],
  cases: casesConfigSchema.parse({}),
  policies: new Map(),
};
const agentKey = "identity-agent-key-0123456789";
const viewerKey = "identity-viewer-key-0123456789";

let sequence = 0;
function message(overrides: Partial<CanonicalMessage>): CanonicalMessage {
  sequence++;
  return {
    channel: "webhook",
    externalId: `graph-${sequence}`,
    from: {},
    to: [],
    cc: [],
    subject: `subject ${sequence}`,
    text: `text ${sequence}`,
    fullText: `text ${sequence}`,
    attachments: [],
    thread: { references: [] },
    receivedAt: new Date(Date.UTC(2026, 10, 25, 10, 0, sequence)).toISOString(),
    flags: { ...noFlags },
    kind: "message",
    ...overrides,
  };
}
const sms = (phone: string) => message({ channel: "sms", from: { phone }, subject: null });
const mail = (address: string, name: string, fullText: string) =>
  message({ channel: "email", from: { address, name }, text: fullText.split("\n--")[0] ?? "", fullText });

/** The identity graph on the embedded database, through the pipeline's hook and the HTTP API. */
describe("identity graph", () => {
  let database: Database;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: mkdtempSync(path.join(tmpdir(), "plaint-identity-")), migrate: true });
    const app = express();
    const requireRole = createAuthenticator([
      { name: "agent-1", key: agentKey, role: "agent" },
      { name: "viewer-1", key: viewerKey, role: "viewer" },
    ]);
    app.use(customersRouter(database, requireRole, config));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });

  async function api(method: string, url: string, body?: unknown, key = agentKey) {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  }

  /** The pipeline as the lead wires it: ingest, then the hook on the same senders in the same transaction. */
  async function ingest(msg: CanonicalMessage, connectorId = "webform"): Promise<LinkOutcome> {
    const recorded = await recordIntake(database, {
      connectorId,
      channel: msg.channel,
      externalId: `intake-${msg.externalId}`,
      rawBody: "{}",
      receivedAt: new Date(),
    });
    return database.transaction(async (tx) => {
      await ingestMessages(tx, [{ intakeItemId: recorded.id, connectorId, messages: [msg] }], settings);
      const keys = senderIdentities(msg, connectorId);
      const [sender] = await findOrCreateSenders(tx, [{ keys, displayName: msg.from.name }]);
      const [outcome] = await linkIdentities(tx, [{ message: msg, connectorId, ...sender! }], config);
      return outcome!;
    });
  }
  const holderOf = async (kind: string, value: string) =>
    (await database.prisma.identity.findUniqueOrThrow({ where: { kind_value: { kind, value } } })).customerId;
  const caseOf = async (externalId: string) =>
    (await database.prisma.message.findFirstOrThrow({ where: { externalId }, include: { case: true } })).case;
  const eventsOf = (caseId: string, type: string) =>
    database.prisma.caseEvent.findMany({ where: { caseId, type }, orderBy: { id: "asc" } });

  it("merges a web form's customer into the SMS customer holding its phone, with the evidence", async () => {
    const text = sms("+4930901820");
    await ingest(text, "twilio");
    const smsCustomer = await holderOf("phone", "+4930901820");
    const form = message({ from: { address: "Bo@Example.com".toLowerCase(), phone: "+4930901820", name: "Bo" } });
    const outcome = await ingest(form);

    expect(outcome.customerId).toBe(smsCustomer);
    expect(outcome.settlements).toHaveLength(1);
    const settlement = outcome.settlements[0];
    if (settlement?.action !== "merged") throw new Error(`expected a merge, got ${settlement?.action}`);
    expect(settlement.merge).toMatchObject({ survivorId: smsCustomer, confidence: 0.9 });
    expect(settlement.merge.evidence).toStrictEqual([
      {
        kind: "form-gave-both",
        detail: `web form gave bo@example.com and +4930901820, held by customer ${smsCustomer}`,
        weight: 0.9,
        identity: { kind: "phone", value: "+4930901820" },
        externalId: form.externalId,
      },
    ]);
    expect(await holderOf("email", "bo@example.com")).toBe(smsCustomer);
    const formCase = await caseOf(form.externalId);
    expect(formCase.customerId).toBe(smsCustomer);
    const [merged] = await eventsOf(formCase.id, "customer_merged");
    expect(merged).toMatchObject({ actor: "system", data: { caseMoved: true, confidence: 0.9 } });
    expect(merged?.reason).toContain("confidence 0.90: form-gave-both (web form gave bo@example.com and +4930901820");

    // The common case costs nothing: no second identity, no phone in the text.
    const queries: string[] = [];
    const counting: SqlClient = { sql: (text) => (queries.push(text), Promise.resolve([])) };
    await linkIdentities(
      counting,
      [{ message: sms("+4930901820"), connectorId: "twilio", customerId: smsCustomer, identityId: "x" }],
      config,
    );
    await linkIdentities(
      counting,
      [
        {
          message: mail("x@example.com", "X", "no number"),
          connectorId: "mail",
          customerId: smsCustomer,
          identityId: "x",
        },
      ],
      config,
    );
    expect(queries).toStrictEqual([]);
  });

  it("restores exactly what a merge moved on a split, and keeps later cases with the survivor", async () => {
    const first = sms("+447700900100");
    await ingest(first, "twilio");
    const older = await holderOf("phone", "+447700900100");
    const mails = [mail("cy@example.com", "Cy", "one"), mail("cy@example.com", "Cy", "two")];
    for (const each of mails) await ingest(each, "mailbox");
    const younger = await holderOf("email", "cy@example.com");
    const youngerIdentities = (await database.prisma.identity.findMany({ where: { customerId: younger } })).map(
      (i) => i.id,
    );
    const youngerCases = (await database.prisma.case.findMany({ where: { customerId: younger } }))
      .map((c) => c.id)
      .sort();
    expect(youngerCases).toHaveLength(2);

    // The agent asks from the younger side; the older customer survives.
    const merge = await api("POST", `/v1/customers/${younger}/merge`, { from: older });
    expect(merge.status).toBe(200);
    expect(merge.json).toMatchObject({
      survivorId: older,
      mergedId: younger,
      confidence: 1,
      moved: { identityIds: youngerIdentities, caseIds: youngerCases },
    });
    expect(merge.json["evidence"]).toStrictEqual([
      { kind: "agent", detail: `apikey:agent-1 merged customer ${older} with ${younger}`, weight: 1 },
    ]);
    expect(await database.prisma.case.count({ where: { customerId: older } })).toBe(3);
    const olderCase = await caseOf(first.externalId);
    expect((await eventsOf(olderCase.id, "customer_merged"))[0]).toMatchObject({
      actor: "apikey:agent-1",
      data: { caseMoved: false },
    });
    expect(await api("POST", `/v1/customers/${older}/merge`, { from: younger })).toMatchObject({
      status: 409,
      json: { error: "already_merged" },
    });

    const later = mail("cy@example.com", "Cy", "three");
    await ingest(later, "mailbox");
    const laterCase = await caseOf(later.externalId);
    expect(laterCase.customerId).toBe(older);

    const mergeId = String(merge.json["mergeId"]);
    const split = await api("POST", `/v1/customer-merges/${mergeId}/split`);
    expect(split).toStrictEqual({
      status: 200,
      json: {
        mergeId,
        survivorId: older,
        mergedId: younger,
        restored: { identityIds: youngerIdentities, caseIds: youngerCases },
      },
    });
    expect(
      (await database.prisma.identity.findMany({ where: { customerId: younger } })).map((i) => i.id),
    ).toStrictEqual(youngerIdentities);
    expect(
      (await database.prisma.case.findMany({ where: { customerId: younger } })).map((c) => c.id).sort(),
    ).toStrictEqual(youngerCases);
    expect((await caseOf(later.externalId)).customerId).toBe(older);
    expect((await database.prisma.customer.findUniqueOrThrow({ where: { id: younger } })).mergedIntoId).toBeNull();
    for (const caseId of [...youngerCases, olderCase.id, laterCase.id]) {
      const trail = await database.prisma.caseEvent.findMany({
        where: { caseId, type: { in: ["customer_merged", "customer_split"] } },
        orderBy: { id: "asc" },
      });
      const expected = caseId === laterCase.id ? ["customer_split"] : ["customer_merged", "customer_split"];
      expect(trail.map((event) => event.type)).toStrictEqual(expected);
    }
    expect(await api("POST", `/v1/customer-merges/${mergeId}/split`)).toStrictEqual({
      status: 409,
      json: { error: "already_split", message: `merge ${mergeId} was split already`, mergeId },
    });
    // A split pair is kept apart: the evidence that joined them does not join them again by itself.
    const crm = await api("POST", `/v1/customers/${younger}/identities`, {
      kind: "phone",
      value: "+44 7700 900100",
      source: "crm",
    });
    expect(crm).toMatchObject({ status: 409, json: { error: "kept_apart", mergeId } });

    // An agent may still join them again, and split them again: history keeps both splits.
    const again = await api("POST", `/v1/customers/${younger}/merge`, { from: older });
    expect(again).toMatchObject({ status: 200, json: { survivorId: older, mergedId: younger } });
    const againId = String(again.json["mergeId"]);
    expect(againId).not.toBe(mergeId);
    expect(await api("POST", `/v1/customer-merges/${againId}/split`)).toMatchObject({ status: 200 });
    expect(
      await database.prisma.customerMerge.count({ where: { survivorId: older, mergedId: younger, status: "split" } }),
    ).toBe(2);
  });

  it("proposes on a signature phone of another name; accepting merges, rejecting never proposes again", async () => {
    await ingest(sms("+4915112345678"), "twilio");
    const smsCustomer = await holderOf("phone", "+4915112345678");
    const signed = mail("dee@example.com", "Dee Rivers", "Still broken.\n--\nDee Rivers\nMobile +49 151 12345678");
    const outcome = await ingest(signed, "mailbox");
    const mailCustomer = await holderOf("email", "dee@example.com");
    expect(outcome.customerId).toBe(mailCustomer);
    expect(outcome.settlements).toMatchObject([{ action: "proposed", confidence: 0.6 }]);
    expect(outcome.evidence).toMatchObject([
      { kind: "signature-phone", weight: 0.6, identity: { kind: "phone", value: "+4915112345678" } },
    ]);

    const view = await api("GET", `/v1/customers/${mailCustomer}`, undefined, viewerKey);
    expect(view.status).toBe(200);
    expect(view.json["proposals"]).toMatchObject([
      { status: "proposed", role: "merged", otherCustomerId: smsCustomer, confidence: 0.6 },
    ]);
    const proposalId = String(view.json["proposals"][0].id);
    expect(await api("POST", `/v1/customer-merges/${proposalId}/accept`, undefined, viewerKey)).toMatchObject({
      status: 403,
    });
    const accepted = await api("POST", `/v1/customer-merges/${proposalId}/accept`);
    expect(accepted).toMatchObject({
      status: 200,
      json: { mergeId: proposalId, survivorId: smsCustomer, mergedId: mailCustomer, confidence: 0.6 },
    });
    expect(await holderOf("email", "dee@example.com")).toBe(smsCustomer);
    expect(await api("POST", `/v1/customer-merges/${proposalId}/accept`)).toMatchObject({
      status: 409,
      json: { error: "not_proposed" },
    });

    await ingest(sms("+4915199999999"), "twilio");
    const other = await holderOf("phone", "+4915199999999");
    const stranger = () => mail("eli@example.com", "Eli", "Hi\n--\nEli, assistant of +49 151 99999999");
    const proposed = await ingest(stranger(), "mailbox");
    expect(proposed.settlements).toMatchObject([{ action: "proposed" }]);
    const eli = await holderOf("email", "eli@example.com");
    const rejectId = (proposed.settlements[0] as { proposalId: string }).proposalId;
    expect(await api("POST", `/v1/customer-merges/${rejectId}/reject`)).toMatchObject({
      status: 200,
      json: { status: "rejected" },
    });
    const again = await ingest(stranger(), "mailbox");
    expect(again.settlements).toMatchObject([{ action: "kept-apart", mergeId: rejectId, status: "rejected" }]);
    expect(again.customerId).toBe(eli);
    expect(await database.prisma.customerMerge.count({ where: { OR: [{ mergedId: eli }, { survivorId: eli }] } })).toBe(
      1,
    );
    expect(other).not.toBe(eli);
  });

  it("treats a CRM record as evidence and an agent's identity as a merge; answers bad input clearly", async () => {
    await ingest(sms("+14155550101"), "twilio");
    await ingest(mail("fay@example.com", "Fay", "hello"), "mailbox");
    const [byPhone, byMail] = [await holderOf("phone", "+14155550101"), await holderOf("email", "fay@example.com")];
    const added = await api("POST", `/v1/customers/${byMail}/identities`, {
      kind: "crm",
      value: "hubspot-42",
      source: "crm",
    });
    expect(added).toMatchObject({ status: 201, json: { outcome: "added", kind: "crm", value: "hubspot-42" } });
    expect(
      await api("POST", `/v1/customers/${byMail}/identities`, {
        kind: "email",
        value: " FAY@example.com",
        source: "crm",
      }),
    ).toMatchObject({
      status: 200,
      json: { outcome: "already-held" },
    });
    const crm = await api("POST", `/v1/customers/${byMail}/identities`, {
      kind: "phone",
      value: "+1 415 555 0101",
      source: "crm",
    });
    expect(crm).toMatchObject({
      status: 200,
      json: {
        outcome: "held-by-other",
        holderId: byPhone,
        settlement: { action: "merged", merge: { survivorId: byPhone, confidence: 0.95 } },
      },
    });
    expect(crm.json["settlement"].merge.evidence).toMatchObject([{ kind: "crm-record", weight: 0.95 }]);

    expect(
      await api("POST", `/v1/customers/${byMail}/identities`, {
        kind: "phone",
        value: "+14155550199",
        source: "agent",
      }),
    ).toMatchObject({
      status: 409,
      json: { error: "customer_merged", mergedInto: byPhone },
    });
    await ingest(sms("+14155550202"), "twilio");
    const third = await holderOf("phone", "+14155550202");
    const byAgent = await api("POST", `/v1/customers/${byPhone}/identities`, {
      kind: "phone",
      value: "+14155550202",
      source: "agent",
    });
    expect(byAgent).toMatchObject({
      status: 200,
      json: {
        outcome: "held-by-other",
        holderId: third,
        settlement: { action: "merged", merge: { survivorId: byPhone, mergedId: third, confidence: 1 } },
      },
    });
    expect(byAgent.json["settlement"].merge.evidence).toStrictEqual([
      {
        kind: "agent",
        detail: `apikey:agent-1 gave customer ${byPhone} the phone +14155550202, held by customer ${third}`,
        weight: 1,
        identity: { kind: "phone", value: "+14155550202" },
      },
    ]);
    expect(
      await api("POST", `/v1/customers/${byPhone}/identities`, { kind: "phone", value: "12", source: "agent" }),
    ).toStrictEqual({
      status: 400,
      json: {
        error: "invalid_identity",
        message:
          'phone "12": not a phone number (write it with + and the country code, or set identity.defaultCountry)',
      },
    });
    expect(
      await api("POST", `/v1/customers/${byPhone}/identities`, { kind: "fax", value: "1", source: "agent" }),
    ).toMatchObject({
      status: 400,
      json: { error: "invalid_body", problems: [{ field: "kind" }] },
    });
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(await api("GET", `/v1/customers/${missing}`, undefined, viewerKey)).toStrictEqual({
      status: 404,
      json: { error: "not_found", message: `no customer ${missing}` },
    });
    expect(await api("POST", `/v1/customer-merges/${missing}/split`)).toMatchObject({ status: 404 });
    expect(await api("POST", `/v1/customers/${byPhone}/merge`, { from: byPhone })).toMatchObject({ status: 400 });
  });

  it("looks a whole batch up in one query and weighs the batch's evidence about a pair together", async () => {
    await ingest(sms("+436991234567"), "twilio");
    await ingest(mail("mo@example.com", "Mo", "first"), "mailbox");
    const [byPhone, byMail] = [await holderOf("phone", "+436991234567"), await holderOf("email", "mo@example.com")];
    const signed = mail("mo@example.com", "Mo", "again\n--\nMo\n+43 699 1234567");
    const form = message({ from: { address: "mo@example.com", phone: "+436991234567" } });
    const inputs = [signed, form].map((msg) => ({
      message: msg,
      connectorId: "x",
      customerId: byMail,
      identityId: "i",
    }));
    const queries: string[] = [];
    const outcomes = await database.transaction((tx) =>
      linkIdentities({ sql: (text, values) => (queries.push(text), tx.sql(text, values)) }, inputs, config),
    );
    expect(queries.filter((text) => text.includes("FROM identities i"))).toHaveLength(1);
    expect(outcomes.map((outcome) => outcome.customerId)).toStrictEqual([byPhone, byPhone]);
    expect(outcomes.map((outcome) => outcome.evidence.map((piece) => piece.kind))).toStrictEqual([
      ["signature-phone"],
      ["form-gave-both"],
    ]);
    expect(outcomes[0]?.settlements).toMatchObject([{ action: "merged", merge: { confidence: 0.96 } }]);
  });

  it("shows a customer with identities, attributes, merges both ways, proposals and case numbers", async () => {
    await ingest(sms("+33612345678"), "twilio");
    const survivor = await holderOf("phone", "+33612345678");
    const form = message({ from: { address: "gus@example.com", phone: "+33612345678", name: "Gus" } });
    await ingest(form);
    const kase = await caseOf(form.externalId);
    const view = await api("GET", `/v1/customers/${survivor}`, undefined, viewerKey);
    const merge = view.json["merges"][0];
    expect(view).toStrictEqual({
      status: 200,
      json: {
        customer: { id: survivor, displayName: null, attributes: {}, createdAt: expect.any(String), mergedInto: null },
        identities: [
          { id: expect.any(String), kind: "phone", value: "+33612345678", since: expect.any(String) },
          { id: expect.any(String), kind: "email", value: "gus@example.com", since: expect.any(String) },
        ],
        cases: [
          {
            id: expect.any(String),
            number: expect.any(Number),
            status: "new",
            reference: expect.stringMatching(/^C-\d+$/),
          },
          { id: kase.id, number: kase.number, status: "new", reference: `C-${kase.number}` },
        ],
        merges: [
          {
            id: expect.any(String),
            status: "merged",
            role: "survivor",
            otherCustomerId: merge.mergedId,
            survivorId: survivor,
            mergedId: merge.mergedId,
            confidence: 0.9,
            evidence: [expect.objectContaining({ kind: "form-gave-both" })],
            moved: { identityIds: [expect.any(String)], caseIds: [kase.id] },
            actor: "system",
            createdAt: expect.any(String),
            decidedAt: expect.any(String),
            splitAt: null,
          },
        ],
        proposals: [],
      },
    });
    const mergedView = await api("GET", `/v1/customers/${merge.mergedId}`, undefined, viewerKey);
    expect(mergedView.json).toMatchObject({
      customer: { mergedInto: survivor },
      identities: [],
      cases: [],
      merges: [{ role: "merged" }],
    });
  });
});

/** Two transactions merging the same pair at once, on PostgreSQL where they really run side by side. */
describe("concurrent merges", () => {
  let server: TestPostgres | null;
  let database: Database | null = null;
  beforeAll(async () => {
    server = await createTestPostgres();
    if (server)
      database = await openDatabase({
        databaseUrl: server.url,
        dataDir: mkdtempSync(path.join(tmpdir(), "plaint-merge-")),
        migrate: true,
      });
  });
  afterAll(async () => {
    await database?.close();
    await server?.drop();
  });

  it("leaves one merge when the same pair is merged twice at once", async () => {
    if (!database) return;
    const db = database;
    const [a, b] = [await db.prisma.customer.create({ data: {} }), await db.prisma.customer.create({ data: {} })];
    await db.prisma.identity.create({ data: { customerId: b.id, kind: "email", value: "race@example.com" } });
    const evidence = [{ kind: "agent" as const, detail: "test", weight: 1 }];
    const attempt = (survivorId: string, mergedId: string) =>
      db.transaction(async (tx) => {
        const result = await mergeCustomers(tx, { survivorId, mergedId, confidence: 1, evidence, actor: "test" });
        // Hold the lock a moment, so the other transaction really waits on it.
        await tx.sql("SELECT pg_sleep(0.2)", []);
        return result;
      });
    const results = await Promise.all([attempt(a.id, b.id), attempt(b.id, a.id)]);
    expect(results.map((result) => (result.ok ? "merged" : result.error.code)).sort()).toStrictEqual([
      "already_merged",
      "merged",
    ]);
    expect(await db.prisma.customerMerge.count()).toBe(1);
    expect(await db.prisma.customer.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({ mergedIntoId: a.id });
    expect(await db.prisma.identity.count({ where: { customerId: a.id } })).toBe(1);
  });
});
