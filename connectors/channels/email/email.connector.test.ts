import { emailConnectorConfigSchema } from "./email.schema";
import { emailConnector } from "./email.connector";
import { caseReplyAddress, ownMessageId } from "./reply-address";

const signingSecret = "connector-test-signing-secret";
const config = emailConnectorConfigSchema.parse({
  id: "support-mail",
  type: "email",
  address: "support@example.com",
  imap: { host: "127.0.0.1", user: "u", secret: "p" },
  smtp: { host: "127.0.0.1", signingSecret },
  parsing: { messageIdDomain: "mail.example.com" },
});

function mail(headers: Record<string, string>): { rawBody: string; receivedAt: Date; meta: Record<string, unknown> } {
  const lines = [
    "From: Ana <ana@customer.example>",
    "Subject: about my order",
    "Message-ID: <m-1@customer.example>",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    "",
    "Hello",
  ];
  return {
    rawBody: Buffer.from(lines.join("\r\n")).toString("base64"),
    receivedAt: new Date(),
    meta: { encoding: "base64" },
  };
}

async function threadOf(headers: Record<string, string>) {
  const result = await emailConnector.normalize(config, mail(headers));
  if (!result.ok) throw new Error(result.error.message);
  return result.value[0]?.thread;
}

describe("emailConnector.normalize: signed case references", () => {
  it("tags a mail sent to the per-case reply address", async () => {
    expect(await threadOf({ To: caseReplyAddress("support@example.com", 7, signingSecret) })).toStrictEqual({
      references: [],
      caseTag: "C-7",
      caseTagSource: "reply-address",
    });
  });

  it("tags a reply to our own Message-ID", async () => {
    const ours = ownMessageId(12, "0f8fad5b-d9cb-469f-a165-70867728950e", "mail.example.com", signingSecret);
    expect(await threadOf({ To: "support@example.com", "In-Reply-To": ours })).toStrictEqual({
      inReplyTo: ours.slice(1, -1),
      references: [],
      caseTag: "C-12",
      caseTagSource: "message-id",
    });
  });

  it("ignores forged signatures", async () => {
    const forged = caseReplyAddress("support@example.com", 7, "another-secret-entirely");
    expect(await threadOf({ To: forged })).toStrictEqual({ references: [] });
  });

  it("drops our own mail coming back", async () => {
    const result = await emailConnector.normalize(config, {
      ...mail({ To: "ana@customer.example" }),
      rawBody: Buffer.from("From: support@example.com\r\nMessage-ID: <c1.x.y@mail.example.com>\r\n\r\nHi").toString(
        "base64",
      ),
    });
    expect(result).toStrictEqual({ ok: true, value: [] });
  });
});
