import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../../core/db/database";
import { recordIntake } from "../../core/intake/intake-log";
import { createLogger } from "../../core/logger";
import { ingestMessages, type IntakeMessages } from "../../core/pipeline/ingest-messages";
import { processIntakeBatch } from "../../core/pipeline/process-intake";
import { noFlags, type CanonicalMessage } from "../../normalizers/canonical-message";
import { complaint, writeTestConfig } from "../support/test-hub";

/** The case store's decisions, on the embedded database: identities, threads, follow-ups, dedupe, batches. */
describe("ingestMessages", () => {
  let database: Database;
  const settings = { defaultTeam: "support", destinations: [{ id: "crm" }] };

  beforeAll(async () => {
    database = await openDatabase({ dataDir: mkdtempSync(path.join(tmpdir(), "plaint-ingest-")), migrate: true });
  });
  afterAll(async () => {
    await database.close();
  });

  let sequence = 0;
  function message(overrides: Partial<CanonicalMessage> = {}): CanonicalMessage {
    sequence++;
    return {
      channel: "webhook",
      externalId: `m-${sequence}`,
      from: { address: "ana@example.com", name: "Ana" },
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
  async function intakeFor(...messages: CanonicalMessage[]): Promise<IntakeMessages> {
    const recorded = await recordIntake(database, {
      connectorId: "webform",
      channel: "webhook",
      externalId: `intake-${sequence}-${Math.random()}`,
      rawBody: "{}",
      receivedAt: new Date(),
    });
    return { intakeItemId: recorded.id, connectorId: "webform", messages };
  }
  const run = (items: IntakeMessages[]) => database.transaction((tx) => ingestMessages(tx, items, settings));
  const caseOf = (externalId: string) =>
    database.prisma.message.findFirstOrThrow({
      where: { externalId },
      include: { case: { include: { events: { orderBy: { id: "asc" } } } } },
    });

  it("recognises one new customer across a batch and links the weaker identity", async () => {
    const first = message({ from: { address: "bo@example.com", phone: "+442079460958", name: "Bo" } });
    const second = message({ from: { address: "bo@example.com", name: "Bo" } });
    await run([await intakeFor(first), await intakeFor(second)]);
    const identities = await database.prisma.identity.findMany({
      where: { customer: { identities: { some: { value: "bo@example.com" } } } },
    });
    expect(identities.map((identity) => [identity.kind, identity.value]).sort()).toStrictEqual([
      ["email", "bo@example.com"],
      ["phone", "+442079460958"],
    ]);
    const [a, b] = [await caseOf(first.externalId), await caseOf(second.externalId)];
    expect(a.case.customerId).toBe(b.case.customerId);
    expect(a.caseId).not.toBe(b.caseId);
  });

  it("joins a reply to its parent's case, in the same batch and in a later one, saying why", async () => {
    const original = message();
    const sameBatchReply = message({ thread: { inReplyTo: original.externalId, references: [] } });
    await run([await intakeFor(original), await intakeFor(sameBatchReply)]);
    const laterReply = message({ thread: { references: [original.externalId] } });
    await run([await intakeFor(laterReply)]);

    const kase = await caseOf(original.externalId);
    expect((await caseOf(sameBatchReply.externalId)).caseId).toBe(kase.caseId);
    expect((await caseOf(laterReply.externalId)).caseId).toBe(kase.caseId);
    expect(kase.case.events.map((event) => [event.type, event.reason])).toStrictEqual([
      ["created", "no open case matched the message"],
      ["routed", "default team (routing.defaultTeam)"],
      ["message_added", "first message of the case"],
      ["message_added", `thread: in-reply-to ${original.externalId}`],
      ["message_added", `thread: in-reply-to ${original.externalId}`],
    ]);
    const outbox = await database.prisma.outboxItem.findMany({ where: { caseId: kase.caseId } });
    expect(outbox.map((row) => (row.payload as { event: string }).event).sort()).toStrictEqual([
      "case.created",
      "message.added",
      "message.added",
    ]);
  });

  it("joins by case tag only the customer's own case, and opens a follow-up for a closed one", async () => {
    const original = message();
    await run([await intakeFor(original)]);
    const kase = await caseOf(original.externalId);
    const tag = `C-${kase.case.number}`;

    const tagged = message({ thread: { caseTag: tag, references: [] } });
    const stranger = message({ from: { address: "eve@example.com" }, thread: { caseTag: tag, references: [] } });
    await run([await intakeFor(tagged), await intakeFor(stranger)]);
    expect((await caseOf(tagged.externalId)).caseId).toBe(kase.caseId);
    expect((await caseOf(stranger.externalId)).caseId).not.toBe(kase.caseId);

    await database.prisma.case.update({ where: { id: kase.caseId }, data: { status: "closed" } });
    const afterClose = message({ thread: { caseTag: tag, references: [] } });
    await run([await intakeFor(afterClose)]);
    const followUp = await caseOf(afterClose.externalId);
    expect(followUp.caseId).not.toBe(kase.caseId);
    expect(followUp.case.events[0]).toMatchObject({
      type: "created",
      reason: `follow-up to a closed case (case-tag ${tag} (subject))`,
      data: { followUpOf: kase.caseId },
    });
  });

  it("stores a redelivered message once and marks non-message updates ignored", async () => {
    const original = message();
    await run([await intakeFor(original)]);
    const redelivery = await intakeFor(original);
    const statusOnly = await intakeFor(message({ kind: "status" }));
    await run([redelivery, statusOnly]);
    expect(await database.prisma.message.count({ where: { externalId: original.externalId } })).toBe(1);
    const items = await database.prisma.intakeItem.findMany({
      where: { id: { in: [redelivery.intakeItemId, statusOnly.intakeItemId] } },
    });
    expect(Object.fromEntries(items.map((item) => [item.id, item.status]))).toStrictEqual({
      [redelivery.intakeItemId]: "processed",
      [statusOnly.intakeItemId]: "ignored",
    });
  });
});

describe("processIntakeBatch", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: mkdtempSync(path.join(tmpdir(), "plaint-batch-")), migrate: true });
  });
  afterAll(async () => {
    await database.close();
  });

  it("gives each item of a batch its own outcome", async () => {
    const { config } = writeTestConfig();
    const deps = {
      database,
      connectors: config.connectors,
      defaultTeam: "support",
      destinations: [],
      logger: createLogger("silent"),
    };
    const record = (connectorId: string, externalId: string, rawBody: string) =>
      recordIntake(database, { connectorId, channel: "webhook", externalId, rawBody, receivedAt: new Date() });
    const good = await record("webform", "good-1", complaint("good-1"));
    const noText = await record("webform", "bad-1", JSON.stringify({ id: "bad-1", email: "a@example.com" }));
    const unknown = await record("gone", "x-1", complaint("x-1"));

    const outcomes = await processIntakeBatch(deps, [good.id, noText.id, unknown.id]);
    expect(outcomes.map((outcome) => (outcome.ok ? "ok" : String(outcome.error)))).toStrictEqual([
      "ok",
      "BadInputError: missing",
      'BadInputError: connector "gone" is not in the configuration',
    ]);
    expect(await database.prisma.message.count({ where: { externalId: "good-1" } })).toBe(1);
    // Running it again is a no-op: the item is processed.
    expect(await processIntakeBatch(deps, [good.id])).toStrictEqual([{ ok: true }]);
    expect(await database.prisma.message.count({ where: { externalId: "good-1" } })).toBe(1);
  });
});
