import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfigOrThrow } from "../../core/hub";
import type { PlaintConfig } from "../../core/config/config.schema";
import { dovecot, withImap, type DovecotServer } from "./dovecot";
import { testConfigYaml, webhookSecret } from "./test-hub";

/** One mail of a planned conversation, and the case it must end on. */
export interface PlannedMail {
  /** Message-ID without angle brackets. */
  id: string;
  kind: "complaint" | "reply" | "case-tag";
  customer: number;
  /** Message-ID of the complaint whose case this mail belongs on (its own for a complaint). */
  root: string;
  /** In-Reply-To, for a reply. */
  inReplyTo?: string;
  /** References, for a reply: the parent's references, then the parent. */
  references: string[];
  /** `C-<n>` in the subject, for a case-tag mail. */
  caseTag?: string;
  /** The RFC 822 source. */
  raw: string;
}

/**
 * Builds conversations of several customers writing to support: complaints, replies (In-Reply-To and References
 * to the previous mail of the thread, from the same customer) and mails that quote only a case tag. Each mail has a
 * Date one minute after the previous one, so "the most recent parent" is always the mail's own In-Reply-To.
 */
export class MailThreads {
  private sequence = 0;
  private readonly last = new Map<string, PlannedMail>();

  /** @param tag makes Message-IDs and addresses unique to one test. */
  constructor(private readonly tag: string) {}

  complaint(customer: number): PlannedMail {
    const id = this.nextId("complaint");
    const mail = this.mail({ id, kind: "complaint", customer, root: id, references: [] }, `Complaint ${id}`, {});
    this.last.set(id, mail);
    return mail;
  }

  /** A reply by the same customer to `parent` (a complaint or an earlier reply). */
  reply(parent: PlannedMail): PlannedMail {
    const id = this.nextId("reply");
    const references = [...parent.references, parent.id];
    const mail = this.mail(
      { id, kind: "reply", customer: parent.customer, root: parent.root, inReplyTo: parent.id, references },
      `Re: Complaint ${parent.root}`,
      { "In-Reply-To": `<${parent.id}>`, References: references.map((ref) => `<${ref}>`).join(" ") },
    );
    this.last.set(parent.root, mail);
    return mail;
  }

  /** A reply to the latest mail so far of the thread `complaint` started. */
  replyToThread(complaint: PlannedMail): PlannedMail {
    return this.reply(this.last.get(complaint.root) ?? complaint);
  }

  /** A new mail by the complaint's customer with no thread headers, naming the case in its subject. */
  caseTagged(complaint: PlannedMail, caseNumber: number): PlannedMail {
    const id = this.nextId("tagged");
    const caseTag = `C-${caseNumber}`;
    return this.mail(
      { id, kind: "case-tag", customer: complaint.customer, root: complaint.root, references: [], caseTag },
      `Still waiting [#${caseTag}]`,
      {},
    );
  }

  private nextId(kind: string): string {
    return `${kind}-${++this.sequence}.${this.tag}@customers.example`;
  }

  private mail(planned: Omit<PlannedMail, "raw">, subject: string, threadHeaders: Record<string, string>): PlannedMail {
    const date = new Date(Date.UTC(2026, 10, 1) + this.sequence * 60_000);
    const headers: Record<string, string> = {
      From: `Customer ${planned.customer} <customer-${planned.customer}.${this.tag}@customers.example>`,
      To: "support@example.com",
      Subject: subject,
      "Message-ID": `<${planned.id}>`,
      ...threadHeaders,
      Date: date.toUTCString(),
      "MIME-Version": "1.0",
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Transfer-Encoding": "8bit",
    };
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    const body = `Hello, about my order: it is still not right (${planned.kind} ${this.sequence}). Grüße`;
    return { ...planned, raw: [...lines, "", body, ""].join("\r\n") };
  }
}

/** Appends the mails to `folder` in order (so their UIDs follow the list), on one connection. */
export async function appendPlanned(
  folder: string,
  mails: readonly PlannedMail[],
  server: DovecotServer = dovecot,
): Promise<void> {
  await withImap(async (client) => {
    for (const mail of mails) {
      const appended = await client.append(folder, mail.raw);
      if (!appended) throw new Error(`APPEND to ${folder} failed`);
    }
  }, server);
}

/**
 * Writes a hub config (the test config plus one email connector reading `folder` of the test Dovecot) to a fresh
 * folder and loads it through the real loader.
 */
export function writeMailHubConfig(
  connectorId: string,
  folder: string,
  server: DovecotServer = dovecot,
): { configPath: string; config: PlaintConfig; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "plaint-mail-"));
  const configPath = path.join(dir, "plaint.yaml");
  writeFileSync(
    configPath,
    `${testConfigYaml()}
  - id: ${connectorId}
    type: email
    address: support@example.com
    imap: { host: ${server.host}, port: ${server.port}, tls: false, user: ${server.user}, secret: ${server.password}, folder: ${folder} }
# The planned complaints share one templated body, so matching by content would (rightly) put a customer's
# complaints on one case; these tests check the thread rules alone.
cases: { matching: { enabled: false } }
`,
  );
  return { configPath, config: loadConfigOrThrow(configPath, { TEST_WEBHOOK_SECRET: webhookSecret }), dir };
}
