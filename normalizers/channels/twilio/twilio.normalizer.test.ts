import { readFileSync } from "node:fs";
import path from "node:path";
import { noFlags } from "../../canonical-message";
import { normalizeTwilio } from "./twilio.normalizer";

/** Form bodies shaped after Twilio's documented incoming-message and status-callback requests. */
const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", `${name}.form`), "utf8");
const receivedAt = new Date("2026-11-25T14:32:10.000Z");
const AC = "ACa1b2c3d4e5f60718293a4b5c6d7e8f90";
const normalize = (body: string) => normalizeTwilio(body, receivedAt);

describe("normalizeTwilio: inbound messages", () => {
  it("turns an inbound SMS into an sms message from the E.164 phone", () => {
    expect(normalize(fixture("sms-inbound"))).toStrictEqual({
      ok: true,
      value: {
        channel: "sms",
        externalId: "SM1f0e7f5a9d3c4b2a8e6d0c1b2a3f4e5d",
        from: { phone: "+14155552671" },
        to: [{ phone: "+14155550100" }],
        cc: [],
        subject: null,
        text: "My order #4411 arrived broken, the screen is cracked.",
        fullText: "My order #4411 arrived broken, the screen is cracked.",
        attachments: [],
        thread: { references: [], conversationId: "sms:+14155550100:+14155552671" },
        receivedAt: "2026-11-25T14:32:10.000Z",
        flags: { ...noFlags },
        kind: "message",
      },
    });
  });

  it("turns MMS media into attachments with Twilio's URLs", () => {
    const result = normalize(fixture("mms-inbound"));
    const media = `https://api.twilio.com/2010-04-01/Accounts/${AC}/Messages/MM8d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a/Media`;
    expect(result).toStrictEqual({
      ok: true,
      value: {
        channel: "sms",
        externalId: "MM8d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a",
        from: { phone: "+14155552671" },
        to: [{ phone: "+14155550100" }],
        cc: [],
        subject: null,
        text: "Here are photos of the damage",
        fullText: "Here are photos of the damage",
        attachments: [
          {
            filename: "ME0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            contentType: "image/jpeg",
            size: 0,
            url: `${media}/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9`,
          },
          {
            filename: "ME9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            contentType: "image/png",
            size: 0,
            url: `${media}/ME9f8e7d6c5b4a39281706f5e4d3c2b1a0`,
          },
        ],
        thread: { references: [], conversationId: "sms:+14155550100:+14155552671" },
        receivedAt: "2026-11-25T14:32:10.000Z",
        flags: { ...noFlags },
        kind: "message",
      },
    });
  });

  it("makes a whatsapp: sender a WhatsApp message, with its profile name and the message it quotes", () => {
    expect(normalize(fixture("whatsapp-reply"))).toStrictEqual({
      ok: true,
      value: {
        channel: "whatsapp",
        externalId: "SM5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d",
        from: { phone: "+447700900123", name: "Ana Silva" },
        to: [{ phone: "+14155238886" }],
        cc: [],
        subject: null,
        text: "Still waiting for the refund you promised",
        fullText: "Still waiting for the refund you promised",
        attachments: [],
        thread: {
          references: [],
          conversationId: "whatsapp:+14155238886:+447700900123",
          inReplyTo: "SM0123456789abcdef0123456789abcdef",
        },
        receivedAt: "2026-11-25T14:32:10.000Z",
        flags: { ...noFlags },
        kind: "message",
      },
    });
  });

  it("keeps a shared WhatsApp location", () => {
    expect(normalize(fixture("whatsapp-location"))).toStrictEqual({
      ok: true,
      value: {
        channel: "whatsapp",
        externalId: "SM6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e",
        from: { phone: "+447700900123", name: "Ana Silva" },
        to: [{ phone: "+14155238886" }],
        cc: [],
        subject: null,
        text: "",
        fullText: "",
        attachments: [],
        thread: { references: [], conversationId: "whatsapp:+14155238886:+447700900123" },
        receivedAt: "2026-11-25T14:32:10.000Z",
        flags: { ...noFlags },
        kind: "message",
        location: {
          latitude: 51.5033,
          longitude: -0.1196,
          name: "Our store at the river",
          address: "Westminster Bridge Rd, London SE1 7PB",
        },
      },
    });
  });

  it("records the quick-reply button the customer tapped as their choice", () => {
    expect(normalize(fixture("whatsapp-button"))).toStrictEqual({
      ok: true,
      value: {
        channel: "whatsapp",
        externalId: "SM7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f",
        from: { phone: "+447700900123", name: "Ana Silva" },
        to: [{ phone: "+14155238886" }],
        cc: [],
        subject: null,
        text: "Talk to an agent",
        fullText: "Talk to an agent",
        attachments: [],
        thread: {
          references: [],
          conversationId: "whatsapp:+14155238886:+447700900123",
          inReplyTo: "SMfedcba9876543210fedcba9876543210",
        },
        receivedAt: "2026-11-25T14:32:10.000Z",
        flags: { ...noFlags },
        kind: "message",
        choice: { id: "escalate", title: "Talk to an agent" },
      },
    });
  });

  it("keeps click-to-WhatsApp referral fields under Twilio's names", () => {
    const body = `${fixture("whatsapp-reply")}&ReferralSourceType=ad&ReferralSourceId=120211&ReferralHeadline=Winter+sale`;
    const result = normalize(body);
    expect(result.ok && result.value.referral).toStrictEqual({
      ReferralSourceType: "ad",
      ReferralSourceId: "120211",
      ReferralHeadline: "Winter sale",
    });
  });
});

describe("normalizeTwilio: opt-out keywords", () => {
  it("flags a bare STOP keyword, whatever its case and spacing", () => {
    const result = normalize(fixture("sms-stop"));
    expect(result).toStrictEqual({
      ok: true,
      value: {
        channel: "sms",
        externalId: "SM2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b",
        from: { phone: "+14155552671" },
        to: [{ phone: "+14155550100" }],
        cc: [],
        subject: null,
        text: "Stop ",
        fullText: "Stop ",
        attachments: [],
        thread: { references: [], conversationId: "sms:+14155550100:+14155552671" },
        receivedAt: "2026-11-25T14:32:10.000Z",
        flags: { ...noFlags, optOut: "stop" },
        kind: "message",
      },
    });
  });

  it("trusts Twilio's OptOutType for a Messaging Service's own keywords", () => {
    const result = normalize(fixture("sms-optout-advanced"));
    expect(result.ok && result.value.flags).toStrictEqual({ ...noFlags, optOut: "stop" });
    expect(result.ok && result.value.from).toStrictEqual({ phone: "+33612345678" });
  });

  it.each([
    ["UNSUBSCRIBE", "stop"],
    ["stopall", "stop"],
    ["start", "start"],
    ["UNSTOP", "start"],
    ["Yes", "start"],
    ["stop sending me the wrong size", undefined],
    ["HELP", undefined],
  ])("reads %p as %p", (body, optOut) => {
    const result = normalize(`MessageSid=SM1&From=%2B14155552671&To=%2B14155550100&Body=${encodeURIComponent(body)}`);
    expect(result.ok && result.value.flags.optOut).toBe(optOut);
  });

  it("lets OptOutType=HELP override the keyword list", () => {
    const result = normalize("MessageSid=SM1&From=%2B14155552671&To=%2B14155550100&Body=STOP&OptOutType=HELP");
    expect(result.ok && result.value.flags.optOut).toBeUndefined();
  });
});

describe("normalizeTwilio: status callbacks", () => {
  it("turns a delivery report into a status update on our message, never a new message", () => {
    expect(normalize(fixture("status-delivered"))).toStrictEqual({
      ok: true,
      value: {
        channel: "sms",
        externalId: "status:SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b:delivered",
        from: { phone: "+14155550100" },
        to: [{ phone: "+14155552671" }],
        cc: [],
        subject: null,
        text: "",
        fullText: "",
        attachments: [],
        thread: { references: [], conversationId: "sms:+14155550100:+14155552671" },
        receivedAt: "2026-11-25T14:32:10.000Z",
        flags: { ...noFlags, status: true },
        kind: "status",
        update: { targetExternalId: "SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b", status: "delivered" },
      },
    });
  });

  it("carries the error of a failed WhatsApp delivery (outside the 24-hour window)", () => {
    expect(normalize(fixture("whatsapp-status-failed"))).toStrictEqual({
      ok: true,
      value: {
        channel: "whatsapp",
        externalId: "status:SM4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d:failed",
        from: { phone: "+14155238886" },
        to: [{ phone: "+447700900123" }],
        cc: [],
        subject: null,
        text: "",
        fullText: "",
        attachments: [],
        thread: { references: [], conversationId: "whatsapp:+14155238886:+447700900123" },
        receivedAt: "2026-11-25T14:32:10.000Z",
        flags: { ...noFlags, status: true },
        kind: "status",
        update: {
          targetExternalId: "SM4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d",
          status: "failed",
          error:
            "63016: Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
        },
      },
    });
  });

  it("reads a WhatsApp read receipt", () => {
    const result = normalize(fixture("whatsapp-status-read"));
    expect(result.ok && [result.value.kind, result.value.externalId, result.value.update]).toStrictEqual([
      "status",
      "status:SM5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e:read",
      { targetExternalId: "SM5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e", status: "read" },
    ]);
  });

  it.each([
    ["accepted", "queued"],
    ["scheduled", "queued"],
    ["sending", "queued"],
    ["sent", "sent"],
    ["partially_delivered", "delivered"],
    ["canceled", "failed"],
    ["undelivered", "undelivered"],
  ])("maps Twilio's %p to %p", (twilioStatus, status) => {
    const result = normalize(`MessageSid=SM1&MessageStatus=${twilioStatus}&From=%2B14155550100&To=%2B14155552671`);
    expect(result.ok && result.value.update).toStrictEqual({ targetExternalId: "SM1", status });
  });

  it("treats MessageStatus=received as the inbound message itself", () => {
    const result = normalize("MessageSid=SM1&MessageStatus=received&From=%2B14155552671&To=%2B14155550100&Body=Hi");
    expect(result.ok && [result.value.kind, result.value.externalId]).toStrictEqual(["message", "SM1"]);
  });
});

describe("normalizeTwilio: bodies it refuses, naming the parameter", () => {
  it.each([
    ["From=%2B14155552671&To=%2B14155550100&Body=Hi", "MessageSid", "missing: not a Twilio messaging webhook"],
    ["MessageSid=SM1&To=%2B14155550100&Body=Hi", "From", "missing"],
    ["MessageSid=SM1&From=Alice&To=%2B14155550100", "From", "is not a phone number"],
    [
      "MessageSid=SM1&From=messenger%3A1234&To=%2B14155550100",
      "From",
      '"messenger:" addresses are not taken by this connector',
    ],
    ["MessageSid=SM1&From=%2B14155552671&To=%2B14155550100&NumMedia=1", "MediaUrl0", "missing or not a URL"],
    [
      "MessageSid=SM1&From=%2B14155552671&To=%2B14155550100&Latitude=north&Longitude=1",
      "Latitude",
      "must be a latitude in degrees",
    ],
    [
      "MessageSid=SM1&MessageStatus=exploded&From=%2B14155550100&To=%2B14155552671",
      "MessageStatus",
      'unknown status "exploded"',
    ],
    ["MessageSid=SM1&MessageStatus=sent&From=%2B14155550100", "To", "missing"],
  ])("%s → %s", (body, problemPath, message) => {
    expect(normalize(body)).toStrictEqual({ ok: false, error: { path: problemPath, message } });
  });
});
