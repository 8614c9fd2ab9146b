import { readFileSync } from "node:fs";
import path from "node:path";
import type { CanonicalMessage } from "../../canonical-message";
import { normalizeMetaDelivery } from "./meta.normalizer";

/** Fixtures follow the payloads in Meta's webhook references (WhatsApp messages, Messenger and Instagram events). */
const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", `${name}.json`), "utf8");

function parse(body: string): CanonicalMessage[] {
  const result = normalizeMetaDelivery(body);
  if (!result.ok) throw new Error(`${result.error.path}: ${result.error.message}`);
  return result.value;
}

const flags = {
  autoReply: false,
  bounce: false,
  abuseReport: false,
  spam: false,
  edit: false,
  delete: false,
  status: false,
};

const sheena = { phone: "+16505551234", name: "Sheena Nelson" };
const pablo = { phone: "+447700900123", name: "Pablo Morales" };
const ourNumber = { phone: "+15550783881" };

/** A WhatsApp message from a customer to our number; each test states what differs. */
function whatsapp(
  from: typeof sheena,
  externalId: string,
  seconds: number,
  rest: Partial<CanonicalMessage>,
): CanonicalMessage {
  const text = rest.text ?? "";
  return {
    channel: "whatsapp",
    externalId,
    from,
    to: [ourNumber],
    cc: [],
    subject: null,
    text,
    fullText: text,
    attachments: [],
    thread: { references: [], conversationId: `106540352242922:${from.phone.slice(1)}` },
    receivedAt: new Date(seconds * 1000).toISOString(),
    flags,
    kind: "message",
    ...rest,
  };
}

describe("WhatsApp Cloud API deliveries", () => {
  it("turns the documented text message into one canonical message", () => {
    expect(parse(fixture("whatsapp-text"))).toEqual([
      {
        channel: "whatsapp",
        externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        from: { phone: "+16505551234", name: "Sheena Nelson" },
        to: [{ phone: "+15550783881" }],
        cc: [],
        subject: null,
        text: "Does it come in another color?",
        fullText: "Does it come in another color?",
        attachments: [],
        thread: { references: [], conversationId: "106540352242922:16505551234" },
        receivedAt: "2025-06-08T20:59:43.000Z",
        flags,
        kind: "message",
      },
    ]);
  });

  it("splits a batch of changes into one message each: media, location, contacts, replies, referral", () => {
    const thread = (from: typeof sheena, inReplyTo?: string) => ({
      references: [],
      conversationId: `106540352242922:${from.phone.slice(1)}`,
      ...(inReplyTo && { inReplyTo }),
    });
    expect(parse(fixture("whatsapp-batch"))).toEqual([
      whatsapp(sheena, "wamid.IMAGE", 1749416400, {
        text: "The lid arrived cracked",
        attachments: [{ filename: "image", contentType: "image/jpeg", size: 0, mediaId: "1003383421387256" }],
        thread: thread(sheena, "wamid.OURS1"),
      }),
      whatsapp(sheena, "wamid.DOCUMENT", 1749416401, {
        attachments: [
          { filename: "receipt.pdf", contentType: "application/pdf", size: 0, mediaId: "1066204948453234" },
        ],
      }),
      whatsapp(sheena, "wamid.VOICE", 1749416402, {
        attachments: [
          { filename: "audio", contentType: "audio/ogg; codecs=opus", size: 0, mediaId: "1178542713638937" },
        ],
      }),
      whatsapp(sheena, "wamid.STICKER", 1749416403, {
        attachments: [{ filename: "sticker", contentType: "image/webp", size: 0, mediaId: "1215932656157564" }],
      }),
      whatsapp(sheena, "wamid.LOCATION", 1749416404, {
        location: {
          latitude: 37.483307,
          longitude: -122.148981,
          name: "Philz Coffee",
          address: "1 Hacker Way, Menlo Park, CA 94025",
        },
      }),
      whatsapp(sheena, "wamid.CONTACTS", 1749416405, {
        contacts: [{ name: "Barbara J. Johnson", phones: ["+19405551234"], emails: ["bjohnson@luckyshrub.com"] }],
      }),
      whatsapp(pablo, "wamid.BUTTONREPLY", 1749416410, {
        text: "I want a refund",
        choice: { id: "refund", title: "I want a refund" },
        thread: thread(pablo, "wamid.OURS2"),
      }),
      whatsapp(pablo, "wamid.LISTREPLY", 1749416411, {
        text: "Late delivery",
        choice: { id: "late-delivery", title: "Late delivery" },
      }),
      whatsapp(pablo, "wamid.QUICKREPLY", 1749416412, {
        text: "Stop promotions",
        choice: { id: "STOP_PROMOS", title: "Stop promotions" },
        thread: thread(pablo, "wamid.TEMPLATE"),
      }),
      whatsapp(pablo, "wamid.FROMAD", 1749416413, {
        text: "Is this still on sale?",
        referral: {
          source_url: "https://fb.me/3cr4Wqqkv",
          source_id: "120226305854810726",
          source_type: "ad",
          headline: "Chat with us",
          body: "Summer sale",
          media_type: "image",
          image_url: "https://scontent.xx.fbcdn.net/v/t45.1600-4/photo.png",
          ctwa_clid: "Afc3nYt5TUrjyRNPmvR",
          "welcome_message.text": "Hi! How can we help?",
        },
      }),
      whatsapp(pablo, "wamid.ORDER", 1749416414, { text: "[unsupported WhatsApp message: order]" }),
      whatsapp(pablo, "wamid.UNSUPPORTED", 1749416415, {
        text: "[unsupported WhatsApp message: unsupported (131051 Message type unknown: Message type is currently not supported.)]",
      }),
    ]);
  });

  it("makes statuses, reactions, edits and revokes updates of the message they name, never messages", () => {
    const status = (state: "sent" | "delivered" | "read" | "failed", id: string, seconds: number, error?: string) => ({
      channel: "whatsapp",
      externalId: `status:${id}:${state}`,
      from: ourNumber,
      to: [{ phone: "+16505551234" }],
      cc: [],
      subject: null,
      text: "",
      fullText: "",
      attachments: [],
      thread: { references: [], conversationId: "106540352242922:16505551234" },
      receivedAt: new Date(seconds * 1000).toISOString(),
      flags: { ...flags, status: true },
      kind: "status",
      update: { targetExternalId: id, status: state, ...(error && { error }) },
    });
    expect(parse(fixture("whatsapp-updates"))).toEqual([
      status("sent", "wamid.OURS1", 1749416500),
      status("delivered", "wamid.OURS1", 1749416501),
      status("read", "wamid.OURS1", 1749416502),
      status(
        "failed",
        "wamid.OURS3",
        1749416503,
        "131047 Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
      ),
      // `deleted` is not a delivery state the hub tracks; the template status change is not a message at all.
      whatsapp(sheena, "wamid.REACTION", 1749416600, {
        kind: "reaction",
        update: { targetExternalId: "wamid.OURS1", reaction: "👍" },
      }),
      whatsapp(sheena, "wamid.UNREACTION", 1749416601, {
        kind: "reaction",
        update: { targetExternalId: "wamid.OURS1", reaction: "" },
      }),
      whatsapp(sheena, "wamid.EDIT", 1749416602, {
        kind: "edit",
        text: "Does it come in another colour?",
        flags: { ...flags, edit: true },
        update: { targetExternalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=" },
      }),
      whatsapp(sheena, "wamid.REVOKE", 1749416603, {
        kind: "delete",
        flags: { ...flags, delete: true },
        update: { targetExternalId: "wamid.IMAGE" },
      }),
    ]);
  });

  it("identifies a customer who hides the number by the business-scoped user id", () => {
    const body = JSON.parse(fixture("whatsapp-text"));
    const value = body.entry[0].changes[0].value;
    value.contacts = [{ profile: { name: "Anon" }, user_id: "US.13491208655302741918" }];
    delete value.messages[0].from;
    value.messages[0].from_user_id = "US.13491208655302741918";
    const [message] = parse(JSON.stringify(body));
    expect(message?.from).toEqual({ handle: "US.13491208655302741918", name: "Anon" });
    expect(message?.thread.conversationId).toBe("106540352242922:US.13491208655302741918");
  });

  it.each([
    ["a message without an id", (v: any) => delete v.messages[0].id, "/entry/0/changes/0/value/messages/0/id"],
    [
      "a timestamp that is not Unix seconds",
      (v: any) => {
        v.messages[0].timestamp = "yesterday";
      },
      "/entry/0/changes/0/value/messages/0/timestamp",
    ],
    ["a text message without text", (v: any) => delete v.messages[0].text, "/entry/0/changes/0/value/messages/0/text"],
    [
      "an image without its media id",
      (v: any) => {
        v.messages[0] = { ...v.messages[0], type: "image", image: { mime_type: "image/png" } };
      },
      "/entry/0/changes/0/value/messages/0/image/id",
    ],
    ["no metadata", (v: any) => delete v.metadata, "/entry/0/changes/0/value/metadata"],
    [
      "no sender at all",
      (v: any) => {
        delete v.messages[0].from;
        delete v.contacts;
      },
      "/entry/0/changes/0/value/messages/0/from",
    ],
  ])("refuses %s with the JSON path of the problem", (_name, mutate, expectedPath) => {
    const body = JSON.parse(fixture("whatsapp-text"));
    mutate(body.entry[0].changes[0].value);
    const result = normalizeMetaDelivery(JSON.stringify(body));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.path).toBe(expectedPath);
  });

  it("refuses a body that is not a Meta delivery", () => {
    expect(normalizeMetaDelivery("{")).toEqual({
      ok: false,
      error: { path: "", message: expect.stringMatching(/^body is not valid JSON/) },
    });
    expect(normalizeMetaDelivery(JSON.stringify({ object: "user", entry: [] }))).toEqual({
      ok: false,
      error: { path: "/object", message: 'must be "whatsapp_business_account", "page" or "instagram"' },
    });
  });
});

describe("Messenger deliveries", () => {
  const customer = { handle: "6912223218815236" };
  const page = { handle: "108447711879046" };
  const messenger = (externalId: string, ms: number, rest: Partial<CanonicalMessage>): CanonicalMessage => {
    const text = rest.text ?? "";
    return {
      channel: "messenger",
      externalId,
      from: customer,
      to: [page],
      cc: [],
      subject: null,
      text,
      fullText: text,
      attachments: [],
      thread: { references: [], conversationId: "108447711879046:6912223218815236" },
      receivedAt: new Date(ms).toISOString(),
      flags,
      kind: "message",
      ...rest,
    };
  };
  const ourStatus = (mid: string): CanonicalMessage => ({
    ...messenger(`status:${mid}:delivered`, 1749417006000, {}),
    from: page,
    to: [customer],
    flags: { ...flags, status: true },
    kind: "status",
    update: { targetExternalId: mid, status: "delivered" },
  });

  it("keeps customer messages, edits, reactions and deliveries; drops our echoes and watermark-only reads", () => {
    expect(parse(fixture("messenger-batch"))).toEqual([
      messenger("m_TEXT", 1749417000000, {
        text: "My parcel never came",
        thread: { references: [], conversationId: "108447711879046:6912223218815236", inReplyTo: "m_OURS1" },
      }),
      messenger("m_IMAGE", 1749417001000, {
        attachments: [
          {
            filename: "image",
            contentType: "image/*",
            size: 0,
            url: "https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg",
          },
          {
            filename: "file",
            contentType: "application/octet-stream",
            size: 0,
            url: "https://cdn.fbsbx.com/v/t59.2708-21/invoice.pdf",
          },
        ],
      }),
      messenger("m_QUICK", 1749417002000, {
        text: "Talk to a person",
        choice: { id: "HUMAN", title: "Talk to a person" },
      }),
      messenger("edit:m_TEXT:1", 1749417004000, {
        text: "My parcel never arrived",
        flags: { ...flags, edit: true },
        kind: "edit",
        update: { targetExternalId: "m_TEXT" },
      }),
      messenger("reaction:m_OURS1:6912223218815236:react:1749417005000", 1749417005000, {
        kind: "reaction",
        update: { targetExternalId: "m_OURS1", reaction: "❤️" },
      }),
      ourStatus("m_OURS1"),
      ourStatus("m_OURS2"),
      messenger("m_POSTBACK", 1749417008000, {
        text: "Track my order",
        choice: { id: "TRACK_ORDER", title: "Track my order" },
        referral: { ref: "summer-campaign", source: "SHORTLINK", type: "OPEN_THREAD" },
      }),
    ]);
  });
});

describe("Instagram deliveries", () => {
  const customer = { handle: "1254459154682919" };
  const account = { handle: "17841405822304914" };
  const instagram = (externalId: string, ms: number, rest: Partial<CanonicalMessage>): CanonicalMessage => {
    const text = rest.text ?? "";
    return {
      channel: "instagram",
      externalId,
      from: customer,
      to: [account],
      cc: [],
      subject: null,
      text,
      fullText: text,
      attachments: [],
      thread: { references: [], conversationId: "17841405822304914:1254459154682919" },
      receivedAt: new Date(ms).toISOString(),
      flags,
      kind: "message",
      ...rest,
    };
  };

  it("maps story replies, unsupported media, unsends, reads, removed reactions and shared reels", () => {
    expect(parse(fixture("instagram-batch"))).toEqual([
      instagram(
        "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTQyMDA1MDU1MTk2OTQ5NA",
        1749418000000,
        { text: "Wrong size delivered" },
      ),
      instagram("ig_UNSUPPORTED", 1749418001000, { text: "[unsupported message]" }),
      instagram("delete:ig_OLD", 1749418002000, {
        flags: { ...flags, delete: true },
        kind: "delete",
        update: { targetExternalId: "ig_OLD" },
      }),
      {
        ...instagram("status:ig_OURS1:read", 1749418003000, {}),
        from: account,
        to: [customer],
        flags: { ...flags, status: true },
        kind: "status",
        update: { targetExternalId: "ig_OURS1", status: "read" },
      },
      instagram("reaction:ig_OURS1:1254459154682919:unreact:1749418004000", 1749418004000, {
        kind: "reaction",
        update: { targetExternalId: "ig_OURS1", reaction: "" },
      }),
      instagram("ig_SHARE", 1749418005000, {
        attachments: [
          {
            filename: "Unboxing",
            contentType: "text/uri-list",
            size: 0,
            url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2",
          },
        ],
      }),
    ]);
  });

  it("reads messaging events sent as changes (the dashboard's test button)", () => {
    const body = {
      object: "instagram",
      entry: [
        {
          id: "17841405822304914",
          time: 1749418100000,
          changes: [
            {
              field: "messages",
              value: {
                sender: { id: "12334" },
                recipient: { id: "23245" },
                timestamp: "1527459824",
                message: { mid: "random_mid", text: "random_text" },
              },
            },
          ],
        },
      ],
    };
    // Meta's sample writes the timestamp as a string of seconds, where real events have milliseconds.
    expect(parse(JSON.stringify(body))).toEqual([
      {
        ...instagram("random_mid", 1527459824000, { text: "random_text" }),
        from: { handle: "12334" },
        to: [{ handle: "23245" }],
        thread: { references: [], conversationId: "23245:12334" },
      },
    ]);
  });
});
