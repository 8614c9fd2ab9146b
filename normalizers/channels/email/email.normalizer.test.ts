import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { emailParsingSchema, type EmailParsingConfig } from "./email-parsing.schema";
import { noFlags, type CanonicalMessage } from "../../canonical-message";
import { isOwnMail, normalizeEmailMessage } from "./email.normalizer";

const parsing: EmailParsingConfig = emailParsingSchema.parse({
  ownAddresses: ["Support@plaint.example"],
  messageIdDomain: "plaint.example",
  caseTagPattern: "\\[#(C-\\d+)\\]",
  maxAttachmentBytes: 10_485_760,
  maxMessageBytes: 1_048_576,
});
const receivedAt = new Date("2026-03-09T00:00:00Z");

async function normalizeFixture(name: string): Promise<CanonicalMessage> {
  const result = await normalizeEmailMessage(readFileSync(path.join(__dirname, "fixtures", name)), parsing, receivedAt);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value;
}

describe("normalizeEmailMessage", () => {
  it("reads a reply: RFC 2047 sender, recipients, threading headers, case tag, quote and signature removed", async () => {
    expect(await normalizeFixture("reply-with-quote.eml")).toStrictEqual({
      channel: "email",
      externalId: "reply-1@mail.example.com",
      from: { address: "juergen.mueller@example.com", name: "Jürgen Müller" },
      to: [{ address: "support@plaint.example", name: "Plaint Support" }, { address: "billing@plaint.example" }],
      cc: [{ address: "anna@example.org", name: "Anna Berg" }],
      subject: "Re: [#C-1042] Double charge on my invoice",
      text: "Hello,\n\nI was still charged twice this month. Please refund one of them.",
      fullText:
        "Hello,\n\nI was still charged twice this month. Please refund one of them.\n\n-- \nJürgen Müller\nExample GmbH\n\n" +
        "On Mon, Mar 2, 2026 at 4:00 PM Plaint Support <support@plaint.example> wrote:\n" +
        "> Thanks for writing in. We opened case C-1042.\n>\n> Kind regards",
      attachments: [],
      thread: {
        inReplyTo: "case-C-1042.1@plaint.example",
        references: ["orig-1@mail.example.com", "case-C-1042.1@plaint.example"],
        caseTag: "C-1042",
      },
      receivedAt: "2026-03-03T08:15:00.000Z",
      flags: { ...noFlags },
      kind: "message",
    });
  });

  it("decodes a Latin-1 quoted-printable German reply and strips 'Am … schrieb' and the iPhone signature", async () => {
    const fullText =
      "Die Heizung ist immer noch kalt. Bitte schicken Sie einen Techniker vorbei, gerne Montag früh.\n\n" +
      "Von meinem iPhone gesendet\n\nAm 07.03.2026 um 09:12 schrieb Plaint Support <support@plaint.example>:\n\n" +
      "> Wir kümmern uns darum.";
    expect(await normalizeFixture("german-reply-latin1.eml")).toStrictEqual({
      channel: "email",
      externalId: "CAF-de-1@mail.example.de",
      from: { address: "bjoern@example.de", name: "Björn Köhler" },
      to: [{ address: "support@plaint.example" }],
      cc: [],
      subject: "AW: [#C-77] Heizung defekt",
      text: "Die Heizung ist immer noch kalt. Bitte schicken Sie einen Techniker vorbei, gerne Montag früh.",
      fullText,
      attachments: [],
      thread: { inReplyTo: "case-C-77.2@plaint.example", references: [], caseTag: "C-77" },
      receivedAt: "2026-03-08T17:30:00.000Z",
      flags: { ...noFlags },
      kind: "message",
    });
  });

  it("converts an HTML-only mail, cuts the Outlook header block, and ids a mail without Message-ID by hash", async () => {
    const message = await normalizeFixture("html-outlook.eml");
    const raw = readFileSync(path.join(__dirname, "fixtures", "html-outlook.eml"));
    expect(message).toStrictEqual({
      channel: "email",
      // sha256 of the raw bytes: the same mail delivered twice gets the same id.
      externalId: `sha256-${createHash("sha256").update(raw).digest("hex")}`,
      from: { address: "kim@example.net", name: "Kim Lee" },
      to: [{ address: "support@plaint.example" }],
      cc: [],
      subject: null,
      text: "The parcel arrived broken.\n\nI want a replacement.",
      fullText:
        "The parcel arrived broken.\n\nI want a replacement.\n\n----------------------------------------\n\n" +
        "From: Plaint Support <support@plaint.example>\nSent: Monday, March 2, 2026 4:00 PM\nTo: kim@example.net\n" +
        "Subject: Your order\n\nYour order has shipped.",
      attachments: [],
      thread: { references: [] },
      receivedAt: "2026-03-09T00:00:00.000Z",
      flags: { ...noFlags },
      kind: "message",
    });
  });

  it("flags an out-of-office auto-reply", async () => {
    expect(await normalizeFixture("auto-reply-fr.eml")).toStrictEqual({
      channel: "email",
      externalId: "ooo-1@example.fr",
      from: { address: "sophie@example.fr", name: "Sophie Martin" },
      to: [{ address: "support@plaint.example" }],
      cc: [],
      subject: "Réponse automatique: Absence du bureau",
      text: "Je suis absente jusqu au 10 mars.",
      fullText: "Je suis absente jusqu au 10 mars.",
      attachments: [],
      thread: { references: [] },
      receivedAt: "2026-03-04T07:00:00.000Z",
      flags: { ...noFlags, autoReply: true },
      kind: "message",
    });
  });

  it("reads a DSN bounce: recipient, permanent status, and the embedded original's Message-ID", async () => {
    const dsnText =
      "Your message could not be delivered to nobody@example.com.\n\nReporting-MTA: dns; mx.example.com\n\n" +
      "Final-Recipient: rfc822; Nobody@Example.com\nAction: failed\nStatus: 5.1.1\n" +
      "Diagnostic-Code: smtp; 550 5.1.1 user unknown";
    expect(await normalizeFixture("bounce-dsn.eml")).toStrictEqual({
      channel: "email",
      externalId: "dsn-1@mx.example.com",
      from: { address: "mailer-daemon@mx.example.com", name: "Mail Delivery Subsystem" },
      to: [{ address: "support@plaint.example" }],
      cc: [],
      subject: "Delivery Status Notification (Failure)",
      text: dsnText,
      fullText: dsnText,
      attachments: [{ filename: "unnamed", contentType: "message/rfc822", size: 171 }],
      thread: { references: [], inReplyTo: "case-C-7.3@plaint.example" },
      receivedAt: "2026-03-05T10:00:00.000Z",
      flags: { ...noFlags, autoReply: true, bounce: true },
      bounce: { recipient: "nobody@example.com", status: "5.1.1", permanent: true },
      kind: "message",
    });
  });

  it("reads a bounce without DSN part from the body: transient 4.x.x status, recipient, original id", async () => {
    const body =
      "Hi. This is the qmail-send program at mail.example.org.\n" +
      "I am still trying to deliver your message to the following address.\n\n<full@example.org>:\n" +
      "452 4.2.2 Mailbox full, will retry\n\n--- Below this line is a copy of the message.\n\n" +
      "From: support@plaint.example\nMessage-ID: <case-C-9.1@plaint.example>\nSubject: [#C-9] Update\n\nHello";
    expect(await normalizeFixture("bounce-qmail.eml")).toStrictEqual({
      channel: "email",
      externalId: "qmail-1@mail.example.org",
      from: { address: "mailer-daemon@mail.example.org" },
      to: [{ address: "support@plaint.example" }],
      cc: [],
      subject: "failure notice",
      text: body,
      fullText: body,
      attachments: [],
      thread: { references: [], inReplyTo: "case-C-9.1@plaint.example" },
      receivedAt: "2026-03-05T11:00:00.000Z",
      flags: { ...noFlags, bounce: true },
      bounce: { recipient: "full@example.org", status: "4.2.2", permanent: false },
      kind: "message",
    });
  });

  it("flags an ARF feedback report as an abuse report", async () => {
    expect(await normalizeFixture("abuse-arf.eml")).toStrictEqual({
      channel: "email",
      externalId: "arf-1@isp.example",
      from: { address: "abuse@isp.example" },
      to: [{ address: "support@plaint.example" }],
      cc: [],
      subject: "FW: complaint about your mail",
      text: "This is an email abuse report.",
      fullText: "This is an email abuse report.",
      attachments: [{ filename: "unnamed", contentType: "message/feedback-report", size: 61 }],
      thread: { references: [] },
      receivedAt: "2026-03-06T12:00:00.000Z",
      flags: { ...noFlags, abuseReport: true },
      kind: "message",
    });
  });

  it("flags spam, recovers a From without closing bracket, and ignores an invalid Date", async () => {
    expect(await normalizeFixture("spam-malformed-from.eml")).toStrictEqual({
      channel: "email",
      externalId: "spam-1@example.com",
      from: { address: "pat@example.com", name: "Pat Doe" },
      to: [{ address: "support@plaint.example" }],
      cc: [],
      subject: "Win a prize",
      text: "Buy now.",
      fullText: "Buy now.",
      attachments: [],
      thread: { references: [] },
      receivedAt: "2026-03-09T00:00:00.000Z",
      flags: { ...noFlags, spam: true },
      kind: "message",
    });
  });

  it("lists attachments with inline images marked, and recovers an address standing in the display name", async () => {
    expect(await normalizeFixture("attachments-inline.eml")).toStrictEqual({
      channel: "email",
      externalId: "att-1@example.com",
      from: { address: "lee@example.com" },
      to: [{ address: "support@plaint.example" }],
      cc: [],
      subject: "Photos of the damage",
      text: "See the photo:",
      fullText: "See the photo:",
      attachments: [
        { filename: "damage.png", contentType: "image/png", size: 8, inline: true },
        { filename: "receipt.pdf", contentType: "application/pdf", size: 9 },
      ],
      thread: { references: [] },
      receivedAt: "2026-03-07T09:00:00.000Z",
      flags: { ...noFlags },
      kind: "message",
    });
  });

  it("strips a Gmail-style HTML quote (header line and blockquote)", async () => {
    const raw =
      "From: a@example.com\r\nSubject: Re: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
      '<div dir="ltr">Still broken.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">' +
      "On Mon, Mar 2, 2026 at 10:00 AM Support &lt;support@plaint.example&gt; wrote:<br></div>" +
      '<blockquote class="gmail_quote">We fixed it.</blockquote></div>';
    const result = await normalizeEmailMessage(raw, parsing, receivedAt);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.text).toBe("Still broken.");
    expect(result.value.fullText).toContain("We fixed it.");
  });

  it("refuses a mail larger than maxMessageBytes", async () => {
    const raw = `From: a@example.com\r\nSubject: big\r\n\r\n${"x".repeat(2048)}`;
    const result = await normalizeEmailMessage(raw, { ...parsing, maxMessageBytes: 1024 }, receivedAt);
    expect(result).toStrictEqual({
      ok: false,
      error: { path: "", message: expect.stringContaining("larger than parsing.maxMessageBytes (1024)") as string },
    });
  });

  it("returns an error for an invalid caseTagPattern instead of throwing", async () => {
    const result = await normalizeEmailMessage("Subject: x\r\n\r\nhi", { ...parsing, caseTagPattern: "[" }, receivedAt);
    expect(result.ok ? null : result.error.path).toBe("parsing.caseTagPattern");
  });

  it("does not throw on garbage input", async () => {
    for (const raw of ["", "\u0000\u0001garbage", "no header at all", Buffer.from([0xff, 0xfe, 0x00, 0x41])]) {
      const result = await normalizeEmailMessage(raw, parsing, receivedAt);
      expect(typeof result.ok).toBe("boolean");
    }
  });

  it("reads a Message-ID without angle brackets and a plain References header", async () => {
    const raw =
      "From: a@example.com\r\nMessage-ID: bare-id@example.com\r\nIn-Reply-To: <p1@example.com> (comment)\r\n" +
      "References: <r1@example.com> <r2@example.com>\r\nSubject: Re: [#C-5] x [#C-6]\r\n\r\nhi";
    const result = await normalizeEmailMessage(raw, parsing, receivedAt);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.externalId).toBe("bare-id@example.com");
    expect(result.value.thread).toStrictEqual({
      inReplyTo: "p1@example.com",
      references: ["r1@example.com", "r2@example.com"],
      caseTag: "C-5",
    });
  });

  it("does not take a customer's mail about an undelivered parcel for a bounce", async () => {
    const raw =
      "From: Mail Delivery Fan <fan@example.com>\r\nSubject: Returned mail and undelivered parcel\r\n\r\n" +
      "My parcel 4711 was undelivered twice. Please send it again.";
    const result = await normalizeEmailMessage(raw, parsing, receivedAt);
    expect(result.ok && { bounce: result.value.flags.bounce, report: result.value.bounce }).toStrictEqual({
      bounce: false,
      report: undefined,
    });
  });

  it("keeps forwarded history as the text when the sender wrote nothing above it", async () => {
    const raw =
      "From: agent@example.com\r\nSubject: Fwd: complaint\r\n\r\n" +
      "---------- Forwarded message ---------\r\nFrom: Customer <c@example.com>\r\nDate: Mon, 2 Mar 2026\r\n" +
      "Subject: complaint\r\nTo: agent@example.com\r\n\r\nMy heater is broken.";
    const result = await normalizeEmailMessage(raw, parsing, receivedAt);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.text).toBe(result.value.fullText);
    expect(result.value.text).toContain("My heater is broken.");
  });
});

describe("isOwnMail", () => {
  const base = { from: { address: "customer@example.com" }, externalId: "x1@example.com" };

  it("recognises our own address, case-insensitively", () => {
    expect(isOwnMail({ ...base, from: { address: "support@plaint.example" } }, parsing)).toBe(true);
  });

  it("recognises our Message-ID domain", () => {
    expect(isOwnMail({ ...base, externalId: "case-C-1.2@Plaint.Example" }, parsing)).toBe(true);
  });

  it("is false for customer mail and for a look-alike domain", () => {
    expect(isOwnMail(base, parsing)).toBe(false);
    expect(isOwnMail({ ...base, externalId: "x@evilplaint.example" }, parsing)).toBe(false);
    expect(isOwnMail(base, { ownAddresses: [] })).toBe(false);
  });
});
