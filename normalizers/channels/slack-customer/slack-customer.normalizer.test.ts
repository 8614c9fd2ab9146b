import { readFileSync } from "node:fs";
import path from "node:path";
import { describeWithCorpus } from "../../../test/support/corpora";
import { noFlags } from "../../canonical-message";
import type { SlackCustomerSettings } from "./slack-context";
import { normalizeSlackCustomer } from "./slack-customer.normalizer";

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name), "utf8");

const settings: SlackCustomerSettings = {
  channels: [{ channel: "C0ACMESHARED", customer: "Acme Corp" }, { channel: "D2AQCJCQ2" }],
  ignoreOwnWorkspace: true,
};
const normalize = (body: string, overrides: Partial<SlackCustomerSettings> = {}) =>
  normalizeSlackCustomer(body, { ...settings, ...overrides });

/** Payloads shaped after Slack's documented Events API examples (fixtures/) and the shared corpus. */
describe("Slack customer-channel normalizer", () => {
  it("turns a top-level message from a Slack Connect user into a message, mrkdwn made plain", () => {
    expect(normalize(fixture("message.json"))).toStrictEqual({
      ok: true,
      value: {
        kind: "message",
        message: {
          channel: "slack",
          externalId: "C0ACMESHARED:1764105600.123456",
          from: { handle: "T0ACMECORP:U0ACMEANA", name: "Ana Pereira" },
          to: [{ handle: "C0ACMESHARED", name: "Acme Corp" }],
          cc: [],
          subject: null,
          text:
            "Hi @U0BOTUSER, invoice INV-4411 (https://billing.example.com/inv/4411) charged us twice & support at " +
            "help@example.com never answered. Cc @finance <urgent>",
          fullText:
            "Hi @U0BOTUSER, invoice INV-4411 (https://billing.example.com/inv/4411) charged us twice & support at " +
            "help@example.com never answered. Cc @finance <urgent>",
          attachments: [],
          thread: { references: [], conversationId: "C0ACMESHARED" },
          receivedAt: "2025-11-25T21:20:00.123Z",
          flags: { ...noFlags },
          kind: "message",
        },
      },
    });
  });

  it("points a thread reply at the thread's top message, so it joins that case", () => {
    const result = normalize(fixture("thread-reply.json"));
    expect(result).toStrictEqual({
      ok: true,
      value: {
        kind: "message",
        message: {
          channel: "slack",
          externalId: "C0ACMESHARED:1764109200.000200",
          from: { handle: "T0ACMECORP:U0ACMEANA", name: "Ana Pereira" },
          to: [{ handle: "C0ACMESHARED", name: "Acme Corp" }],
          cc: [],
          subject: null,
          text: "Any news? Still charged twice.",
          fullText: "Any news? Still charged twice.",
          attachments: [],
          thread: { inReplyTo: "C0ACMESHARED:1764105600.123456", references: [], conversationId: "C0ACMESHARED" },
          receivedAt: "2025-11-25T22:20:00.000Z",
          flags: { ...noFlags },
          kind: "message",
        },
      },
    });
  });

  it("lists shared files as attachments by file id, also the Slack Connect ones Slack sends without details", () => {
    const result = normalize(fixture("file-share.json"));
    expect(result).toStrictEqual({
      ok: true,
      value: {
        kind: "message",
        message: {
          channel: "slack",
          externalId: "C0ACMESHARED:1764106000.000300",
          from: { handle: "T0ACMECORP:U0ACMEANA" },
          to: [{ handle: "C0ACMESHARED", name: "Acme Corp" }],
          cc: [],
          subject: null,
          text: "Screenshot of the two charges",
          fullText: "Screenshot of the two charges",
          attachments: [
            { filename: "charges.png", contentType: "image/png", size: 48213, mediaId: "F0SCREEN01" },
            { filename: "F0HIDDEN02", contentType: "application/octet-stream", size: 0, mediaId: "F0HIDDEN02" },
          ],
          thread: { references: [], conversationId: "C0ACMESHARED" },
          receivedAt: "2025-11-25T21:26:40.000Z",
          flags: { ...noFlags },
          kind: "message",
        },
      },
    });
  });

  it("makes message_changed an edit of the original message, with the new text and an id of its own", () => {
    expect(normalize(fixture("message-changed.json"))).toStrictEqual({
      ok: true,
      value: {
        kind: "message",
        message: {
          channel: "slack",
          externalId: "C0ACMESHARED:1764105600.123456:edit:1764106500.000000",
          from: { handle: "T0ACMECORP:U0ACMEANA" },
          to: [],
          cc: [],
          subject: null,
          text: "Invoice INV-4411 charged us *three* times",
          fullText: "Invoice INV-4411 charged us *three* times",
          attachments: [],
          thread: { references: [], conversationId: "C0ACMESHARED" },
          receivedAt: "2025-11-25T21:35:00.000Z",
          flags: { ...noFlags, edit: true },
          kind: "edit",
          update: { targetExternalId: "C0ACMESHARED:1764105600.123456" },
        },
      },
    });
  });

  it("makes message_deleted a delete of the original message", () => {
    expect(normalize(fixture("message-deleted.json"))).toStrictEqual({
      ok: true,
      value: {
        kind: "message",
        message: {
          channel: "slack",
          externalId: "C0ACMESHARED:1764105600.123456:delete",
          from: { handle: "T0ACMECORP:U0ACMEANA" },
          to: [],
          cc: [],
          subject: null,
          text: "",
          fullText: "",
          attachments: [],
          thread: { references: [], conversationId: "C0ACMESHARED" },
          receivedAt: "2025-11-25T21:50:00.000Z",
          flags: { ...noFlags, delete: true },
          kind: "delete",
          update: { targetExternalId: "C0ACMESHARED:1764105600.123456" },
        },
      },
    });
  });

  it("makes a thread parent deleted under its replies (a tombstone) a delete", () => {
    const body = JSON.parse(fixture("message-changed.json"));
    body.event.message = {
      type: "message",
      subtype: "tombstone",
      text: "This message was deleted.",
      hidden: true,
      user: "USLACKBOT",
      ts: "1764105600.123456",
      thread_ts: "1764105600.123456",
    };
    const result = normalize(JSON.stringify(body));
    expect(result.ok && result.value.kind === "message" && result.value.message).toMatchObject({
      externalId: "C0ACMESHARED:1764105600.123456:delete",
      kind: "delete",
      update: { targetExternalId: "C0ACMESHARED:1764105600.123456" },
    });
  });

  it("makes reaction_removed a reaction update with an empty emoji", () => {
    expect(normalize(fixture("reaction-removed.json"))).toStrictEqual({
      ok: true,
      value: {
        kind: "message",
        message: {
          channel: "slack",
          externalId: "C0ACMESHARED:1764108000.000800:reaction_removed:U0ACMEANA:white_check_mark:1764108100.000900",
          from: { handle: "U0ACMEANA" },
          to: [],
          cc: [],
          subject: null,
          text: "",
          fullText: "",
          attachments: [],
          thread: { references: [], conversationId: "C0ACMESHARED" },
          receivedAt: "2025-11-25T22:01:40.000Z",
          flags: { ...noFlags },
          kind: "reaction",
          update: { targetExternalId: "C0ACMESHARED:1764108000.000800", reaction: "" },
        },
      },
    });
  });

  it.each([
    ["channel-join.json", "system-message"],
    ["own-reply.json", "own-post"],
    ["staff-message.json", "staff-message"],
    ["other-channel.json", "unconfigured-channel"],
    ["message-changed-unfurl.json", "unchanged-edit"],
  ])("ignores %s (%s)", (name, reason) => {
    expect(normalize(fixture(name))).toStrictEqual({ ok: true, value: { kind: "ignored", reason } });
  });

  it("ignores posts of any bot, and our bot by its configured user id even without authorizations", () => {
    const other = JSON.parse(fixture("own-reply.json"));
    other.event.user = "U0OTHERBOT";
    expect(normalize(JSON.stringify(other))).toStrictEqual({
      ok: true,
      value: { kind: "ignored", reason: "bot-message" },
    });
    const legacy = {
      ...other,
      event: {
        type: "message",
        subtype: "bot_message",
        bot_id: "B0HOOK",
        text: "Deploy done",
        ts: "1764107000.000001",
        channel: "C0ACMESHARED",
      },
    };
    expect(normalize(JSON.stringify(legacy))).toStrictEqual({
      ok: true,
      value: { kind: "ignored", reason: "bot-message" },
    });
    const ours = JSON.parse(fixture("own-reply.json"));
    delete ours.authorizations;
    delete ours.event.bot_id;
    expect(normalize(JSON.stringify(ours), { botUserId: "U0BOTUSER" })).toStrictEqual({
      ok: true,
      value: { kind: "ignored", reason: "own-post" },
    });
  });

  it("treats staff as customers when ignoreOwnWorkspace is off (customers as guests in our workspace)", () => {
    const result = normalize(fixture("staff-message.json"), { ignoreOwnWorkspace: false });
    expect(result.ok && result.value.kind === "message" && result.value.message.from).toStrictEqual({
      handle: "T0OURTEAM:U0OURAGENT",
    });
  });

  it("uses the configured workspace id over the event's authorizations to tell staff apart", () => {
    const result = normalize(fixture("message.json"), { teamId: "T0ACMECORP" });
    expect(result).toStrictEqual({ ok: true, value: { kind: "ignored", reason: "staff-message" } });
  });

  it("says where a malformed event is wrong", () => {
    expect(normalize("{nope")).toMatchObject({ ok: false, error: { path: "" } });
    expect(normalize(JSON.stringify({ type: "event_callback" }))).toStrictEqual({
      ok: false,
      error: { path: "/event", message: "missing" },
    });
    const noTs = JSON.parse(fixture("message.json"));
    delete noTs.event.ts;
    expect(normalize(JSON.stringify(noTs))).toMatchObject({ ok: false, error: { path: "/event/ts" } });
    const noDeleted = JSON.parse(fixture("message-deleted.json"));
    delete noDeleted.event.deleted_ts;
    expect(normalize(JSON.stringify(noDeleted))).toStrictEqual({
      ok: false,
      error: { path: "/event/deleted_ts", message: "missing" },
    });
  });

  it("ignores envelope types that are not events, and event types it does not handle", () => {
    expect(normalize(JSON.stringify({ type: "app_rate_limited", minute_rate_limited: 1518467820 }))).toStrictEqual({
      ok: true,
      value: { kind: "ignored", reason: "not-an-event" },
    });
    const pin = { type: "event_callback", event: { type: "pin_added", channel_id: "C0ACMESHARED" } };
    expect(normalize(JSON.stringify(pin))).toStrictEqual({
      ok: true,
      value: { kind: "ignored", reason: "unsupported-event" },
    });
  });

  describeWithCorpus("webhooks", "the shared corpus's Slack payloads", (corpora) => {
    const corpusDir = path.join(corpora, "webhooks", "slack");

    it("url_challenge.json is the handshake", () => {
      expect(normalize(readFileSync(path.join(corpusDir, "url_challenge.json"), "utf8"))).toStrictEqual({
        ok: true,
        value: { kind: "handshake", challenge: "valid_challenge_token" },
      });
    });

    it("reaction_added.json is a reaction on the message it names", () => {
      expect(normalize(readFileSync(path.join(corpusDir, "reaction_added.json"), "utf8"))).toStrictEqual({
        ok: true,
        value: {
          kind: "message",
          message: {
            channel: "slack",
            externalId: "D2AQCJCQ2:1477958101.000004:reaction_added:U27FFLNF4:grinning:1477958240.864741",
            from: { handle: "U27FFLNF4" },
            to: [],
            cc: [],
            subject: null,
            text: "",
            fullText: "",
            attachments: [],
            thread: { references: [], conversationId: "D2AQCJCQ2" },
            receivedAt: "2016-10-31T23:57:20.864Z",
            flags: { ...noFlags },
            kind: "reaction",
            update: { targetExternalId: "D2AQCJCQ2:1477958101.000004", reaction: "grinning" },
          },
        },
      });
    });

    it("reaction_added.json in a channel that is not a customer channel is ignored", () => {
      const body = readFileSync(path.join(corpusDir, "reaction_added.json"), "utf8");
      expect(normalize(body, { channels: [{ channel: "C0ACMESHARED" }] })).toStrictEqual({
        ok: true,
        value: { kind: "ignored", reason: "unconfigured-channel" },
      });
    });
  });
});
