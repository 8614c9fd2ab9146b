import type Nock from "nock" with { "resolution-mode": "import" };
import { loadNock, releaseNock } from "../../../test/support/nock";
import { TransientError } from "../../../core/kernel/errors";
import { PermanentError } from "../../../core/kernel/errors";
import { MetaSendRefusedError, OutsideCustomerWindowError } from "./graph-errors";
import { sendMetaReply, splitText } from "./meta-sender";
import { metaConnectorConfigSchema } from "./meta.schema";

let nock: typeof Nock;

const token = "EAAG-test-access-token";
const config = metaConnectorConfigSchema.parse({
  id: "meta",
  type: "meta",
  appSecret: "0123456789abcdef0123456789abcdef",
  verifyToken: "plaint-verify-token",
  accessToken: token,
  whatsapp: { phoneNumberId: "106540352242922" },
});

let graph: Nock.Scope;

beforeAll(async () => {
  nock = await loadNock();
});
beforeEach(() => {
  graph = nock("https://graph.facebook.com", { reqheaders: { authorization: `Bearer ${token}` } });
});
afterEach(() => {
  graph.done();
  nock.cleanAll();
});
afterAll(() => releaseNock(nock));

/** WhatsApp's documented answer to a send. */
const waSent = (id: string) => ({
  messaging_product: "whatsapp",
  contacts: [{ input: "+16505551234", wa_id: "16505551234" }],
  messages: [{ id }],
});

describe("sendMetaReply", () => {
  it("sends a WhatsApp text quoting the customer's message and returns the wamid", async () => {
    graph
      .post("/v21.0/106540352242922/messages", {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: "+16505551234",
        context: { message_id: "wamid.CUSTOMER" },
        type: "text",
        text: { body: "Sorry about that! A replacement is on its way." },
        biz_opaque_callback_data: "reply-7f1c",
      })
      .matchHeader("content-type", "application/json")
      .reply(200, waSent("wamid.OURS1"));
    await expect(
      sendMetaReply(config, {
        channel: "whatsapp",
        to: "+16505551234",
        text: "Sorry about that! A replacement is on its way.",
        inReplyTo: "wamid.CUSTOMER",
        idempotencyKey: "reply-7f1c",
      }),
    ).resolves.toEqual({ messageId: "wamid.OURS1", messageIds: ["wamid.OURS1"] });
  });

  it("sends a WhatsApp image with the text as its caption", async () => {
    graph
      .post("/v21.0/106540352242922/messages", {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: "16505551234",
        type: "image",
        image: { link: "https://files.example.com/label.png", caption: "Your return label" },
      })
      .reply(200, waSent("wamid.IMG"));
    const sent = await sendMetaReply(config, {
      channel: "whatsapp",
      to: "16505551234",
      text: "Your return label",
      media: { url: "https://files.example.com/label.png", type: "image" },
    });
    expect(sent.messageId).toBe("wamid.IMG");
  });

  it("sends a Messenger reply to /me/messages as a RESPONSE, quoting the customer's message", async () => {
    graph
      .post("/v21.0/me/messages", {
        recipient: { id: "6912223218815236" },
        messaging_type: "RESPONSE",
        message: { text: "We refunded your order.", reply_to: { mid: "m_TEXT" }, metadata: "reply-9a" },
      })
      .reply(200, { recipient_id: "6912223218815236", message_id: "m_OURS9" });
    await expect(
      sendMetaReply(config, {
        channel: "messenger",
        to: "6912223218815236",
        text: "We refunded your order.",
        inReplyTo: "m_TEXT",
        idempotencyKey: "reply-9a",
      }),
    ).resolves.toEqual({ messageId: "m_OURS9", messageIds: ["m_OURS9"] });
  });

  it("sends an Instagram file and then its text, as two messages", async () => {
    graph
      .post("/v21.0/me/messages", {
        recipient: { id: "1254459154682919" },
        messaging_type: "RESPONSE",
        message: {
          attachment: { type: "file", payload: { url: "https://files.example.com/r.pdf", is_reusable: false } },
        },
      })
      .reply(200, { recipient_id: "1254459154682919", message_id: "ig_FILE" })
      .post("/v21.0/me/messages", {
        recipient: { id: "1254459154682919" },
        messaging_type: "RESPONSE",
        message: { text: "Here is your receipt." },
      })
      .reply(200, { recipient_id: "1254459154682919", message_id: "ig_TEXT" });
    await expect(
      sendMetaReply(config, {
        channel: "instagram",
        to: "1254459154682919",
        text: "Here is your receipt.",
        media: { url: "https://files.example.com/r.pdf", type: "document", filename: "r.pdf" },
      }),
    ).resolves.toEqual({ messageId: "ig_TEXT", messageIds: ["ig_FILE", "ig_TEXT"] });
  });

  describe("failures", () => {
    const send = () => sendMetaReply(config, { channel: "whatsapp", to: "+16505551234", text: "Hello" });
    const graphError = (code: number, message: string, extra: object = {}) => ({
      error: { message, type: "OAuthException", code, fbtrace_id: "AbCdEf123", ...extra },
    });

    it("recognises the closed 24-hour window as permanent and says so", async () => {
      graph.post("/v21.0/106540352242922/messages").reply(
        400,
        graphError(131047, "Re-engagement message", {
          error_data: { details: "More than 24 hours have passed since the customer last replied to this number." },
        }),
      );
      const error = await send().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OutsideCustomerWindowError);
      expect(error).toBeInstanceOf(PermanentError);
      expect(error).toMatchObject({
        reason: "outside-customer-window",
        status: 400,
        code: 131047,
        fbtraceId: "AbCdEf123",
        message:
          "Graph API 400, code 131047: Re-engagement message (More than 24 hours have passed since the customer last replied to this number.)",
      });
    });

    it("recognises Messenger's outside-the-window subcode", async () => {
      graph
        .post("/v21.0/me/messages")
        .reply(400, graphError(10, "This message is sent outside of allowed window.", { error_subcode: 2018278 }));
      const error = await sendMetaReply(config, { channel: "messenger", to: "1", text: "Hi" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutsideCustomerWindowError);
      expect((error as Error).message).toBe(
        "Graph API 400, code 10/2018278: This message is sent outside of allowed window.",
      );
    });

    it.each([
      [400, graphError(100, "Invalid parameter")],
      [401, graphError(190, "Error validating access token: Session has expired")],
      [403, graphError(200, "Permissions error")],
      [404, { error: { message: "Unsupported post request", code: 100, error_subcode: 33 } }],
    ])("gives up on a %i refusal: %j", async (status, body) => {
      graph.post("/v21.0/106540352242922/messages").reply(status, body);
      const error = await send().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MetaSendRefusedError);
      expect(error).not.toBeInstanceOf(OutsideCustomerWindowError);
    });

    it.each([
      [429, graphError(4, "Application request limit reached")],
      [400, graphError(130429, "Rate limit hit")],
      [400, graphError(131056, "(Business Account, Consumer Account) pair rate limit hit")],
      [400, graphError(131000, "Something went wrong", { is_transient: true })],
      [500, graphError(2, "Service temporarily unavailable")],
      [503, "<html>upstream down</html>"],
    ])("retries a %i throttling or temporary failure: %j", async (status, body) => {
      graph.post("/v21.0/106540352242922/messages").reply(status, body);
      const error = await send().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TransientError);
      expect(error).not.toBeInstanceOf(PermanentError);
    });

    it("passes Retry-After on to the outbox", async () => {
      graph
        .post("/v21.0/106540352242922/messages")
        .reply(429, graphError(80007, "Rate limit issues"), { "Retry-After": "30" });
      await expect(send()).rejects.toMatchObject({ name: "TransientError", retryAfterSeconds: 30 });
    });

    it("retries a network failure", async () => {
      graph.post("/v21.0/106540352242922/messages").replyWithError("socket hang up");
      const error = await send().catch((caught: unknown) => caught);
      // fetch's TypeError comes from Node's own realm, so match it by shape rather than class.
      expect(error).toMatchObject({ name: "TypeError", message: "fetch failed" });
      expect(error).not.toBeInstanceOf(PermanentError);
    });

    it("refuses to send without a token or a phone number id, without calling Meta", async () => {
      graph = nock("https://graph.facebook.com"); // nothing may be called
      const noToken = { ...config, accessToken: undefined };
      const noNumber = { ...config, whatsapp: undefined };
      await expect(sendMetaReply(noToken, { channel: "messenger", to: "1", text: "Hi" })).rejects.toThrow(
        new PermanentError("connector meta has no accessToken to send with"),
      );
      await expect(sendMetaReply(noNumber, { channel: "whatsapp", to: "+1", text: "Hi" })).rejects.toThrow(
        new PermanentError("connector meta has no whatsapp.phoneNumberId"),
      );
    });
  });
});

describe("splitText", () => {
  it("cuts long replies at a space, never inside a word", () => {
    expect(splitText("aaaa bbbb cccc", 9)).toEqual(["aaaa bbbb", "cccc"]);
    expect(splitText("line one\nline two", 12)).toEqual(["line one", "line two"]);
    expect(splitText("x".repeat(10), 4)).toEqual(["xxxx", "xxxx", "xx"]);
    expect(splitText("  short  ", 100)).toEqual(["short"]);
  });
});
