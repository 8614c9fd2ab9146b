import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { loadConfigOrThrow } from "../../core/hub";
import { startHub, type Hub } from "../../core/hub";
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { createFolder, dovecot, ensureDovecot, withImap } from "../support/dovecot";
import { adminKey, eventually, testConfigYaml, testEnv, webhookSecret } from "../support/test-hub";

/**
 * Mail end to end on the embedded hub: a real Dovecot mailbox → IMAP intake → intake log → worker → cases.
 * A reply joins its case by In-Reply-To, a bounce joins the case of the mail it returns, and an out-of-office
 * mail with nothing to join opens no case.
 */
describe("email through the hub", () => {
  let hub: Hub | null = null;
  const folder = `pipeline-${randomUUID().slice(0, 8)}`;
  const cleanups: Array<() => Promise<void>> = [];

  afterAll(async () => {
    await hub?.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A hub on a fresh data folder whose config adds the `support-mail` mailbox reading `folder`. */
  async function startEmailHub(folder: string, extraYaml = ""): Promise<Hub> {
    const dir = mkdtempSync(path.join(tmpdir(), "plaint-email-"));
    const configPath = path.join(dir, "plaint.yaml");
    writeFileSync(
      configPath,
      `${testConfigYaml()}
  - id: support-mail
    type: email
    address: support@example.com
    imap: { host: ${dovecot.host}, port: ${dovecot.port}, tls: false, user: ${dovecot.user}, secret: ${dovecot.password}, folder: ${folder} }
${extraYaml}`,
    );
    const config = loadConfigOrThrow(configPath, { TEST_WEBHOOK_SECRET: webhookSecret });
    return startHub({ env: testEnv({ dataDir: path.join(dir, "data"), configPath }), config, role: "all" });
  }

  /** A real SMTP server on loopback that keeps every mail it is sent, parsed; closed after the file. */
  async function startSmtpListener(): Promise<{ received: ParsedMail[]; port: number }> {
    const received: ParsedMail[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((parsed) => received.push(parsed))
          .then(() => callback(), callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
    return { received, port: (smtp.server.address() as AddressInfo).port };
  }

  function mail(headers: Record<string, string>, body: string): string {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    return [...lines, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""].join("\r\n");
  }

  it("opens a case, threads the reply and the bounce into it, and keeps the auto-reply out", async () => {
    if (!(await ensureDovecot())) return;
    await createFolder(folder);
    hub = await startEmailHub(folder);

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
        "Any news? It was paid with card 4111 1111 1111 1111.\r\n\r\nOn Wed, 25 Nov 2026 at 10:00, Ana Silva wrote:\r\n> My kettle arrived broken.",
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
      "Any news? It was paid with card [redacted card ending 1111].",
    ]);
    // The intake log keeps mail base64-encoded: the card is masked inside the decoded mail, which is rebuilt.
    const replyItem = await prisma.intakeItem.findUniqueOrThrow({ where: { id: messages[1]?.intakeItemId ?? "" } });
    const storedMail = Buffer.from(replyItem.rawBody, "base64").toString("utf8");
    expect(storedMail).not.toContain("4111 1111");
    expect(storedMail).toContain("[redacted card ending 1111]");
    expect(new Set(messages.map((message) => message.caseId)).size).toBe(1);
    expect(await prisma.case.count()).toBe(1);
    expect(await prisma.intakeItem.count({ where: { status: "ignored" } })).toBe(1);

    const events = await prisma.caseEvent.findMany({ where: { caseId: messages[0]?.caseId }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.reason)).toContain(`thread: in-reply-to ${first.slice(1, -1)}`);
  });

  it("round trip: a reply goes out threaded and tagged, and the customer's answers come back to the case", async () => {
    if (!(await ensureDovecot())) return;
    const roundTripFolder = `roundtrip-${randomUUID().slice(0, 8)}`;
    await createFolder(roundTripFolder);
    const { received, port: smtpPort } = await startSmtpListener();

    const roundTripHub = await startEmailHub(
      roundTripFolder,
      `    displayName: Example Support
    smtp: { host: 127.0.0.1, port: ${smtpPort}, secure: false, signingSecret: round-trip-signing-secret }
    parsing: { messageIdDomain: mail.example.com }
cases:
  subjectMatch: { enabled: true, windowHours: 72 }
`,
    );
    cleanups.push(() => roundTripHub.stop());
    const prisma = roundTripHub.database.prisma;
    const append = (raw: string) => withImap(async (client) => void (await client.append(roundTripFolder, raw)));
    const settled = (count: number) =>
      eventually(
        async () => (await prisma.intakeItem.count({ where: { status: { in: ["processed", "ignored"] } } })) === count,
      );

    const original = `<order-${randomUUID()}@customer.example>`;
    await append(
      mail(
        {
          From: "Ana <ana@customer.example>",
          To: "support@example.com",
          Subject: "Refund missing",
          "Message-ID": original,
        },
        "Where is my refund?",
      ),
    );
    await settled(1);
    const kase = await prisma.case.findFirstOrThrow();

    const posted = await fetch(`http://127.0.0.1:${roundTripHub.port}/v1/cases/C-${kase.number}/messages`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${adminKey}`,
        "content-type": "application/json",
        "idempotency-key": "reply-1",
      },
      body: JSON.stringify({ text: "We have sent it today." }),
    });
    expect(posted.status).toBe(202);
    const sent = await eventually(async () => received[0] ?? null);
    expect({
      from: sent.from?.text,
      to: sent.to && !Array.isArray(sent.to) ? sent.to.text : null,
      subject: sent.subject,
      inReplyTo: sent.inReplyTo,
      replyTo: sent.replyTo?.value[0]?.address?.startsWith(`support+c${kase.number}.`),
      autoSubmitted: sent.headers.get("auto-submitted") ?? null,
      text: sent.text?.trim(),
    }).toStrictEqual({
      from: '"Example Support" <support@example.com>',
      to: '"Ana" <ana@customer.example>',
      subject: `Re: Refund missing [#C-${kase.number}]`,
      inReplyTo: original,
      replyTo: true,
      autoSubmitted: null,
      text: "We have sent it today.",
    });
    expect(sent.messageId).toMatch(/@mail\.example\.com>$/);

    // The customer answers the reply (In-Reply-To our Message-ID), then writes again quoting only the case tag.
    await append(
      mail(
        {
          From: "Ana <ana@customer.example>",
          To: "support@example.com",
          Subject: "Re: Refund",
          "Message-ID": `<a1-${randomUUID()}@customer.example>`,
          "In-Reply-To": sent.messageId ?? "",
        },
        "Thanks!",
      ),
    );
    await append(
      mail(
        {
          From: "Ana <ana@customer.example>",
          To: "support@example.com",
          Subject: `Still nothing [#C-${kase.number}]`,
          "Message-ID": `<a2-${randomUUID()}@customer.example>`,
        },
        "It has not arrived.",
      ),
    );
    // Then through each remaining rule: only our per-case Reply-To address, only the customer's own earlier
    // Message-ID, and only the same subject.
    const replyAddress = sent.replyTo?.value[0]?.address ?? "";
    await append(
      mail(
        {
          From: "Ana <ana@customer.example>",
          To: replyAddress,
          Subject: "New topic",
          "Message-ID": `<a3-${randomUUID()}@c>`,
        },
        "Sent to the case address.",
      ),
    );
    await append(
      mail(
        {
          From: "Ana <ana@customer.example>",
          To: "support@example.com",
          Subject: "Another thing",
          "Message-ID": `<a4-${randomUUID()}@customer.example>`,
          "In-Reply-To": original,
        },
        "Replying to my first mail.",
      ),
    );
    await append(
      mail(
        {
          From: "Ana <ana@customer.example>",
          To: "support@example.com",
          Subject: "AW: Refund missing",
          "Message-ID": `<a5-${randomUUID()}@customer.example>`,
        },
        "Same subject, no thread headers.",
      ),
    );
    await settled(6);
    expect(await prisma.case.count()).toBe(1);
    const events = await prisma.caseEvent.findMany({ where: { caseId: kase.id }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.type)).toStrictEqual([
      "created",
      "classified",
      "prioritized",
      "routed",
      "message_added",
      "reply_queued",
      "reply_sent",
      ...Array<string>(5).fill("message_added"),
    ]);
    // Each later mail names the rule that found the case: our signed Message-ID, the tag in the subject, our signed
    // reply address, the customer's own Message-ID, the subject.
    expect(events.slice(-5).map((event) => event.reason)).toStrictEqual([
      `thread: case-tag C-${kase.number} (message-id)`,
      `thread: case-tag C-${kase.number} (subject)`,
      `thread: case-tag C-${kase.number} (reply-address)`,
      `thread: in-reply-to ${original.slice(1, -1)}`,
      "thread: subject refund missing",
    ]);
  });

  it("acknowledges a new case automatically, caps automatic mail, and stops mailing an address that bounced", async () => {
    if (!(await ensureDovecot())) return;
    const loopFolder = `loops-${randomUUID().slice(0, 8)}`;
    await createFolder(loopFolder);
    const { received, port: smtpPort } = await startSmtpListener();
    const loopHub = await startEmailHub(
      loopFolder,
      `    smtp: { host: 127.0.0.1, port: ${smtpPort}, secure: false, signingSecret: loop-test-signing-secret }
    acknowledgement: { enabled: true, text: "Hello {name}, this is case {case}." }
    loopProtection: { automaticMailCaps: [{ count: 1, minutes: 60 }], undeliverableDays: 7 }
`,
    );
    cleanups.push(() => loopHub.stop());
    const prisma = loopHub.database.prisma;
    const append = (raw: string) => withImap(async (client) => void (await client.append(loopFolder, raw)));
    const settled = (count: number) =>
      eventually(
        async () => (await prisma.intakeItem.count({ where: { status: { in: ["processed", "ignored"] } } })) === count,
      );
    const complaint = (subject: string) =>
      mail(
        {
          From: "Ana <ana@customer.example>",
          To: "support@example.com",
          Subject: subject,
          "Message-ID": `<${randomUUID()}@c>`,
        },
        "Something is wrong.",
      );

    await append(complaint("Broken kettle"));
    await settled(1);
    const first = await prisma.case.findFirstOrThrow();
    const ack = await eventually(async () => received[0] ?? null);
    expect({
      subject: ack.subject,
      autoSubmitted: ack.headers.get("auto-submitted"),
      text: ack.text?.trim(),
    }).toStrictEqual({
      subject: `Re: Broken kettle [#C-${first.number}]`,
      autoSubmitted: "auto-replied",
      text: `Hello Ana, this is case C-${first.number}.`,
    });

    // A second complaint is a second case, but its acknowledgement is over the cap of one per hour per recipient.
    await append(complaint("Late parcel"));
    await settled(2);
    const refused = await eventually(() =>
      prisma.caseEvent.findFirst({ where: { type: "reply_not_sent", case: { subject: "Late parcel" } } }),
    );
    expect(refused.reason).toBe(
      "automatic mail cap reached: 1 to ana@customer.example in 60 minutes (loopProtection.automaticMailCaps)",
    );

    // The address bounces for good: the agent's reply is held, and the case says why.
    await append(
      [
        "From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>",
        "To: support@example.com",
        "Subject: Undelivered Mail Returned to Sender",
        `Message-ID: <bounce-${randomUUID()}@mx.customer.example>`,
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        "",
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
        "Content-Type: text/rfc822-headers",
        "",
        `Message-ID: ${ack.messageId ?? ""}`,
        "--B--",
        "",
      ].join("\r\n"),
    );
    await settled(3);
    const posted = await fetch(`http://127.0.0.1:${loopHub.port}/v1/cases/C-${first.number}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "We are on it." }),
    });
    expect(posted.status).toBe(202);
    const held = await eventually(() =>
      prisma.caseEvent.findFirst({ where: { type: "reply_not_sent", caseId: first.id } }),
    );
    expect(held.reason).toMatch(/^ana@customer\.example is undeliverable until .* \(permanent bounce 5\.1\.1\)$/);
    expect(received).toHaveLength(1);
  });
});
