import { createHash } from "node:crypto";
import { simpleParser } from "mailparser";
import { normalizeEmailMessage } from "../../../normalizers/channels/email/email.normalizer";
import { emailParsingSchema } from "./email.schema";
import { maskRawMail } from "./mask-raw-mail";

const card = "4111 1111 1111 1111";
const redact = (text: string) => text.replaceAll(card, "[redacted card]");
const parsing = emailParsingSchema.parse({ ownAddresses: ["support@shop.example"], messageIdDomain: "shop.example" });

/** A mail whose text hides the card number from a raw-text search: base64 text, quoted-printable HTML. */
function mail(messageId: string | null): Buffer {
  const text = Buffer.from(`Hello,\r\nplease refund card ${card}.\r\n`).toString("base64");
  return Buffer.from(
    [
      "From: Ana <ana@example.com>",
      "To: support@shop.example",
      `Subject: Refund to ${card}`,
      ...(messageId ? [`Message-ID: <${messageId}>`] : []),
      "In-Reply-To: <m1@shop.example>",
      "References: <m0@shop.example> <m1@shop.example>",
      "Date: Wed, 25 Nov 2026 10:00:00 +0000",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="B"',
      "",
      "--B",
      'Content-Type: multipart/alternative; boundary="A"',
      "",
      "--A",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      text,
      "--A",
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      `<p>please refund card 4111 1111 1111=\r\n 1111.</p>`,
      "--A--",
      "--B",
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("%PDF-1.4 invoice").toString("base64"),
      "--B--",
      "",
    ].join("\r\n"),
  );
}

describe("maskRawMail", () => {
  it("masks encoded text and HTML parts and the headers, keeping threading and attachments", async () => {
    const raw = mail("c-7@example.com");
    expect(raw.toString()).not.toContain(`please refund card ${card}`);
    const masked = await maskRawMail(raw, null, redact);
    const parsed = await simpleParser(masked);
    expect(parsed.text).toBe("Hello,\nplease refund card [redacted card].\n");
    expect(parsed.html).toContain("please refund card [redacted card].");
    expect(parsed.subject).toBe("Refund to [redacted card]");
    expect(parsed.messageId).toBe("<c-7@example.com>");
    expect(parsed.inReplyTo).toBe("<m1@shop.example>");
    expect(parsed.references).toStrictEqual(["<m0@shop.example>", "<m1@shop.example>"]);
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toStrictEqual([
      ["invoice.pdf", "%PDF-1.4 invoice"],
    ]);
  });

  it("gives a mail without a Message-ID its content-hash id, so a replay keeps the original's id", async () => {
    const raw = mail(null);
    const original = await normalizeEmailMessage(raw, parsing, new Date());
    const hashId = `sha256-${createHash("sha256").update(raw).digest("hex")}`;
    const replayed = await normalizeEmailMessage(await maskRawMail(raw, hashId, redact), parsing, new Date());
    expect(original.ok && replayed.ok).toBe(true);
    if (!original.ok || !replayed.ok) return;
    expect(original.value.externalId).toBe(hashId);
    expect(replayed.value.externalId).toBe(hashId);
    expect(replayed.value.thread).toStrictEqual(original.value.thread);
    expect(replayed.value.text).toBe(redact(original.value.text));
  });
});
