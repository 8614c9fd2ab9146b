import { simpleParser } from "mailparser";
import MailComposer from "nodemailer/lib/mail-composer";

/**
 * Headers the rebuilt mail writes itself: from its new body, and the thread headers, which nodemailer formats itself
 * (a prepared References value comes out as "[object Object]").
 */
const rewrittenHeaders = /^(content-|mime-version$|references$|in-reply-to$)/i;

/**
 * The raw mail with personal data masked, for the intake log once the mail's message is stored: a card number in a
 * base64 or quoted-printable body is out of reach of masking the raw text, so the mail is decoded, its text and
 * HTML parts and its headers masked, and a MIME message rebuilt. Threading headers are kept as they were, so a
 * replay threads the same way; a mail without a Message-ID gets its content-hash id written in as one, so a replay
 * of the masked mail keeps the id (and the idempotency key) the original had. Attachments are kept as they came.
 */
export async function maskRawMail(
  raw: Buffer,
  originalId: string | null,
  redact: (text: string) => string,
): Promise<Buffer> {
  const parsed = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  const headers = parsed.headerLines
    .filter(({ key }) => !rewrittenHeaders.test(key))
    .map(({ line }) => {
      const colon = line.indexOf(":");
      return { key: line.slice(0, colon), value: { prepared: true, value: redact(line.slice(colon + 1).trim()) } };
    });
  if (!parsed.messageId && originalId)
    headers.push({ key: "Message-ID", value: { prepared: true, value: `<${originalId}>` } });
  const composer = new MailComposer({
    headers,
    ...(parsed.inReplyTo !== undefined && { inReplyTo: parsed.inReplyTo }),
    ...(parsed.references !== undefined && { references: parsed.references }),
    ...(parsed.text !== undefined && { text: redact(parsed.text) }),
    ...(typeof parsed.html === "string" && { html: redact(parsed.html) }),
    attachments: parsed.attachments.map((attachment) => ({
      content: attachment.content,
      contentType: attachment.contentType,
      ...(attachment.filename !== undefined && { filename: attachment.filename }),
      ...(attachment.cid !== undefined && { cid: attachment.cid }),
    })),
  });
  return composer.compile().build();
}
