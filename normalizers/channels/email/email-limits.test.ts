import { emailParsingSchema } from "./email-parsing.schema";
import { htmlToText, limitNotePrefix, nestingExceeds } from "./body-text";
import { normalizeEmailMessage } from "./email.normalizer";

const parsing = emailParsingSchema.parse({});
const receivedAt = new Date("2026-03-09T00:00:00Z");

function mail(contentType: string, body: string, extraHeaders = ""): string {
  return (
    "From: Customer <c@example.com>\r\nTo: support@plaint.example\r\nSubject: limits\r\n" +
    `Message-ID: <limits@example.com>\r\n${extraHeaders}Content-Type: ${contentType}\r\n\r\n${body}`
  );
}

function multipart(parts: number): string {
  const body = Array.from({ length: parts }, (_, i) => `--BB\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`);
  return mail("multipart/mixed; boundary=BB", `${body.join("")}--BB--\r\n`);
}

async function normalized(raw: string, overrides: Record<string, number> = {}) {
  const result = await normalizeEmailMessage(raw, emailParsingSchema.parse(overrides), receivedAt);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function refusal(raw: string, overrides: Record<string, number>) {
  const result = await normalizeEmailMessage(raw, emailParsingSchema.parse(overrides), receivedAt);
  return result.ok ? "parsed" : result.error;
}

describe("parsing limits", () => {
  it("has a default for every limit", () => {
    expect(parsing).toMatchObject({
      maxMessageBytes: 26_214_400,
      maxHeaderBytes: 1_048_576,
      maxMimeParts: 1000,
      maxHtmlChars: 1_048_576,
      maxHtmlDepth: 512,
      maxTextChars: 1_048_576,
    });
    expect(emailParsingSchema.safeParse({ maxHtmlDepth: 5000 }).success).toBe(false);
  });

  it("leaves a mail within the limits untouched", async () => {
    const message = await normalized(mail("text/plain", "My heater is broken."));
    expect({ text: message.text, fullText: message.fullText }).toStrictEqual({
      text: "My heater is broken.",
      fullText: "My heater is broken.",
    });
  });

  it("cuts a text body at maxTextChars and says so in the text", async () => {
    const message = await normalized(mail("text/plain", "word ".repeat(1000)), { maxTextChars: 1024 });
    const note = `${limitNotePrefix}text cut at 1024 of 4999 characters (parsing.maxTextChars)]`;
    expect(message.fullText.endsWith(`\n\n${note}`)).toBe(true);
    expect(message.text.endsWith(`\n\n${note}`)).toBe(true);
    expect(message.fullText.length).toBeLessThanOrEqual(1024 + 2 + note.length);
  });

  it("cuts an HTML body at maxHtmlChars before converting it, and says so", async () => {
    const html = `<p>${"complaint ".repeat(300)}</p>`;
    const message = await normalized(mail("text/html", html), { maxHtmlChars: 1024 });
    expect(message.text).toContain("complaint complaint");
    expect(message.text).toContain(`(parsing.maxHtmlChars)]`);
    expect(message.text.length).toBeLessThan(1200);
  });

  it("drops the tags of HTML nested deeper than maxHtmlDepth, keeping its words", async () => {
    const html = `${"<div>".repeat(5000)}Still broken${"</div>".repeat(5000)}`;
    const message = await normalized(mail("text/html", html));
    expect(message.text).toBe(
      `Still broken\n\n${limitNotePrefix}HTML nested deeper than 512 levels, tags dropped (parsing.maxHtmlDepth)]`,
    );
  });

  it("refuses a mail with more parts than maxMimeParts, naming the key", async () => {
    expect(await normalized(multipart(20))).toMatchObject({ text: expect.stringContaining("part 19") as string });
    expect(await refusal(multipart(20), { maxMimeParts: 10 })).toStrictEqual({
      path: "",
      message: "mail has more MIME parts than parsing.maxMimeParts (10); not parsed",
    });
  });

  it("refuses a header block larger than maxHeaderBytes, naming the key", async () => {
    const headers = Array.from({ length: 100 }, (_, i) => `X-Filler-${i}: ${"v".repeat(40)}\r\n`).join("");
    expect(await refusal(mail("text/plain", "hi", headers), { maxHeaderBytes: 2048 })).toStrictEqual({
      path: "",
      message: "a MIME part's header block is larger than parsing.maxHeaderBytes (2048); not parsed",
    });
  });

  it("takes the receive time for an absurdly long Date header instead of scanning it", async () => {
    const date = `Date: ${"(".repeat(300_000)})x\r\n`;
    const message = await normalized(mail("text/plain", "hi", date));
    expect(message.receivedAt).toBe(receivedAt.toISOString());
  });

  it("does not hang on a sender made of 50,000 @ signs", async () => {
    const raw = mail("text/plain", "hi").replace("From: Customer <c@example.com>", `From: ${"@".repeat(50_000)}`);
    const message = await normalized(raw);
    expect(message.from).toStrictEqual({});
  });
});

describe("nestingExceeds", () => {
  it("counts open elements the way the HTML parser nests them", () => {
    expect(nestingExceeds("<b>".repeat(11), 10)).toBe(true);
    expect(nestingExceeds("<b>".repeat(10), 10)).toBe(false);
    // Closed, void, implicitly closed and unmatched end tags do not nest.
    expect(nestingExceeds("<b>x</b>".repeat(100), 10)).toBe(false);
    expect(nestingExceeds("<br><img src=x><hr>".repeat(100), 10)).toBe(false);
    expect(nestingExceeds("<p>a<li>b<td>c<tr>".repeat(100), 10)).toBe(true);
    expect(nestingExceeds("<p>a".repeat(100) + "<ul>" + "<li>b".repeat(100), 10)).toBe(false);
    expect(nestingExceeds("</div>".repeat(100) + "<div>".repeat(5), 10)).toBe(false);
    expect(nestingExceeds(`<!-- ${"<b>".repeat(100)} -->`, 10)).toBe(false);
    // An implicitly closing tag only closes the element on top: <li><b><li><b>… does nest.
    expect(nestingExceeds("<li><b>".repeat(6), 10)).toBe(true);
  });

  it("is used by htmlToText, which never throws", () => {
    expect(htmlToText("<div>".repeat(100) + "x", { maxHtmlChars: 1_000_000, maxHtmlDepth: 16 }).notes).toHaveLength(1);
    expect(htmlToText("<".repeat(10_000), { maxHtmlChars: 1_000_000, maxHtmlDepth: 512 }).notes).toStrictEqual([]);
  });
});
