import { createHash } from "node:crypto";
import { ImapFlow, type FetchMessageObject } from "imapflow";
import type { Database } from "../../../core/kernel/db/database";
import type { Logger } from "../../../core/kernel/logger";
import type { JobQueue } from "../../../core/queue/job-queue";
import { readConnectorCursor, saveConnectorCursor, type CursorKey } from "../../../core/store/connector-cursors.store";
import {
  recordIntake,
  type IntakeWriter,
  type NewIntakeItem,
  type RecordedIntake,
} from "../../../core/store/intake.store";
import type { ImapMailboxConfig } from "./email.schema";

/** Where the intake is in a mailbox: stored in connector_cursors under (connectorId, folder). */
export interface ImapCursor {
  /** UIDVALIDITY of the folder the UIDs belong to, as a decimal string (it is a 32-bit unsigned number). */
  uidValidity: string;
  /** Highest UID whose mail the intake log has (and whose after-intake action ran). */
  lastUid: number;
}

/** Options of {@link ImapIntake}. */
export interface ImapIntakeOptions {
  /** The connector id: the intake log's `connector_id` and the cursor's `connector_id`. */
  connectorId: string;
  mailbox: ImapMailboxConfig;
  database: Database;
  queue: Pick<JobQueue, "enqueue">;
  logger: Logger;
  /**
   * Mails fetched (and held in memory) per round trip and recorded per transaction; the cursor advances after each
   * batch. Default: the mailbox's `batchSize`, else 100.
   */
  batchSize?: number;
  /** First reconnect delay; doubled per failed attempt up to `reconnectMaxMs`. Default 1000. */
  reconnectMinMs?: number;
  /** Cap of the reconnect delay. Default 60 000. */
  reconnectMaxMs?: number;
  /** TCP/TLS connect and greeting budget per attempt. Default 15 000. */
  connectTimeoutMs?: number;
}

/** What one {@link ImapIntake} has done since it was created, for logs and tests. */
export interface ImapIntakeStats {
  /** Mails written to the intake log as new items. */
  created: number;
  /** Mails the log already had (re-reads after a crash, a reconnect or a UIDVALIDITY change). */
  duplicates: number;
  /** Successful connections (the first one included). */
  connections: number;
}

/**
 * A batch costs a few fixed round trips (FETCH, STORE, the transaction's commit, the cursor's upsert) whatever its
 * size: at 25, a 10,000-mail backlog spent more time on them than on the mails (see bench/README.md, email bench).
 */
const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_RECONNECT_MIN_MS = 1_000;
const DEFAULT_RECONNECT_MAX_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** A backfill larger than this logs its progress. */
const PROGRESS_THRESHOLD = 500;
const PROGRESS_EVERY_MS = 5_000;
/** With IDLE, the connection still re-syncs this often, in case a notification was missed. */
const IDLE_RESYNC_MS = 5 * 60_000;
/** IDLE is ended and restarted this often, below imapflow's 5-minute socket timeout and servers' 30-minute limit. */
const IDLE_RESTART_MS = 4 * 60_000;
/** Message-IDs longer than this are stored as a hash (the external id is an index key). */
const MAX_EXTERNAL_ID_LENGTH = 512;

/**
 * Reads one IMAP folder into the intake log: new mails (UID above the stored cursor) are recorded once each,
 * enqueued, then marked seen / moved / left, and only then is the cursor advanced. Waits for new mail with IDLE
 * when the server has it, polls every `pollSeconds` otherwise, and reconnects with exponential backoff.
 *
 * One instance per mailbox; instances are independent and may run side by side. All state that must survive a
 * restart is in the database (cursor in connector_cursors, items in intake_items).
 */
export class ImapIntake {
  private readonly options: Required<Omit<ImapIntakeOptions, "logger">>;
  private readonly log: Logger;
  private running: Promise<void> | null = null;
  private stopping = false;
  private client: ImapFlow | null = null;
  /** While connecting, stop() drops the socket; otherwise it lets the current step finish and logs out. */
  private connecting = false;
  private wakeUp: ((byStop: boolean) => void) | null = null;
  private pendingWake = false;
  private readonly counters: ImapIntakeStats = { created: 0, duplicates: 0, connections: 0 };

  constructor(options: ImapIntakeOptions) {
    if (options.mailbox.afterIntake === "move" && !options.mailbox.moveTo) {
      throw new Error(`connector ${options.connectorId}: imap.afterIntake "move" needs imap.moveTo`);
    }
    this.options = {
      reconnectMinMs: DEFAULT_RECONNECT_MIN_MS,
      reconnectMaxMs: DEFAULT_RECONNECT_MAX_MS,
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      ...options,
      batchSize: options.batchSize ?? options.mailbox.batchSize ?? DEFAULT_BATCH_SIZE,
    };
    this.log = options.logger.child({
      component: "imap-intake",
      connectorId: options.connectorId,
      folder: options.mailbox.folder,
    });
  }

  /** Counters since this instance was created. */
  get stats(): ImapIntakeStats {
    return { ...this.counters };
  }

  /** Starts reading in the background; returns at once. Calling it while running does nothing. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop().catch((error: unknown) => {
      this.log.error({ err: error }, "imap intake stopped on an unexpected error");
    });
  }

  /** Stops: lets the batch in flight finish (recorded and cursor saved), logs out, resolves when all is closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    // A connect attempt may hang for its whole timeout: drop it. A batch in flight finishes; a wait ends now.
    if (this.connecting) this.client?.close();
    this.wakeUp?.(true);
    const running = this.running;
    if (running) await running;
    this.running = null;
  }

  /** Reads the stored cursor of this connector's folder, null before the first mail was taken. */
  async readCursor(): Promise<ImapCursor | null> {
    return parseCursor(await readConnectorCursor(this.options.database.prisma, this.cursorKey()));
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.session(() => (failures = 0));
      } catch (error) {
        if (this.stopping) break;
        failures++;
        this.log.warn({ error: errorSummary(error), failures }, "imap connection failed; reconnecting");
      }
      if (this.stopping) break;
      const delay = reconnectDelay(this.options.reconnectMinMs, this.options.reconnectMaxMs, failures);
      this.log.debug({ delay, failures }, "imap reconnecting after a pause");
      await this.sleep(delay, false);
    }
  }

  /** One connection: connect, sync, wait for news, sync … until the server drops it or stop() is called. */
  private async session(connected: () => void): Promise<void> {
    const { mailbox } = this.options;
    const client = new ImapFlow({
      host: mailbox.host,
      port: mailbox.port,
      secure: mailbox.tls,
      auth: { user: mailbox.user, pass: mailbox.secret },
      logger: false,
      connectionTimeout: this.options.connectTimeoutMs,
      greetingTimeout: this.options.connectTimeoutMs,
      // IDLE starts by itself once the connection has been quiet this long; any command ends it.
      autoIdleDelay: 500,
      maxIdleTime: IDLE_RESTART_MS,
    });
    this.client = client;
    let closed = false;
    client.on("error", (error: Error) => this.log.warn({ error: errorSummary(error) }, "imap connection error"));
    client.on("close", () => {
      closed = true;
      this.wake();
    });
    client.on("exists", (event) => {
      this.log.debug({ count: event.count, prevCount: event.prevCount }, "imap mailbox changed");
      this.wake();
    });
    try {
      this.connecting = true;
      try {
        await client.connect();
        await client.mailboxOpen(mailbox.folder);
      } finally {
        this.connecting = false;
      }
      if (this.stopping) return;
      this.counters.connections++;
      const idle = client.capabilities.has("IDLE");
      this.log.info({ idle, uidValidity: String(mailboxOf(client).uidValidity) }, "imap mailbox open");
      connected();
      while (!this.stopping && !closed) {
        this.pendingWake = false;
        await this.sync(client);
        if (this.stopping || closed) break;
        await this.waitForNews(idle ? IDLE_RESYNC_MS : mailbox.pollSeconds * 1000);
      }
      if (closed && !this.stopping) throw new Error("connection closed by the server");
    } finally {
      this.client = null;
      await closeClient(client);
    }
  }

  /** Takes every mail above the cursor, in batches. */
  private async sync(client: ImapFlow): Promise<void> {
    const { mailbox } = this.options;
    const uidValidity = String(mailboxOf(client).uidValidity);
    const cursor = await this.readCursor();
    let lastUid = 0;
    if (cursor && cursor.uidValidity === uidValidity) lastUid = cursor.lastUid;
    else if (cursor) {
      this.log.warn(
        { storedUidValidity: cursor.uidValidity, uidValidity },
        "imap UIDVALIDITY changed; rescanning the folder (the intake log drops mails it already has)",
      );
    }
    // From scratch (first connection, or a new UIDVALIDITY): `since` bounds the backfill.
    const since = lastUid === 0 && mailbox.since ? new Date(`${mailbox.since}T00:00:00Z`) : undefined;
    const found = await client.search({ uid: `${lastUid + 1}:*`, ...(since ? { since } : {}) }, { uid: true });
    if (found === false || found === undefined) throw new Error("the server refused the UID SEARCH");
    // `n:*` always matches the highest UID, even below n: keep only the new ones.
    const uids = found.filter((uid) => uid > lastUid).sort((a, b) => a - b);
    if (uids.length === 0) {
      // Nothing new, but remember the UIDVALIDITY so that a later change is recognised as one.
      if (!cursor || cursor.uidValidity !== uidValidity) await this.saveCursor({ uidValidity, lastUid });
      return;
    }
    const progress = new Progress(this.log, uids.length);
    for (let start = 0; start < uids.length && !this.stopping; start += this.options.batchSize) {
      const batch = uids.slice(start, start + this.options.batchSize);
      await this.takeBatch(client, uidValidity, batch);
      progress.advance(batch.length);
    }
    progress.finish();
  }

  /** Records the batch, enqueues new items, applies afterIntake, then advances the cursor past the batch. */
  private async takeBatch(client: ImapFlow, uidValidity: string, uids: number[]): Promise<void> {
    const { database, queue } = this.options;
    const messages = await client.fetchAll(
      uids,
      { uid: true, source: true, envelope: true, internalDate: true },
      { uid: true },
    );
    messages.sort((a, b) => a.uid - b.uid);
    // PostgreSQL: one transaction per batch, one commit (one WAL flush) instead of one per mail; with a commit and
    // an awaited enqueue per mail a backlog crawled at a few dozen mails a second. The unique index still decides
    // what is new; a failure records none of the batch, and the cursor has not moved, so the batch is read again.
    // Embedded: one statement at a time, since a transaction would hold PGlite's only connection for the whole
    // batch, and the HTTP edge and the workers with it.
    const record = async (db: IntakeWriter) => {
      const rows: RecordedIntake[] = [];
      for (const message of messages) rows.push(await recordIntake(db, this.intakeItem(message, uidValidity)));
      return rows;
    };
    const recorded = database.mode === "postgres" ? await database.transaction(record) : await record(database);
    for (const row of recorded) {
      if (row.created) this.counters.created++;
      else this.counters.duplicates++;
    }
    // After the commit, so no worker looks for an item it cannot see yet; all at once, so the queue gathers them into
    // one round trip (BullMQ addBulk), in UID order. A re-read item still `received` may have missed its enqueue (the queue failed, the
    // process died): it is enqueued again; the queue runs an id once while it waits, the worker skips finished items.
    await Promise.all(
      recorded.filter((row) => row.created || row.status === "received").map((row) => queue.enqueue(row.id)),
    );
    const taken = messages.map((message) => message.uid);
    // UIDs the server no longer has (expunged between SEARCH and FETCH) are simply passed over.
    if (taken.length > 0) await this.afterIntake(client, taken);
    const lastUid = uids[uids.length - 1];
    if (lastUid !== undefined) await this.saveCursor({ uidValidity, lastUid });
  }

  /** A fetched mail as the intake log stores it: the exact source, base64-encoded, keyed by its Message-ID. */
  private intakeItem(message: FetchMessageObject, uidValidity: string): NewIntakeItem {
    const { connectorId, mailbox } = this.options;
    if (!message.source) throw new Error(`the server sent no source for UID ${message.uid}`);
    const messageId = message.envelope?.messageId?.trim() || undefined;
    return {
      connectorId,
      channel: "email",
      externalId: externalIdOf(messageId, uidValidity, message.uid),
      rawBody: message.source.toString("base64"),
      meta: {
        encoding: "base64",
        uid: message.uid,
        uidValidity,
        folder: mailbox.folder,
        ...(messageId ? { messageId } : {}),
        ...internalDateMeta(message),
      },
      receivedAt: new Date(),
    };
  }

  private async afterIntake(client: ImapFlow, uids: number[]): Promise<void> {
    const { mailbox } = this.options;
    switch (mailbox.afterIntake) {
      case "mark-seen":
        await client.messageFlagsAdd(uids, ["\\Seen"], { uid: true });
        return;
      case "move": {
        if (!mailbox.moveTo) throw new Error('afterIntake "move" needs imap.moveTo');
        const moved = await client.messageMove(uids, mailbox.moveTo, { uid: true });
        if (moved === false) throw new Error(`the server refused to move mails to ${mailbox.moveTo}`);
        return;
      }
      case "leave":
        return;
    }
  }

  private async saveCursor(cursor: ImapCursor): Promise<void> {
    const value = { uidValidity: cursor.uidValidity, lastUid: cursor.lastUid };
    await saveConnectorCursor(this.options.database.prisma, this.cursorKey(), value);
  }

  /** The cursor's address: this connector, scoped to its folder. */
  private cursorKey(): CursorKey {
    return { connectorId: this.options.connectorId, scope: this.options.mailbox.folder };
  }

  /** Resolves on new mail (EXISTS), a closed connection, stop(), or after `ms`. */
  private waitForNews(ms: number): Promise<void> {
    if (this.pendingWake) return Promise.resolve();
    return this.sleep(ms, true);
  }

  /** Waits `ms`; stop() always ends the wait early, {@link wake} only when `wakeable`. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = (byStop) => {
        if (!byStop && !wakeable) return;
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wakeUp = null;
      this.pendingWake = false;
    });
  }

  /** New mail or a closed connection: the session loop looks again. */
  private wake(): void {
    this.pendingWake = true;
    this.wakeUp?.(false);
  }
}

/** Closes a client: LOGOUT when it still answers, the socket otherwise. Never throws. */
async function closeClient(client: ImapFlow): Promise<void> {
  if (client.usable) {
    try {
      await client.logout();
      return;
    } catch {
      // fall through: close the socket
    }
  }
  try {
    client.close();
  } catch {
    // already closed
  }
}

function mailboxOf(client: ImapFlow): Exclude<ImapFlow["mailbox"], false> {
  if (!client.mailbox) throw new Error("no mailbox selected");
  return client.mailbox;
}

/** The intake log's key for a mail: its Message-ID, or its place in the folder when it has none. */
export function externalIdOf(messageId: string | undefined, uidValidity: string, uid: number): string {
  if (!messageId) return `uid:${uidValidity}:${uid}`;
  if (messageId.length <= MAX_EXTERNAL_ID_LENGTH) return messageId;
  return `message-id-sha256:${createHash("sha256").update(messageId).digest("hex")}`;
}

function internalDateMeta(message: FetchMessageObject): { internalDate?: string } {
  const date = message.internalDate;
  if (date === undefined) return {};
  return { internalDate: date instanceof Date ? date.toISOString() : date };
}

function parseCursor(value: unknown): ImapCursor | null {
  if (typeof value !== "object" || value === null) return null;
  const { uidValidity, lastUid } = value as Record<string, unknown>;
  if (typeof uidValidity !== "string" || typeof lastUid !== "number") return null;
  return { uidValidity, lastUid };
}

/** Delay before reconnect attempt `failures` (0 after a connection that worked): min × 2^(n-1), capped, ±20 %. */
export function reconnectDelay(minMs: number, maxMs: number, failures: number): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Message, code and the server's answer (imapflow puts it in `responseText`) — never the credentials. */
function errorSummary(error: unknown): { message: string; code?: string; response?: string } {
  if (error instanceof Error) {
    const { code, responseText } = error as { code?: unknown; responseText?: unknown };
    return {
      message: error.message,
      ...(typeof code === "string" ? { code } : {}),
      ...(typeof responseText === "string" ? { response: responseText } : {}),
    };
  }
  return { message: String(error) };
}

/** Logs a large backfill's progress: count, total and rate, at most every few seconds. */
class Progress {
  private done = 0;
  private readonly startedAt = Date.now();
  private loggedAt = Date.now();

  constructor(
    private readonly log: Logger,
    private readonly total: number,
  ) {}

  advance(count: number): void {
    this.done += count;
    if (this.total < PROGRESS_THRESHOLD || Date.now() - this.loggedAt < PROGRESS_EVERY_MS) return;
    this.loggedAt = Date.now();
    this.log.info({ done: this.done, total: this.total, perSecond: this.rate() }, "imap backfill progress");
  }

  finish(): void {
    const level = this.total >= PROGRESS_THRESHOLD ? "info" : "debug";
    this.log[level](
      { done: this.done, total: this.total, perSecond: this.rate(), ms: Date.now() - this.startedAt },
      "imap mails taken",
    );
  }

  private rate(): number {
    const seconds = (Date.now() - this.startedAt) / 1000;
    return seconds > 0 ? Math.round(this.done / seconds) : this.done;
  }
}
