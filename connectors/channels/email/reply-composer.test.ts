import { createHmac } from "node:crypto";
import {
  composeReply,
  isNoReplyAddress,
  NoReplyRecipientError,
  replySubject,
  type ComposeReplyInput,
} from "./reply-composer";
import { caseReplyAddress, ownMessageId, parseCaseReplyAddress, parseOwnMessageId } from "./reply-address";

const secret = "test-secret-0123456789";
const uuid = "5f0c2a4e-9b1d-4c3e-8a7f-0123456789ab";

/** The signature computed independently: HMAC-SHA256, first 50 bits as lower-case base32. */
function expectedSignature(purpose: string, payload: string, key = secret): string {
  const digest = createHmac("sha256", key).update(`plaint:${purpose}:v1:${payload}`).digest();
  let bits = "";
  for (const byte of digest.subarray(0, 7)) bits += byte.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < 50; i += 5) out += "abcdefghijklmnopqrstuvwxyz234567"[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

const replySig = expectedSignature("reply-address", "1042");
const idSig = expectedSignature("message-id", `1042:${uuid}`);

function input(overrides: Partial<ComposeReplyInput> = {}): ComposeReplyInput {
  return {
    mailbox: { address: "support@example.com", displayName: "Example Support" },
    caseNumber: 1042,
    caseReference: "C-1042",
    caseSubject: "Heater broken",
    to: { address: "anna@customer.test", name: "Anna Muster" },
    text: "Hello Anna,\n\nwe are on it.\n",
    inReplyTo: "<cust-2@customer.test>",
    references: ["<cust-1@customer.test>"],
    automatic: false,
    secret,
    messageIdDomain: "mail.plaint.test",
    messageUuid: uuid,
    ...overrides,
  };
}

describe("reply address", () => {
  it("is the mailbox with a signed case tag and round-trips", () => {
    const address = caseReplyAddress("support@example.com", 1042, secret);
    expect(address).toBe(`support+c1042.${replySig}@example.com`);
    expect(replySig).toMatch(/^[a-z2-7]{10}$/);
    expect(parseCaseReplyAddress(address, secret)).toBe(1042);
    expect(parseCaseReplyAddress(`"Support" <${address.toUpperCase()}>`, secret)).toBe(1042);
    // The signature covers the case number only: an alias rewriting the mailbox part keeps it valid.
    expect(parseCaseReplyAddress(`help+c1042.${replySig}@other.example`, secret)).toBe(1042);
  });

  it("rejects tampered, foreign and untagged addresses", () => {
    const flipped = replySig.startsWith("a") ? `b${replySig.slice(1)}` : `a${replySig.slice(1)}`;
    expect(parseCaseReplyAddress(`support+c1043.${replySig}@example.com`, secret)).toBeNull();
    expect(parseCaseReplyAddress(`support+c1042.${flipped}@example.com`, secret)).toBeNull();
    expect(parseCaseReplyAddress(`support+c01042.${replySig}@example.com`, secret)).toBeNull();
    expect(parseCaseReplyAddress(`support+c1042.${replySig.slice(0, 9)}@example.com`, secret)).toBeNull();
    expect(parseCaseReplyAddress(`support+c1042.${replySig}@example.com`, "another-secret")).toBeNull();
    expect(parseCaseReplyAddress("support@example.com", secret)).toBeNull();
    expect(parseCaseReplyAddress("not an address", secret)).toBeNull();
  });

  it("keeps an existing sub-address and refuses unusable input", () => {
    const sig7 = expectedSignature("reply-address", "7");
    expect(caseReplyAddress("support+in@example.com", 7, secret)).toBe(`support+in+c7.${sig7}@example.com`);
    expect(parseCaseReplyAddress(`support+in+c7.${sig7}@example.com`, secret)).toBe(7);
    expect(() => caseReplyAddress("support@example.com", 1.5, secret)).toThrow(RangeError);
    expect(() => caseReplyAddress("support@example.com", -1, secret)).toThrow(RangeError);
    expect(() => caseReplyAddress("no-at-sign", 1, secret)).toThrow(RangeError);
    expect(() => caseReplyAddress("support@example.com", 1, "")).toThrow(RangeError);
  });
});

describe("own Message-ID", () => {
  it("is signed and round-trips with or without angle brackets", () => {
    const id = ownMessageId(1042, uuid, "mail.plaint.test", secret);
    expect(id).toBe(`<c1042.${uuid}.${idSig}@mail.plaint.test>`);
    expect(parseOwnMessageId(id, "mail.plaint.test", secret)).toStrictEqual({ caseNumber: 1042, messageUuid: uuid });
    expect(parseOwnMessageId(id.slice(1, -1), "MAIL.plaint.test", secret)).toStrictEqual({
      caseNumber: 1042,
      messageUuid: uuid,
    });
  });

  it("rejects tampered ids, other domains and other secrets", () => {
    expect(parseOwnMessageId(`<c1043.${uuid}.${idSig}@mail.plaint.test>`, "mail.plaint.test", secret)).toBeNull();
    const otherUuid = `${uuid.slice(0, -1)}c`;
    expect(parseOwnMessageId(`<c1042.${otherUuid}.${idSig}@mail.plaint.test>`, "mail.plaint.test", secret)).toBeNull();
    expect(parseOwnMessageId(`<c1042.${uuid}.${idSig}@evil.test>`, "mail.plaint.test", secret)).toBeNull();
    expect(parseOwnMessageId(`<c1042.${uuid}.${idSig}@mail.plaint.test>`, "mail.plaint.test", "x")).toBeNull();
    expect(parseOwnMessageId("<random@mail.plaint.test>", "mail.plaint.test", secret)).toBeNull();
  });
});

describe("composeReply", () => {
  it("builds a threaded, tagged, signed reply", () => {
    expect(composeReply(input())).toStrictEqual({
      from: { name: "Example Support", address: "support@example.com" },
      to: { name: "Anna Muster", address: "anna@customer.test" },
      replyTo: { name: "Example Support", address: `support+c1042.${replySig}@example.com` },
      subject: "Re: Heater broken [#C-1042]",
      text: "Hello Anna,\n\nwe are on it.\n",
      messageId: `<c1042.${uuid}.${idSig}@mail.plaint.test>`,
      inReplyTo: "<cust-2@customer.test>",
      references: ["<cust-1@customer.test>", "<cust-2@customer.test>"],
      headers: {},
    });
  });

  it("marks automatic mail and leaves out In-Reply-To when there is none", () => {
    expect(
      composeReply(
        input({ automatic: true, inReplyTo: undefined, references: [], mailbox: { address: "support@example.com" } }),
      ),
    ).toStrictEqual({
      from: { name: "", address: "support@example.com" },
      to: { name: "Anna Muster", address: "anna@customer.test" },
      replyTo: { name: "", address: `support+c1042.${replySig}@example.com` },
      subject: "Re: Heater broken [#C-1042]",
      text: "Hello Anna,\n\nwe are on it.\n",
      messageId: `<c1042.${uuid}.${idSig}@mail.plaint.test>`,
      references: [],
      headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" },
    });
  });

  it("normalises, deduplicates and caps References", () => {
    const many = Array.from({ length: 30 }, (_, i) => `<m${i}@x.test>`);
    const mail = composeReply(
      input({ references: ["<a@x.test> <b@x.test>", " a@x.test ", ...many], inReplyTo: "b@x.test" }),
    );
    expect(mail.inReplyTo).toBe("<b@x.test>");
    expect(mail.references).toStrictEqual(["<a@x.test>", ...many.slice(-18), "<b@x.test>"]);
    expect(mail.references).toHaveLength(20);
    expect(
      composeReply(input({ references: ["<a@x.test>", "<b@x.test>", "<a@x.test>"], inReplyTo: "<a@x.test>" }))
        .references,
    ).toStrictEqual(["<b@x.test>", "<a@x.test>"]);
  });

  it("refuses automatic mail to noreply-style recipients", () => {
    expect(() => composeReply(input({ automatic: true, to: { address: "no-reply@shop.test" } }))).toThrow(
      NoReplyRecipientError,
    );
    expect(composeReply(input({ automatic: false, to: { address: "no-reply@shop.test" } })).to).toStrictEqual({
      name: "",
      address: "no-reply@shop.test",
    });
  });
});

describe("replySubject", () => {
  it.each([
    ["Heater broken", "Re: Heater broken [#C-1042]"],
    ["Re: Heater broken", "Re: Heater broken [#C-1042]"],
    ["RE: Re: AW: Heater broken", "Re: Heater broken [#C-1042]"],
    ["Re: Heater broken [#C-1042]", "Re: Heater broken [#C-1042]"],
    ["[#C-1042] Re: Heater broken", "Re: Heater broken [#C-1042]"],
    ["Re[2]: Heater [#c-1042] broken [#C-1042]", "Re: Heater broken [#C-1042]"],
    ["Antwort: Heizung kaputt", "Re: Heizung kaputt [#C-1042]"],
    ["Fwd: Heater broken", "Re: Fwd: Heater broken [#C-1042]"],
    ["Heater [#C-999] broken", "Re: Heater [#C-999] broken [#C-1042]"],
    ["Line\r\nbreak", "Re: Line break [#C-1042]"],
    ["Re: ", "Re: [#C-1042]"],
    [null, "Re: [#C-1042]"],
  ])("%j → %j", (subject, expected) => {
    expect(replySubject(subject, "C-1042")).toBe(expected);
  });

  it("produces a subject the default caseTagPattern reads back", () => {
    expect(new RegExp("\\[#(C-\\d+)\\]").exec(replySubject("Re: Heater", "C-1042"))?.[1]).toBe("C-1042");
  });
});

describe("isNoReplyAddress", () => {
  it.each([
    "noreply@github.com",
    "no-reply@shop.test",
    "No_Reply@shop.test",
    "donotreply@bank.test",
    "do-not-reply@bank.test",
    "noreply-dmarc-support@google.com",
    "MAILER-DAEMON@mx.test",
    "postmaster@mx.test",
    "bounce@lists.test",
    "bounces+12345-abc=customer.test@sendgrid.net",
    "bounce-mc.us5_1234.567-anna=customer.test@mail.mailchimp.com",
    "Shop <noreply@shop.test>",
    "not an address",
    "",
  ])("%j is a noreply address", (address) => {
    expect(isNoReplyAddress(address)).toBe(true);
  });

  it.each(["anna@customer.test", "Anna <anna.muster@customer.test>", "support+c1042@example.com", "replies@shop.test"])(
    "%j is an ordinary address",
    (address) => {
      expect(isNoReplyAddress(address)).toBe(false);
    },
  );
});
