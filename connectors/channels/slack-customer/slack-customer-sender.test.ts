import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type Nock from "nock" with { "resolution-mode": "import" };
import { loadNock, releaseNock } from "../../../test/support/nock";
import { TransientError } from "../../../core/kernel/errors";
import { PermanentError } from "../../../core/kernel/errors";
import { createSlackCustomerSender, slackThreadOf } from "./slack-customer-sender";

let nock: typeof Nock;

const config = {
  botToken: "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
  channels: [{ channel: "C0ACMESHARED", customer: "Acme Corp" }],
};
const reply = {
  thread: "C0ACMESHARED:1764105600.123456",
  text: "Refund issued for INV-4411 <today> & confirmed.",
  idempotencyKey: "slack-customers:reply:7d4f0c5e",
};
/** The form body chat.postMessage gets: the thread, the escaped text, our key as message metadata. */
const expectedForm = {
  channel: "C0ACMESHARED",
  thread_ts: "1764105600.123456",
  text: "Refund issued for INV-4411 &lt;today&gt; &amp; confirmed.",
  metadata: JSON.stringify({
    event_type: "plaint_reply",
    event_payload: { idempotency_key: "slack-customers:reply:7d4f0c5e" },
  }),
};

/** A Slack answer to chat.postMessage, shaped after the method's documented response. */
function slack(status: number, body: object, headers: Record<string, string> = {}) {
  return nock("https://slack.com", {
    reqheaders: { authorization: `Bearer ${config.botToken}`, "content-type": "application/x-www-form-urlencoded" },
  })
    .post("/api/chat.postMessage", expectedForm)
    .reply(status, body, { "content-type": "application/json; charset=utf-8", ...headers });
}

describe("Slack customer-channel sender", () => {
  beforeAll(async () => {
    nock = await loadNock();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => releaseNock(nock));

  it("posts the reply in the customer's thread and returns the posted message's id", async () => {
    const scope = slack(200, {
      ok: true,
      channel: "C0ACMESHARED",
      ts: "1764108000.000800",
      message: {
        type: "message",
        subtype: "bot_message",
        text: expectedForm.text,
        ts: "1764108000.000800",
        bot_id: "B0PLAINTBOT",
        thread_ts: "1764105600.123456",
      },
    });
    await expect(createSlackCustomerSender(config).send(reply)).resolves.toStrictEqual({
      externalId: "C0ACMESHARED:1764108000.000800",
    });
    scope.done();
  });

  it("sends no metadata when the caller has no idempotency key", async () => {
    const { metadata: _metadata, ...withoutMetadata } = expectedForm;
    const scope = nock("https://slack.com", { reqheaders: { authorization: `Bearer ${config.botToken}` } })
      .post("/api/chat.postMessage", withoutMetadata)
      .reply(200, { ok: true, channel: "C0ACMESHARED", ts: "1764108000.000900" });
    const sender = createSlackCustomerSender(config);
    await expect(sender.send({ thread: reply.thread, text: reply.text })).resolves.toStrictEqual({
      externalId: "C0ACMESHARED:1764108000.000900",
    });
    scope.done();
  });

  it.each(["channel_not_found", "not_in_channel", "invalid_auth", "is_archived", "msg_too_long"])(
    "gives up on ok:false %s (no retry can fix it)",
    async (code) => {
      const scope = slack(200, { ok: false, error: code });
      const sent = createSlackCustomerSender(config).send(reply);
      await expect(sent).rejects.toThrow(PermanentError);
      await expect(sent).rejects.toThrow(`Slack chat.postMessage: ${code}`);
      scope.done();
    },
  );

  it.each(["ratelimited", "internal_error", "service_unavailable"])("retries later on ok:false %s", async (code) => {
    const scope = slack(200, { ok: false, error: code });
    const sent = createSlackCustomerSender(config).send(reply);
    await expect(sent).rejects.toThrow(TransientError);
    scope.done();
  });

  it("hands a 429 to the outbox with Slack's Retry-After instead of waiting, in one request", async () => {
    const scope = slack(429, { ok: false, error: "ratelimited" }, { "retry-after": "30" });
    const error: unknown = await createSlackCustomerSender(config)
      .send(reply)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterSeconds).toBe(30);
    scope.done();
  });

  it("retries later on a 5xx, once per attempt (the WebClient's own retries are off)", async () => {
    const scope = slack(503, { ok: false });
    const error: unknown = await createSlackCustomerSender(config)
      .send(reply)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe("Slack answered HTTP 503");
    expect(error).not.toBeInstanceOf(PermanentError);
    scope.done();
  });

  it.each([
    ["drops the connection", (socket: Socket) => socket.destroy(), /^Slack unreachable: /],
    ["does not answer in time", () => undefined, /TimeoutError: The operation was aborted due to timeout$/],
  ])("retries later when Slack %s", async (_name, onConnection, message) => {
    // A real loopback listener: what fails here is the connection itself, which nock does not model for fetch.
    const server = createServer();
    server.on("connection", onConnection);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    nock.enableNetConnect("127.0.0.1");
    try {
      const { port } = server.address() as AddressInfo;
      const sender = createSlackCustomerSender(config, {
        slackApiUrl: `http://127.0.0.1:${port}/api/`,
        timeoutMs: 200,
      });
      const error: unknown = await sender.send(reply).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(message);
    } finally {
      nock.disableNetConnect();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses to post outside the connector's customer channels, without calling Slack", async () => {
    const sender = createSlackCustomerSender(config);
    await expect(sender.send({ ...reply, thread: "C0INTERNAL:1764105600.123456" })).rejects.toThrow(
      new PermanentError("channel C0INTERNAL is not a customer channel of this connector"),
    );
    await expect(sender.send({ ...reply, thread: "C0ACMESHARED" })).rejects.toThrow(PermanentError);
  });

  it("finds the thread of a case's message: its parent when it is a reply, itself otherwise", () => {
    expect(
      slackThreadOf({
        externalId: "C0ACMESHARED:1764109200.000200",
        thread: { inReplyTo: "C0ACMESHARED:1764105600.123456", references: [] },
      }),
    ).toBe("C0ACMESHARED:1764105600.123456");
    expect(slackThreadOf({ externalId: "C0ACMESHARED:1764105600.123456", thread: { references: [] } })).toBe(
      "C0ACMESHARED:1764105600.123456",
    );
  });
});
