import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ImapMailboxConfig } from "../../connectors/channels/email/email.schema";
import { ImapIntake } from "../../connectors/channels/email/imap-intake";
import { openDatabase, type Database } from "../../core/kernel/db/database";
import { createLogger } from "../../core/kernel/logger";
import {
  appendMails,
  changeUidValidity,
  createFolder,
  ensureDovecot,
  folderCounts,
  restartDovecot,
  testMailbox,
} from "../support/dovecot";
import { eventually } from "../support/test-hub";

/** The IMAP intake against a real (private) Dovecot and the embedded database. */
describe("ImapIntake", () => {
  let available = false;
  let database: Database;
  const enqueued: string[] = [];
  /**
   * Slows the intake down (per new item) where a test must catch it mid-backfill: a queue that takes one item at
   * a time, however many the intake hands it at once.
   */
  let enqueueDelayMs = 0;
  let queueBusy: Promise<void> = Promise.resolve();
  const queue = {
    enqueue: (id: string): Promise<void> => {
      enqueued.push(id);
      if (enqueueDelayMs === 0) return Promise.resolve();
      const delay = enqueueDelayMs;
      queueBusy = queueBusy.then(() => new Promise((resolve) => setTimeout(resolve, delay)));
      return queueBusy;
    },
  };
  const logger = createLogger(process.env.LOG_LEVEL ?? "silent");
  const running = new Set<ImapIntake>();

  beforeAll(async () => {
    available = await ensureDovecot();
    if (!available) return;
    database = await openDatabase({ dataDir: mkdtempSync(path.join(tmpdir(), "plaint-imap-")), migrate: true });
  }, 180_000);

  afterEach(async () => {
    enqueueDelayMs = 0;
    await Promise.all([...running].map((intake) => intake.stop()));
    running.clear();
  });

  afterAll(async () => {
    if (database) await database.close();
  });

  /** A fresh folder and connector id per test, so tests share nothing but the server. */
  async function scenario(name: string): Promise<{ folder: string; connectorId: string; prefix: string }> {
    const tag = randomBytes(4).toString("hex");
    const folder = `${name}-${tag}`;
    await createFolder(folder);
    return { folder, connectorId: `imap-${name.toLowerCase()}-${tag}`, prefix: `${name}-${tag}` };
  }

  function startIntake(
    connectorId: string,
    mailbox: ImapMailboxConfig,
    overrides: { batchSize?: number } = {},
  ): ImapIntake {
    const intake = new ImapIntake({
      connectorId,
      mailbox,
      database,
      queue,
      logger,
      reconnectMinMs: 100,
      reconnectMaxMs: 2_000,
      ...overrides,
    });
    running.add(intake);
    intake.start();
    return intake;
  }

  async function stopIntake(intake: ImapIntake): Promise<void> {
    await intake.stop();
    running.delete(intake);
  }

  const itemCount = (connectorId: string) => database.prisma.intakeItem.count({ where: { connectorId } });

  async function externalIds(connectorId: string): Promise<string[]> {
    const rows = await database.prisma.intakeItem.findMany({ where: { connectorId }, select: { externalId: true } });
    return rows.map((row) => row.externalId).sort();
  }

  const reaches = (connectorId: string, count: number, timeoutMs = 60_000) =>
    eventually(async () => (await itemCount(connectorId)) >= count, timeoutMs, 50);

  it("takes 200 appended mails as exactly 200 intake items, stored binary-safe, marked seen", async () => {
    if (!available) return;
    const { folder, connectorId, prefix } = await scenario("Plain");
    const ids = await appendMails(folder, prefix, 200);
    const intake = startIntake(connectorId, testMailbox(folder));
    await reaches(connectorId, 200);
    await stopIntake(intake);

    expect(await externalIds(connectorId)).toEqual([...ids].sort());
    expect(intake.stats).toMatchObject({ created: 200, duplicates: 0 });
    const items = await database.prisma.intakeItem.findMany({ where: { connectorId } });
    // Each new item was enqueued exactly once.
    const mine = new Set(items.map((item) => item.id));
    expect(enqueued.filter((id) => mine.has(id)).sort()).toEqual([...mine].sort());
    const first = items.find((item) => item.externalId === ids[0]);
    expect(first?.meta).toMatchObject({ encoding: "base64", folder, uid: 1 });
    expect(Buffer.from(first?.rawBody ?? "", "base64").toString("utf8")).toContain(`Message-ID: ${ids[0]}`);
    expect(await intake.readCursor()).toMatchObject({ lastUid: 200 });
    expect(await folderCounts(folder)).toEqual({ messages: 200, unseen: 0 });
  });

  it("stopped half-way, a new intake finishes the folder without doubling any mail", async () => {
    if (!available) return;
    const { folder, connectorId, prefix } = await scenario("Halfway");
    const ids = await appendMails(folder, prefix, 200);
    enqueueDelayMs = 5;
    const first = startIntake(connectorId, testMailbox(folder), { batchSize: 10 });
    await reaches(connectorId, 100);
    await stopIntake(first);
    enqueueDelayMs = 0;
    const afterStop = await itemCount(connectorId);
    expect(afterStop).toBeLessThan(200);
    const cursor = await first.readCursor();
    // stop() let the batch in flight finish: the cursor covers every stored mail.
    expect(cursor?.lastUid).toBe(afterStop);

    const second = startIntake(connectorId, testMailbox(folder), { batchSize: 10 });
    await reaches(connectorId, 200);
    await stopIntake(second);
    expect(await externalIds(connectorId)).toEqual([...ids].sort());
    expect(second.stats.created).toBe(200 - afterStop);
    expect(second.stats.duplicates).toBe(0);
  });

  it("survives a server restart mid-backfill and takes new mail after it", async () => {
    if (!available) return;
    const { folder, connectorId, prefix } = await scenario("Restart");
    const ids = await appendMails(folder, prefix, 200);
    enqueueDelayMs = 20; // about 4 s for the 200: the restart lands in the middle
    const intake = startIntake(connectorId, testMailbox(folder), { batchSize: 10 });
    await reaches(connectorId, 50);
    await restartDovecot();
    expect(await itemCount(connectorId)).toBeLessThan(200);
    enqueueDelayMs = 0;
    await reaches(connectorId, 200);
    const later = await appendMails(folder, prefix, 20, 201);
    await reaches(connectorId, 220);
    expect(await externalIds(connectorId)).toEqual([...ids, ...later].sort());
    expect(intake.stats.connections).toBeGreaterThanOrEqual(2);
    expect(intake.stats.created).toBe(220);
  });

  it("rescans after a UIDVALIDITY change without duplicates, then takes new mail", async () => {
    if (!available) return;
    const { folder, connectorId, prefix } = await scenario("Validity");
    const ids = await appendMails(folder, prefix, 30);
    const intake = startIntake(connectorId, testMailbox(folder, { afterIntake: "leave" }));
    await reaches(connectorId, 30);
    const { before, after } = await changeUidValidity(folder);
    expect(after).not.toBe(before);
    // The intake notices the new UIDVALIDITY (on its next sync or reconnect) and rescans: 30 re-reads, dropped.
    await eventually(async () => (await intake.readCursor())?.uidValidity === String(after), 30_000, 50);
    await eventually(async () => intake.stats.duplicates >= 30, 30_000, 50);
    expect(await itemCount(connectorId)).toBe(30);
    const later = await appendMails(folder, prefix, 5, 31);
    await reaches(connectorId, 35);
    expect(await externalIds(connectorId)).toEqual([...ids, ...later].sort());
    expect(await intake.readCursor()).toEqual({ uidValidity: String(after), lastUid: 35 });
  });

  it("backfills only mails received since `since` on the first connection, with 8-bit bodies intact", async () => {
    if (!available) return;
    const { folder, connectorId, prefix } = await scenario("Since");
    await appendMails(folder, prefix, 3, 1, new Date("2020-03-01T12:00:00Z"));
    const recent = await appendMails(folder, prefix, 2, 4);
    const intake = startIntake(connectorId, testMailbox(folder, { since: "2025-01-01", afterIntake: "leave" }));
    await reaches(connectorId, 2);
    const later = await appendMails(folder, prefix, 1, 6, new Date("2020-03-01T12:00:00Z"));
    // After the first connection, the cursor decides: an old internal date no longer matters.
    await reaches(connectorId, 3);
    await stopIntake(intake);
    expect(await externalIds(connectorId)).toEqual([...recent, ...later].sort());
    const item = await database.prisma.intakeItem.findFirstOrThrow({ where: { connectorId, externalId: recent[0] } });
    // testMail writes a UTF-8 body with Content-Transfer-Encoding: 8bit; the stored bytes are the server's bytes.
    expect(Buffer.from(item.rawBody, "base64").toString("utf8")).toContain("Grüße, Zoë");
  });

  it("runs several mailboxes side by side, each with its own cursor", async () => {
    if (!available) return;
    const a = await scenario("SideA");
    const b = await scenario("SideB");
    const [idsA, idsB] = await Promise.all([appendMails(a.folder, a.prefix, 40), appendMails(b.folder, b.prefix, 60)]);
    startIntake(a.connectorId, testMailbox(a.folder));
    startIntake(b.connectorId, testMailbox(b.folder, { afterIntake: "move", moveTo: `${b.folder}-done` }));
    await createFolder(`${b.folder}-done`);
    await Promise.all([reaches(a.connectorId, 40), reaches(b.connectorId, 60)]);
    expect(await externalIds(a.connectorId)).toEqual([...idsA].sort());
    expect(await externalIds(b.connectorId)).toEqual([...idsB].sort());
    await eventually(async () => (await folderCounts(b.folder)).messages === 0, 10_000, 50);
    expect((await folderCounts(`${b.folder}-done`)).messages).toBe(60);
  });
});
