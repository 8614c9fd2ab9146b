import { conversationId, parseConversationId, readTwilioAddress } from "./twilio-address";

describe("Twilio addresses", () => {
  it.each([
    ["+14155550100", { channel: "sms", phone: "+14155550100", raw: "+14155550100" }],
    ["whatsapp:+447700900123", { channel: "whatsapp", phone: "+447700900123", raw: "whatsapp:+447700900123" }],
    ["12345", { channel: "sms", phone: null, raw: "12345" }],
    ["messenger:1234567890", null],
    ["rcs:+14155550100", null],
  ])("reads %p", (raw, expected) => {
    expect(readTwilioAddress(raw)).toStrictEqual(expected);
  });

  it("round-trips a conversation id into the reply's channel, sender and recipient", () => {
    const ours = readTwilioAddress("whatsapp:+14155238886");
    if (!ours) throw new Error("unreadable");
    const id = conversationId(ours, "+447700900123");
    expect(id).toBe("whatsapp:+14155238886:+447700900123");
    expect(parseConversationId(id)).toStrictEqual({
      channel: "whatsapp",
      ours: "+14155238886",
      customer: "+447700900123",
    });
    expect(parseConversationId("sms:12345:+14155552671")).toStrictEqual({
      channel: "sms",
      ours: "12345",
      customer: "+14155552671",
    });
    expect(parseConversationId("C024BE91L")).toBeNull();
  });
});
