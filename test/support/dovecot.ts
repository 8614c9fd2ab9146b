import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { ImapFlow } from "imapflow";
import type { ImapMailboxConfig } from "../../connectors/channels/email/email.schema";

const run = promisify(execFile);

/** A private test Dovecot that test/support/dovecot-setup.sh starts: its loopback address, account and folder. */
export interface DovecotServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Config, state, mail and log of the instance. */
  dir: string;
}

/**
 * The shared test Dovecot. Every helper below takes another {@link DovecotServer} as its last argument, for a test
 * file that restarts or rebuilds its server and must not pull it from under other test files running in parallel.
 */
export const dovecot = {
  host: "127.0.0.1",
  port: 10143,
  user: "plaint-test",
  password: "plaint-test-password",
  dir: process.env.PLAINT_DOVECOT_DIR ?? "/tmp/plaint-dovecot",
} as const;

const setupScript = path.join(__dirname, "dovecot-setup.sh");

async function setup(action: "start" | "stop" | "restart", server: DovecotServer): Promise<string> {
  const { stdout } = await run("bash", [setupScript, action, server.dir], {
    timeout: 120_000,
    env: { ...process.env, PLAINT_DOVECOT_PORT: String(server.port) },
  });
  return stdout;
}

async function dovecotInstalled(): Promise<boolean> {
  try {
    await run("bash", ["-c", "command -v dovecot"]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the test Dovecot runs (starting it, and installing it when CI=true).
 *
 * @returns false (after one "skipped: …" warning) when Dovecot is not installed on a developer's machine.
 * @throws when it cannot be started and `CI` is "true".
 */
export async function ensureDovecot(server: DovecotServer = dovecot): Promise<boolean> {
  const ci = process.env.CI === "true";
  if (!ci && !(await dovecotInstalled())) {
    console.warn(
      "skipped: Dovecot is not installed (run test/support/dovecot-setup.sh, or apt-get install dovecot-imapd)",
    );
    return false;
  }
  try {
    await setup("start", server);
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (ci) throw new Error(`test Dovecot could not be started (required when CI=true): ${reason}`, { cause: error });
    console.warn(`skipped: test Dovecot could not be started (${reason})`);
    return false;
  }
}

/** Stops and starts the test Dovecot: every open IMAP connection is dropped. */
export async function restartDovecot(server: DovecotServer = dovecot): Promise<void> {
  await setup("restart", server);
}

/** The mailbox config of a connector reading `folder` of the test user. */
export function testMailbox(
  folder: string,
  overrides: Partial<ImapMailboxConfig> = {},
  server: DovecotServer = dovecot,
): ImapMailboxConfig {
  return {
    host: server.host,
    port: server.port,
    tls: false,
    user: server.user,
    secret: server.password,
    folder,
    afterIntake: "mark-seen",
    pollSeconds: 60,
    ...overrides,
  };
}

/** Runs `work` on a fresh connection of the test user, logging out afterwards. */
export async function withImap<T>(work: (client: ImapFlow) => Promise<T>, server: DovecotServer = dovecot): Promise<T> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
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

/** A small RFC 822 mail with this Message-ID (without angle brackets) and an 8-bit UTF-8 body. */
export function testMail(messageId: string, extra = ""): string {
  return [
    `From: Customer <customer@example.com>`,
    `To: support@example.com`,
    `Subject: Complaint ${messageId}`,
    `Message-ID: <${messageId}>`,
    `Date: ${new Date().toUTCString()}`,
    `MIME-Version: 1.0`,
    `Content-Type: text/plain; charset=utf-8`,
    `Content-Transfer-Encoding: 8bit`,
    ``,
    `My order arrived broken. ${extra} Grüße, Zoë`,
    ``,
  ].join("\r\n");
}

/** Creates `folder` when missing (an existing one is kept, with its mails and UIDVALIDITY). */
export async function createFolder(folder: string, server: DovecotServer = dovecot): Promise<void> {
  await withImap(async (client) => {
    await client.mailboxCreate(folder).catch((error: unknown) => {
      // ALREADYEXISTS is fine.
      if (!/exist/i.test(String((error as { responseText?: string }).responseText ?? error))) throw error;
    });
  }, server);
}

/**
 * Appends `count` mails to `folder` with Message-IDs `${prefix}-${first}@plaint.test` …, received at `internalDate`
 * (now by default).
 * @returns the Message-IDs, with angle brackets, as the intake log stores them.
 */
export async function appendMails(
  folder: string,
  prefix: string,
  count: number,
  first = 1,
  internalDate?: Date,
): Promise<string[]> {
  const ids: string[] = [];
  await withImap(async (client) => {
    for (let n = first; n < first + count; n++) {
      const id = `${prefix}-${n}@plaint.test`;
      const appended = await client.append(folder, testMail(id, `(${n})`), [], internalDate);
      if (!appended) throw new Error(`APPEND to ${folder} failed`);
      ids.push(`<${id}>`);
    }
  });
  return ids;
}

/**
 * Gives `folder` a new UIDVALIDITY while keeping its mails: they are copied to a temporary folder, the folder is
 * deleted and recreated (a new UIDVALIDITY), and the mails are appended back, so every one gets a new UID.
 * @returns the old and new UIDVALIDITY.
 */
export async function changeUidValidity(
  folder: string,
  server: DovecotServer = dovecot,
): Promise<{ before: bigint; after: bigint }> {
  return withImap(async (client) => {
    const mails: Buffer[] = [];
    const opened = await client.mailboxOpen(folder);
    const before = opened.uidValidity;
    if (opened.exists > 0) {
      for (const message of await client.fetchAll("1:*", { source: true })) {
        if (message.source) mails.push(message.source);
      }
    }
    await client.mailboxClose();
    await client.mailboxDelete(folder);
    // Dovecot derives UIDVALIDITY from the clock (seconds): make sure the new one differs.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.mailboxCreate(folder);
    for (const mail of mails) await client.append(folder, mail);
    const status = await client.status(folder, { uidValidity: true });
    if (!status || status.uidValidity === undefined) throw new Error(`STATUS ${folder} failed`);
    return { before, after: status.uidValidity };
  }, server);
}

/** Mail count of `folder`, and how many are \Seen. */
export async function folderCounts(folder: string): Promise<{ messages: number; unseen: number }> {
  return withImap(async (client) => {
    const status = await client.status(folder, { messages: true, unseen: true });
    if (!status) throw new Error(`STATUS ${folder} failed`);
    return { messages: status.messages ?? 0, unseen: status.unseen ?? 0 };
  });
}
