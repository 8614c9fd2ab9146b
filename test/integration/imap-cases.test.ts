import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { migrateOnly } from "../../core/kernel/db/database";
import type { PrismaClient } from "../../core/kernel/db/generated/client";
import type { PlaintEnv } from "../../core/kernel/config/env";
import { startHub, type Hub } from "../../core/hub";
import { inboundMessageKey } from "../../core/pipeline/idempotency-key";
import {
  changeUidValidity,
  createFolder,
  dovecot,
  ensureDovecot,
  restartDovecot,
  type DovecotServer,
} from "../support/dovecot";
import { closeIntakeGate, closeMessageGate, type IntakeGate } from "../support/intake-gate";
import { appendPlanned, MailThreads, writeMailHubConfig, type PlannedMail } from "../support/mail-threads";
import { createTestPostgres, type TestPostgres } from "../support/postgres";
import { testRedisUrl } from "../support/redis";
import { eventually, randomQueueName, testEnv } from "../support/test-hub";

/**
 * Mail end to end to cases, on a real Dovecot: 200 mails of 40 customers (120 complaints, 79 replies, one mail
 * naming its case in the subject) become 200 messages on exactly the right 120 cases — straight through, with the
 * mailbox poller stopped half-way and taken over by a new process, with Dovecot restarted half-way, and with the
 * folder's UIDVALIDITY changed half-way. "Half-way" is made exact by a gate in the intake log (see intake-gate.ts):
 * the intake is held after its 60th mail, in the middle of a batch, while the disturbance happens.
 *
 * This file restarts and rebuilds its IMAP server, so it runs its own Dovecot instance (port 10144): test files
 * running in parallel on the shared one are not disturbed, nor is this one by theirs.
 *
 * Scale-out mode (PostgreSQL + Redis, hubs in this process). Not run in embedded mode: there a hub's start alone
 * (PGlite and its migrations) took over half a minute on a busy machine, which this file's time budget cannot spare.
 */
/** This file's own instance (same account, another port and folder); left running, like the shared one. */
const server: DovecotServer = { ...dovecot, port: 10144, dir: `${dovecot.dir}-cases` };

describe("IMAP mail to cases", () => {
  let dovecotUp = false;
  let postgres: TestPostgres | null = null;
  let redisUrl: string | null = null;
  const hubs: Hub[] = [];
  const gates: IntakeGate[] = [];

  beforeAll(async () => {
    dovecotUp = await ensureDovecot(server);
    if (!dovecotUp) return;
    postgres = await createTestPostgres();
    redisUrl = await testRedisUrl();
  }, 180_000);

  afterEach(async () => {
    await Promise.all(gates.splice(0).map((gate) => gate.close()));
    await Promise.all(hubs.splice(0).map((hub) => hub.stop()));
  });

  afterAll(async () => {
    await postgres?.drop();
  });

  /** A fresh folder, connector, config, schema and queue name; the hubs a test starts on it share all of them. */
  async function rig() {
    if (!dovecotUp || !postgres || !redisUrl) return null;
    const tag = randomBytes(4).toString("hex");
    const folder = `cases-${tag}`;
    const connectorId = `mail-${tag}`;
    await createFolder(folder, server);
    const { configPath, config, dir } = writeMailHubConfig(connectorId, folder, server);
    const dataDir = path.join(dir, "data");
    const databaseUrl = postgres.url;
    const env = testEnv({
      dataDir,
      configPath,
      databaseUrl,
      redisUrl,
      queueName: randomQueueName(),
      logLevel: (process.env.LOG_LEVEL ?? "silent") as PlaintEnv["logLevel"],
    });
    await resetSchema(databaseUrl);
    await migrateOnly({ databaseUrl, dataDir });
    return {
      tag,
      folder,
      connectorId,
      databaseUrl,
      /** Starts one more hub (`plaint start`: HTTP, workers and the mailbox poller) on the rig. */
      start: async () => {
        const hub = await startHub({ env, config, role: "all" });
        hubs.push(hub);
        return hub;
      },
      /** Holds the intake after its `after`-th mail. */
      gate: async (after: number) => {
        const gate = await closeIntakeGate(databaseUrl, connectorId, after);
        gates.push(gate);
        return gate;
      },
      /** Holds the worker's transaction that stores this mail, just before the message insert. */
      messageGate: async (mail: PlannedMail) => {
        const gate = await closeMessageGate(databaseUrl, mail.id);
        gates.push(gate);
        return gate;
      },
    };
  }

  it("takes 200 mails of 40 customers onto exactly the right cases", async () => {
    const setup = await rig();
    if (!setup) return;
    const threads = new MailThreads(setup.tag);
    const backfill = backfillPlan(threads);
    await appendPlanned(setup.folder, backfill, server);
    const hub = await setup.start();
    await settled(hub.database.prisma, setup.connectorId, backfill.length);
    const all = await deliverLater(hub.database.prisma, setup.folder, setup.connectorId, threads, backfill);
    await expectOnTheirCases(hub.database.prisma, setup.connectorId, all);
  }, 120_000);

  it("stopped half-way, the mailbox poller hands over to a new process: right cases, nothing lost or doubled", async () => {
    const setup = await rig();
    if (!setup) return;
    const threads = new MailThreads(setup.tag);
    const backfill = backfillPlan(threads);
    await appendPlanned(setup.folder, backfill, server);
    const gate = await setup.gate(60);
    const first = await setup.start();
    await gate.waitUntilHeld();
    // stop() lets the batch in flight finish: the gate opens only once the stop has been asked for.
    const stopped = first.stop();
    await gate.open();
    await stopped;
    hubs.splice(hubs.indexOf(first), 1);

    // The first process took the gated batch to its end and no further; its cursor covers exactly what it stored.
    const atStop = await whileStopped(setup.databaseUrl, setup.connectorId);
    expect(atStop.items).toBeGreaterThan(60);
    expect(atStop.items).toBeLessThan(backfill.length);
    expect(atStop.cursor).toMatchObject({ lastUid: atStop.items });

    const second = await setup.start();
    const prisma = second.database.prisma;
    await settled(prisma, setup.connectorId, backfill.length);
    const all = await deliverLater(prisma, setup.folder, setup.connectorId, threads, backfill);
    await expectOnTheirCases(prisma, setup.connectorId, all);
  }, 120_000);

  it("Dovecot restarted half-way through the backfill: right cases, nothing lost or doubled", async () => {
    const setup = await rig();
    if (!setup) return;
    const threads = new MailThreads(setup.tag);
    const backfill = backfillPlan(threads);
    await appendPlanned(setup.folder, backfill, server);
    const gate = await setup.gate(60);
    const hub = await setup.start();
    await gate.waitUntilHeld();
    // The batch is fetched and half recorded: its flags and cursor are still to be written over the lost connection.
    await restartDovecot(server);
    await gate.open();
    const prisma = hub.database.prisma;
    await settled(prisma, setup.connectorId, backfill.length);
    const all = await deliverLater(prisma, setup.folder, setup.connectorId, threads, backfill);
    await expectOnTheirCases(prisma, setup.connectorId, all);
  }, 120_000);

  it("UIDVALIDITY changed half-way: right cases, nothing doubled, new mail after it taken", async () => {
    const setup = await rig();
    if (!setup) return;
    const threads = new MailThreads(setup.tag);
    const backfill = backfillPlan(threads);
    await appendPlanned(setup.folder, backfill, server);
    const gate = await setup.gate(60);
    const hub = await setup.start();
    await gate.waitUntilHeld();
    // Every mail gets a new UID under a new UIDVALIDITY while the intake is in the middle of a batch.
    const { before, after } = await changeUidValidity(setup.folder, server);
    expect(after).not.toBe(before);
    await gate.open();
    const prisma = hub.database.prisma;
    await settled(prisma, setup.connectorId, backfill.length);
    await eventually(async () => (await cursorOf(prisma, setup.connectorId)).uidValidity === String(after), 60_000);
    const all = await deliverLater(prisma, setup.folder, setup.connectorId, threads, backfill);
    await expectOnTheirCases(prisma, setup.connectorId, all);
  }, 120_000);

  it("a reply taken while its parent is still being stored joins the parent's case", async () => {
    const setup = await rig();
    if (!setup) return;
    const threads = new MailThreads(setup.tag);
    // The customer is known already: a first mail would make the reply wait on the new identity's unique index.
    const earlier = threads.complaint(0);
    await appendPlanned(setup.folder, [earlier], server);
    const hub = await setup.start();
    const prisma = hub.database.prisma;
    await settled(prisma, setup.connectorId, 1);

    const parent = threads.complaint(0);
    const reply = threads.reply(parent);
    const gate = await setup.messageGate(parent);
    await appendPlanned(setup.folder, [parent], server);
    await gate.waitUntilHeld();
    // The parent's transaction is open and holds its new case; the reply comes in, necessarily in a later batch.
    await appendPlanned(setup.folder, [reply], server);
    const replyItem = () =>
      prisma.intakeItem.findFirst({ where: { connectorId: setup.connectorId, externalId: `<${reply.id}>` } });
    await eventually(async () => ((await replyItem())?.attempts ?? 0) >= 1);
    // Today the reply is then stored at once, on a case of its own. A pipeline that holds it back for its parent
    // records a retry (or waits on a lock, which shows neither: hence the bounded wait, whose timeout is no failure).
    await eventually(async () => {
      const item = await replyItem();
      return item !== null && (item.error !== null || !["received", "processing"].includes(item.status));
    }, 15_000).catch(() => undefined);
    await gate.open();
    await settled(prisma, setup.connectorId, 3);
    await expectOnTheirCases(prisma, setup.connectorId, [earlier, parent, reply]);
  }, 120_000);
});

/**
 * The mails already in the folder when the hub starts: 120 complaints by 40 customers (three each) and 50 replies.
 * Some replies follow their parent directly (same IMAP batch, likely the same worker batch), some answer a
 * complaint 30 mails back (an earlier batch), some answer a reply (a References chain).
 */
function backfillPlan(threads: MailThreads): PlannedMail[] {
  const complaints: PlannedMail[] = [];
  const quickReplies = new Map<number, PlannedMail>();
  const mails: PlannedMail[] = [];
  for (let k = 0; k < 120; k++) {
    const complaint = threads.complaint(k % 40);
    complaints.push(complaint);
    mails.push(complaint);
    if (k % 5 === 0) {
      const reply = threads.reply(complaint);
      quickReplies.set(k, reply);
      mails.push(reply);
    }
    const older = complaints[k - 30];
    if (older && k % 5 === 2) mails.push(threads.reply(older));
    const earlierReply = quickReplies.get(k - 10);
    if (earlierReply && k >= 40 && k % 10 === 0) mails.push(threads.reply(earlierReply));
  }
  expect(mails.filter((mail) => mail.kind === "complaint")).toHaveLength(120);
  expect(mails).toHaveLength(170);
  return mails;
}

/**
 * Once the backfill is on its cases: 29 more replies (three of them answering a reply appended in the same go) and
 * one mail naming its case only by the tag in its subject, appended to the watched folder; waits until all 200 are
 * processed and returns the whole plan.
 */
async function deliverLater(
  prisma: PrismaClient,
  folder: string,
  connectorId: string,
  threads: MailThreads,
  backfill: PlannedMail[],
): Promise<PlannedMail[]> {
  const complaints = backfill.filter((mail) => mail.kind === "complaint");
  const pick = (index: number) => complaints[index] as PlannedMail;
  const later: PlannedMail[] = [];
  for (let j = 0; j < 26; j++) later.push(threads.replyToThread(pick((j * 7) % 120)));
  const tagged = pick(3);
  const taggedCase = await prisma.message.findFirstOrThrow({
    where: { externalId: tagged.id },
    select: { case: { select: { number: true } } },
  });
  later.push(threads.caseTagged(tagged, taggedCase.case.number));
  for (const index of [0, 7, 14]) later.push(threads.replyToThread(pick(index)));
  const all = [...backfill, ...later];
  expect(all).toHaveLength(200);
  await appendPlanned(folder, later, server);
  await settled(prisma, connectorId, all.length);
  return all;
}

/** Waits until the connector has at least `count` intake items and none is still waiting for a worker. */
async function settled(prisma: PrismaClient, connectorId: string, count: number): Promise<void> {
  await eventually(
    async () => {
      const items = await prisma.intakeItem.groupBy({ by: ["status"], where: { connectorId }, _count: true });
      const total = items.reduce((sum, row) => sum + row._count, 0);
      const pending = items.filter((row) => row.status === "received" || row.status === "processing");
      return total >= count && pending.length === 0;
    },
    90_000,
    100,
  );
  // Gives a straggling duplicate (a re-read batch, a redelivered job) time to show itself before counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** Every planned mail is exactly one message, on the case its thread belongs to, with the reason that put it there. */
async function expectOnTheirCases(prisma: PrismaClient, connectorId: string, mails: PlannedMail[]): Promise<void> {
  const items = await prisma.intakeItem.findMany({
    where: { connectorId },
    select: { externalId: true, status: true },
  });
  expect(items.map((item) => item.externalId).sort()).toStrictEqual(mails.map((mail) => `<${mail.id}>`).sort());
  expect(items.filter((item) => item.status !== "processed")).toStrictEqual([]);

  const messages = await prisma.message.findMany({
    select: { id: true, externalId: true, caseId: true, idempotencyKey: true, intakeItemId: true },
  });
  expect(messages.map((message) => message.idempotencyKey).sort()).toStrictEqual(
    mails.map((mail) => inboundMessageKey(connectorId, mail.id)).sort(),
  );
  expect(new Set(messages.map((message) => message.intakeItemId)).size).toBe(mails.length);

  const events = await prisma.caseEvent.findMany({
    where: { type: { in: ["created", "message_added"] } },
    select: { caseId: true, type: true, reason: true, data: true },
    orderBy: { id: "asc" },
  });
  const added = events.filter((event) => event.type === "message_added");
  const reasonOf = new Map(added.map((event) => [(event.data as { messageId?: string }).messageId, event.reason]));
  // Exactly one message_added event per message.
  expect(added).toHaveLength(mails.length);
  expect(reasonOf.size).toBe(mails.length);

  // Each case named by the complaint that opened it; each mail must be on the case of its thread's complaint.
  const externalIdOf = new Map(messages.map((message) => [message.id, message.externalId]));
  const openerOf = new Map(
    messages
      .filter((message) => reasonOf.get(message.id) === "first message of the case")
      .map((message) => [message.caseId, message.externalId]),
  );
  const byExternalId = new Map(messages.map((message) => [message.externalId, message]));
  const actual = mails.map((mail) => {
    const message = byExternalId.get(mail.id);
    return {
      mail: mail.id,
      case: message ? (openerOf.get(message.caseId) ?? `case without an opener (${message.caseId})`) : "no message",
      reason: message ? reasonLabel(reasonOf.get(message.id) ?? "no event", mail) : "no message",
    };
  });
  const expected = mails.map((mail) => ({ mail: mail.id, case: mail.root, reason: expectedReason(mail) }));
  expect(actual).toStrictEqual(expected);

  const complaints = mails.filter((mail) => mail.kind === "complaint");
  expect(await prisma.case.count()).toBe(complaints.length);
  const created = events.filter((event) => event.type === "created");
  expect(created.map((event) => event.reason)).toStrictEqual(complaints.map(() => "no open case matched the message"));
  expect(new Set(created.map((event) => event.caseId)).size).toBe(complaints.length);
  expect(externalIdOf.size).toBe(mails.length);
}

function expectedReason(mail: PlannedMail): string {
  switch (mail.kind) {
    case "complaint":
      return "first message of the case";
    case "reply":
      return "thread: in-reply-to (an id of its own thread)";
    case "case-tag":
      return `thread: case-tag ${mail.caseTag ?? ""} (subject)`;
  }
}

/**
 * A reply's reason names the id that matched: its In-Reply-To, or (when the parent is not yet on a case but an
 * older mail of the thread is) one of its References. Either is right; an id from elsewhere is not.
 */
function reasonLabel(reason: string, mail: PlannedMail): string {
  const prefix = "thread: in-reply-to ";
  if (!reason.startsWith(prefix)) return reason;
  const evidence = reason.slice(prefix.length);
  const own = [mail.inReplyTo, ...mail.references].includes(evidence);
  return own ? `${prefix}(an id of its own thread)` : reason;
}

async function cursorOf(prisma: PrismaClient, connectorId: string): Promise<{ uidValidity: string; lastUid: number }> {
  const row = await prisma.connectorCursor.findFirstOrThrow({ where: { connectorId } });
  return row.value as { uidValidity: string; lastUid: number };
}

/** Intake items and cursor of the connector, read while no hub runs. */
async function whileStopped(url: string, connectorId: string): Promise<{ items: number; cursor: unknown }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const items = await client.query<{ count: string }>(
      "SELECT count(*) AS count FROM intake_items WHERE connector_id = $1",
      [connectorId],
    );
    const cursor = await client.query<{ value: unknown }>(
      "SELECT value FROM connector_cursors WHERE connector_id = $1",
      [connectorId],
    );
    return { items: Number(items.rows[0]?.count), cursor: cursor.rows[0]?.value ?? null };
  } finally {
    await client.end();
  }
}

async function resetSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  await client.end();
}
