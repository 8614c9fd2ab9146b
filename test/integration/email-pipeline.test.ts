import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { loadConfigOrThrow } from "../../core/config/load-config";
import { startHub, type Hub } from "../../core/hub";
import { createFolder, dovecot, ensureDovecot, withImap } from "../support/dovecot";
import { eventually, testConfigYaml, testEnv, webhookSecret } from "../support/test-hub";

/**
 * Mail end to end on the embedded hub: a real Dovecot mailbox → IMAP intake → intake log → worker → cases.
 * A reply joins its case by In-Reply-To, a bounce joins the case of the mail it returns, and an out-of-office
 * mail with nothing to join opens no case.
 */
describe("email through the hub", () => {
  let hub: Hub | null = null;
  const folder = `pipeline-${randomUUID().slice(0, 8)}`;

  afterAll(async () => {
    await hub?.stop();
  });

  function mail(headers: Record<string, string>, body: string): string {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    return [...lines, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""].join("\r\n");
  }

  it("opens a case, threads the reply and the bounce into it, and keeps the auto-reply out", async () => {
    if (!(await ensureDovecot())) return;
    await createFolder(folder);
    const dir = mkdtempSync(path.join(tmpdir(), "plaint-email-"));
    const configPath = path.join(dir, "plaint.yaml");
    writeFileSync(
      configPath,
      `${testConfigYaml()}
  - id: support-mail
    type: email
    address: support@example.com
    imap: { host: ${dovecot.host}, port: ${dovecot.port}, tls: false, user: ${dovecot.user}, secret: ${dovecot.password}, folder: ${folder} }
`,
    );
    const config = loadConfigOrThrow(configPath, { TEST_WEBHOOK_SECRET: webhookSecret });
    hub = await startHub({ env: testEnv({ dataDir: path.join(dir, "data"), configPath }), config, role: "all" });

    const first = `<first-${randomUUID()}@customer.example>`;
    const mails = [
      mail(
        {
          From: "Ana Silva <ana@customer.example>",
          To: "support@example.com",
          Subject: "Broken kettle",
          "Message-ID": first,
          Date: "Wed, 25 Nov 2026 10:00:00 +0000",
        },
        "My kettle arrived broken.",
      ),
      mail(
        {
          From: "Ana Silva <ana@customer.example>",
          To: "support@example.com",
          Subject: "Re: Broken kettle",
          "Message-ID": `<reply-${randomUUID()}@customer.example>`,
          "In-Reply-To": first,
          Date: "Wed, 25 Nov 2026 11:00:00 +0000",
        },
        "Any news?\r\n\r\nOn Wed, 25 Nov 2026 at 10:00, Ana Silva wrote:\r\n> My kettle arrived broken.",
      ),
      mail(
        {
          From: "Bo <bo@customer.example>",
          To: "support@example.com",
          Subject: "Out of office",
          "Auto-Submitted": "auto-replied",
          "Message-ID": `<ooo-${randomUUID()}@customer.example>`,
        },
        "I am away until Monday.",
      ),
    ];
    mails.push(
      [
        "From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>",
        "To: support@example.com",
        "Subject: Undelivered Mail Returned to Sender",
        `Message-ID: <bounce-${randomUUID()}@mx.customer.example>`,
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        "",
        "--B",
        "Content-Type: text/plain",
        "",
        "Your message could not be delivered.",
        "--B",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.customer.example",
        "",
        "Final-Recipient: rfc822; ana@customer.example",
        "Action: failed",
        "Status: 5.1.1",
        "",
        "--B",
        "Content-Type: message/rfc822",
        "",
        `Message-ID: ${first}`,
        "From: Ana Silva <ana@customer.example>",
        "Subject: Broken kettle",
        "",
        "My kettle arrived broken.",
        "--B--",
        "",
      ].join("\r\n"),
    );
    await withImap(async (client) => {
      for (const raw of mails) await client.append(folder, raw);
    });

    const prisma = hub.database.prisma;
    await eventually(
      async () => (await prisma.intakeItem.count({ where: { status: { in: ["processed", "ignored"] } } })) === 4,
    );
    const messages = await prisma.message.findMany({ orderBy: { sentAt: "asc" }, include: { case: true } });
    expect(messages.map((message) => [message.subject, (message.flags as { bounce: boolean }).bounce])).toStrictEqual([
      ["Broken kettle", false],
      ["Re: Broken kettle", false],
      ["Undelivered Mail Returned to Sender", true],
    ]);
    expect(messages.slice(0, 2).map((message) => message.text)).toStrictEqual([
      "My kettle arrived broken.",
      "Any news?",
    ]);
    expect(new Set(messages.map((message) => message.caseId)).size).toBe(1);
    expect(await prisma.case.count()).toBe(1);
    expect(await prisma.intakeItem.count({ where: { status: "ignored" } })).toBe(1);

    const events = await prisma.caseEvent.findMany({ where: { caseId: messages[0]?.caseId }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.reason)).toContain(`thread: in-reply-to ${first.slice(1, -1)}`);
  });
});
