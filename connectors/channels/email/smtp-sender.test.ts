import { createServer, type AddressInfo } from "node:net";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { composeReply, type ComposeReplyInput } from "./reply-composer";
import { caseReplyAddress, ownMessageId } from "./reply-address";
import { createSmtpSender, PermanentDeliveryError, TransientDeliveryError, type SmtpSender } from "./smtp-sender";

const secret = "smtp-test-secret";
const uuid = "0b7e3c1a-2d4f-4e5a-9c8b-7a6f5e4d3c2b";

interface Listener {
  server: SMTPServer;
  port: number;
}

const listeners: Listener[] = [];
const senders: SmtpSender[] = [];
const received: { raw: Buffer; envelopeTo: string[] }[] = [];

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

async function listen(options: SMTPServerOptions): Promise<number> {
  const server = new SMTPServer({ authOptional: true, disabledCommands: ["STARTTLS"], logger: false, ...options });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  listeners.push({ server, port });
  return port;
}

function sender(port: number): SmtpSender {
  const created = createSmtpSender({ host: "127.0.0.1", port, secure: false, connectionTimeoutMs: 5_000 });
  senders.push(created);
  return created;
}

function reply(overrides: Partial<ComposeReplyInput> = {}) {
  return composeReply({
    mailbox: { address: "support@example.com", displayName: "Example Support" },
    caseNumber: 1042,
    caseReference: "C-1042",
    caseSubject: "Re: Heater broken",
    to: { address: "anna@customer.test", name: "Anna Muster" },
    text: "Hello Anna,\n\nwe are on it.\n",
    inReplyTo: "cust-2@customer.test",
    references: ["<cust-1@customer.test>"],
    automatic: false,
    secret,
    messageIdDomain: "mail.plaint.test",
    messageUuid: uuid,
    ...overrides,
  });
}

function addresses(value: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] {
  return [value ?? []]
    .flat()
    .flatMap((object) => object.value.map((a) => ({ name: a.name, address: a.address ?? "" })));
}

let acceptingPort = 0;

beforeAll(async () => {
  acceptingPort = await listen({
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({ raw: Buffer.concat(chunks), envelopeTo: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
});

afterAll(async () => {
  for (const created of senders) created.close();
  await Promise.all(listeners.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

async function lastReceived(): Promise<ParsedMail> {
  const last = received[received.length - 1];
  if (!last) throw new Error("nothing received");
  return simpleParser(last.raw);
}

describe("createSmtpSender", () => {
  it("delivers a composed reply with every threading header", async () => {
    const mail = reply();
    const result = await sender(acceptingPort).send(mail);
    const messageId = ownMessageId(1042, uuid, "mail.plaint.test", secret);
    expect(result).toStrictEqual({ messageId, accepted: ["anna@customer.test"], rejected: [] });
    expect(received[received.length - 1]?.envelopeTo).toStrictEqual(["anna@customer.test"]);

    const parsed = await lastReceived();
    expect(addresses(parsed.from)).toStrictEqual([{ name: "Example Support", address: "support@example.com" }]);
    expect(addresses(parsed.to)).toStrictEqual([{ name: "Anna Muster", address: "anna@customer.test" }]);
    expect(addresses(parsed.replyTo)).toStrictEqual([
      { name: "Example Support", address: caseReplyAddress("support@example.com", 1042, secret) },
    ]);
    expect(parsed.subject).toBe("Re: Heater broken [#C-1042]");
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.inReplyTo).toBe("<cust-2@customer.test>");
    expect(parsed.references).toStrictEqual(["<cust-1@customer.test>", "<cust-2@customer.test>"]);
    expect(parsed.text).toBe("Hello Anna,\n\nwe are on it.\n");
    expect(parsed.headers.has("auto-submitted")).toBe(false);
    expect(parsed.headers.has("x-auto-response-suppress")).toBe(false);
  });

  it("marks automatic mail with Auto-Submitted and X-Auto-Response-Suppress", async () => {
    await sender(acceptingPort).send(reply({ automatic: true, inReplyTo: undefined, references: [] }));
    const parsed = await lastReceived();
    expect(parsed.headers.get("auto-submitted")).toBe("auto-replied");
    expect(parsed.headers.get("x-auto-response-suppress")).toBe("All");
    expect(parsed.inReplyTo).toBeUndefined();
    expect(parsed.references).toBeUndefined();
    expect(parsed.subject).toBe("Re: Heater broken [#C-1042]");
  });

  it("throws PermanentDeliveryError when the recipient is refused with 550", async () => {
    const port = await listen({
      onRcptTo(_address, _session, callback) {
        callback(smtpError("5.1.1 No such user", 550));
      },
    });
    const error: unknown = await sender(port)
      .send(reply())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({
      code: "EENVELOPE",
      responseCode: 550,
      command: "RCPT TO",
      rejected: ["anna@customer.test"],
    });
  });

  it("throws PermanentDeliveryError when DATA is refused with 554", async () => {
    const port = await listen({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on("end", () => callback(smtpError("5.7.1 Message rejected as spam", 554)));
      },
    });
    const error: unknown = await sender(port)
      .send(reply())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({ responseCode: 554 });
  });

  it("throws TransientDeliveryError when the recipient is deferred with 451", async () => {
    const port = await listen({
      onRcptTo(_address, _session, callback) {
        callback(smtpError("4.7.1 Greylisted, try again later", 451));
      },
    });
    const error: unknown = await sender(port)
      .send(reply())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ code: "EENVELOPE", responseCode: 451, command: "RCPT TO" });
  });

  it("throws TransientDeliveryError when DATA is deferred with 451", async () => {
    const port = await listen({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on("end", () => callback(smtpError("4.3.0 Local error, try later", 451)));
      },
    });
    const error: unknown = await sender(port)
      .send(reply())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ responseCode: 451 });
  });

  it("treats refused credentials as transient (configuration, not the mail)", async () => {
    const port = await listen({
      allowInsecureAuth: true,
      onAuth(_auth, _session, callback) {
        callback(smtpError("5.7.8 Authentication credentials invalid", 535));
      },
    });
    const created = createSmtpSender({ host: "127.0.0.1", port, secure: false, user: "plaint", pass: "wrong" });
    senders.push(created);
    const error: unknown = await created.send(reply()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ code: "EAUTH", responseCode: 535 });
  });

  it("throws TransientDeliveryError when nothing listens on the port", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const error: unknown = await sender(port)
      .send(reply())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ code: "ESOCKET", responseCode: undefined });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });
});
