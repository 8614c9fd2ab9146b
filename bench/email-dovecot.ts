/**
 * The private test Dovecot the email bench reads from: started with test/support/dovecot-setup.sh (which the build
 * does not compile, so its few constants are repeated here), one fresh folder per mode, filled over IMAP.
 */
import { execFile } from "node:child_process";
import { chownSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ImapFlow } from "imapflow";

const run = promisify(execFile);

/** Address and account of the instance dovecot-setup.sh writes (plain IMAP on loopback). */
export const benchDovecot = {
  host: "127.0.0.1",
  port: 10143,
  user: "plaint-test",
  password: "plaint-test-password",
  dir: process.env["PLAINT_DOVECOT_DIR"] ?? "/tmp/plaint-dovecot",
} as const;

/** Starts the test Dovecot (installing dovecot-imapd when missing); a no-op when it already answers. */
export async function ensureDovecot(): Promise<void> {
  const script = path.resolve(__dirname, "../../test/support/dovecot-setup.sh");
  try {
    await run("bash", [script, "start", benchDovecot.dir], { timeout: 300_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`the test Dovecot could not be started (${stderr || String(error)})`, { cause: error });
  }
}

/** Runs `work` on a fresh connection of the test user, logging out afterwards. */
export async function withBenchImap<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: benchDovecot.host,
    port: benchDovecot.port,
    secure: false,
    auth: { user: benchDovecot.user, pass: benchDovecot.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export interface FillResult {
  mails: number;
  bytes: number;
  ms: number;
  perSecond: number;
}

/**
 * Creates `folder` and APPENDs the mails in order over one connection, so UIDs follow the order of the set (a reply
 * always gets a higher UID than its parent). imapflow sends one command at a time, but queuing a window of appends
 * without awaiting each keeps the connection busy: Dovecot announces LITERAL+, so each APPEND is one round trip.
 */
export async function fillFolder(folder: string, mails: readonly Buffer[], window = 200): Promise<FillResult> {
  return withBenchImap(async (client) => {
    await client.mailboxCreate(folder);
    const started = performance.now();
    for (let start = 0; start < mails.length; start += window) {
      const appended = await Promise.all(
        mails.slice(start, start + window).map((mail) => client.append(folder, mail, [], new Date())),
      );
      if (appended.some((result) => result === false)) throw new Error(`APPEND to ${folder} was refused`);
    }
    const ms = performance.now() - started;
    return filled(folder, mails, ms, await client.status(folder, { messages: true }));
  });
}

/**
 * Creates `folder` over IMAP, then writes the mails straight into its Maildir `new/` folder, owned like the rest of
 * the mail store. Dovecot sorts new Maildir files by the time in their names when it gives them UIDs, so the names
 * carry increasing (made-up) times: UIDs follow the order of the set. A STATUS at the end makes Dovecot index them
 * now, not during the measurement. (The bench checks the order afterwards, from the UIDs in the intake log.)
 */
export async function fillMaildir(folder: string, mails: readonly Buffer[]): Promise<FillResult> {
  await withBenchImap(async (client) => void (await client.mailboxCreate(folder)));
  const started = performance.now();
  const userDir = path.join(benchDovecot.dir, "mail", benchDovecot.user);
  const newDir = path.join(userDir, `.${folder}`, "new");
  const owner = statSync(userDir);
  const host = hostname().replace(/[/:]/g, "_");
  const firstSecond = Math.floor(Date.now() / 1000) - mails.length;
  mails.forEach((mail, index) => {
    // <seconds>.M<microseconds>P<pid>Q<n>.<host>,S=<size>: the Maildir name Dovecot itself writes.
    const name = `${firstSecond + index}.M${String(index % 1_000_000).padStart(6, "0")}P${process.pid}Q${index}.${host},S=${mail.length}`;
    const file = path.join(newDir, name);
    writeFileSync(file, mail);
    chownSync(file, owner.uid, owner.gid);
  });
  const status = await withBenchImap((client) => client.status(folder, { messages: true }));
  return filled(folder, mails, performance.now() - started, status);
}

/** The fill's figures, once the folder's STATUS shows every mail. */
function filled(
  folder: string,
  mails: readonly Buffer[],
  ms: number,
  status: { messages?: number } | false,
): FillResult {
  if (!status || status.messages !== mails.length)
    throw new Error(
      `${folder} holds ${status ? String(status.messages) : "?"} mails after filling, not ${mails.length}`,
    );
  return {
    mails: mails.length,
    bytes: mails.reduce((sum, mail) => sum + mail.length, 0),
    ms: Math.round(ms),
    perSecond: Math.round(mails.length / (ms / 1000)),
  };
}

/** Counts of `folder`: all mails and those not yet \Seen (the intake marks what it took). */
export async function folderCounts(folder: string): Promise<{ messages: number; unseen: number }> {
  return withBenchImap(async (client) => {
    const status = await client.status(folder, { messages: true, unseen: true });
    if (!status) throw new Error(`STATUS ${folder} failed`);
    return { messages: status.messages ?? 0, unseen: status.unseen ?? 0 };
  });
}

export async function deleteFolder(folder: string): Promise<void> {
  await withBenchImap(async (client) => void (await client.mailboxDelete(folder)));
}
