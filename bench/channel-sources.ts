/**
 * The requests of bench/channels.bench.ts: for each messaging channel, unique messages signed the way its vendor
 * signs them (as in test/integration/<channel>-intake.test.ts), and the answer the vendor expects back. Every
 * message has its own id and its own sender, so each one is a new customer, identity and case (except with
 * BENCH_RETURNING_SENDERS, for Twilio: a few numbers writing again and again).
 */
import { createHmac, randomBytes } from "node:crypto";
// The webhooks module alone, as connectors/twilio/twilio-signature.ts does: the package root loads the REST client.
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { CHANNEL_IDS, CHANNELS_PUBLIC_URL } from "./bench-config";
import { firstHeader, MessageSource, type RequestSource, type SignedMessage } from "./load";

export const CHANNELS = ["webhook", "twilio", "meta", "slack"] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** The secrets of the channels bench's connectors, given to the hub children as BENCH_* variables. */
export interface ChannelSecrets {
  webhookSecret: string;
  twilioAuthToken: string;
  metaAppSecret: string;
  slackSigningSecret: string;
}

/** Fresh vendor secrets; the webhook's comes from writeSetup (BENCH_WEBHOOK_SECRET). */
export function newVendorSecrets(): Omit<ChannelSecrets, "webhookSecret"> {
  return {
    twilioAuthToken: randomBytes(16).toString("hex"),
    metaAppSecret: randomBytes(16).toString("hex"),
    slackSigningSecret: randomBytes(16).toString("hex"),
  };
}

/** The variables `channelsBenchConfigYaml` reads (besides BENCH_WEBHOOK_SECRET, which writeSetup sets). */
export function channelSecretsEnv(secrets: Omit<ChannelSecrets, "webhookSecret">): Record<string, string> {
  return {
    BENCH_TWILIO_AUTH_TOKEN: secrets.twilioAuthToken,
    BENCH_META_APP_SECRET: secrets.metaAppSecret,
    BENCH_SLACK_SIGNING_SECRET: secrets.slackSigningSecret,
    BENCH_SLACK_BOT_TOKEN: "xoxb-0-plaint-bench",
  };
}

/** What the bench needs to know of one channel: its connector, its requests and the answer they must get. */
export interface ChannelSpec {
  name: ChannelName;
  connectorId: string;
  /** The vendor's expected answer, for the table and the log. */
  answer: string;
  source: RequestSource;
}

export function channelSpec(
  name: ChannelName,
  secrets: ChannelSecrets,
  runId: string,
  /** Twilio only: messages come from this many numbers in turn (returning customers) instead of one each. */
  returningSenders: number | null = null,
): ChannelSpec {
  switch (name) {
    case "webhook":
      return {
        name,
        connectorId: "webform",
        answer: "202 JSON",
        source: new MessageSource(secrets.webhookSecret, runId),
      };
    case "twilio":
      return {
        name,
        connectorId: CHANNEL_IDS.twilioConnector,
        answer: "200 TwiML",
        source: twilioSource(secrets, returningSenders),
      };
    case "meta":
      return {
        name,
        connectorId: CHANNEL_IDS.metaConnector,
        answer: '200 {"status":"received"}',
        source: metaSource(secrets, runId),
      };
    case "slack":
      return { name, connectorId: CHANNEL_IDS.slackConnector, answer: "202 accepted", source: slackSource(secrets) };
  }
}

/** A customer's phone number, distinct per message: +1 415 then seven digits (libphonenumber finds it possible). */
function phone(seq: number): string {
  return `+1415${String(2_000_000 + seq).padStart(7, "0")}`;
}

/** Makes `next` count messages and hand the count to `make`. */
function counting(
  path: string,
  expectedStatus: number,
  make: (seq: number) => SignedMessage,
  checkAnswer: RequestSource["checkAnswer"],
): RequestSource {
  let seq = 0;
  return { path, expectedStatus, next: () => make(++seq), ...(checkAnswer && { checkAnswer }) };
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * An inbound SMS as Twilio posts it: form-encoded, `X-Twilio-Signature` = base64 HMAC-SHA1 (auth token) of the
 * public URL followed by the sorted parameters, computed with the twilio package itself.
 */
function twilioSource(secrets: ChannelSecrets, returningSenders: number | null): RequestSource {
  const path = `/v1/intake/webhook/${CHANNEL_IDS.twilioConnector}`;
  const url = `${CHANNELS_PUBLIC_URL}${path}`;
  const run = randomBytes(4).toString("hex");
  return counting(
    path,
    200,
    (seq) => {
      const sid = `SM${run}${seq.toString(16).padStart(24, "0")}`;
      const params: Record<string, string> = {
        ToCountry: "US",
        ToState: "CA",
        SmsMessageSid: sid,
        NumMedia: "0",
        SmsSid: sid,
        SmsStatus: "received",
        Body: `Complaint ${sid}: my order arrived broken.`,
        FromCountry: "US",
        To: CHANNEL_IDS.twilioNumber,
        NumSegments: "1",
        MessageSid: sid,
        AccountSid: CHANNEL_IDS.twilioAccountSid,
        From: phone(returningSenders === null ? seq : (seq % returningSenders) + 1),
        ApiVersion: "2010-04-01",
      };
      return {
        id: sid,
        body: new URLSearchParams(params).toString(),
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": getExpectedTwilioSignature(secrets.twilioAuthToken, url, params),
        },
      };
    },
    (body, headers) =>
      body === EMPTY_TWIML && firstHeader(headers, "content-type").startsWith("text/xml")
        ? null
        : `not the empty TwiML: ${firstHeader(headers, "content-type")} ${body.slice(0, 100)}`,
  );
}

/**
 * A WhatsApp Cloud API delivery carrying one text message, as Meta posts it: `X-Hub-Signature-256` = `sha256=` +
 * hex HMAC-SHA256 (app secret) of the raw body.
 */
function metaSource(secrets: ChannelSecrets, runId: string): RequestSource {
  return counting(
    `/v1/intake/webhook/${CHANNEL_IDS.metaConnector}`,
    200,
    (seq) => {
      const waId = phone(seq).slice(1);
      const id = `wamid.bench-${runId}-${seq}`;
      const body = JSON.stringify({
        object: "whatsapp_business_account",
        entry: [
          {
            id: "102290129340398",
            changes: [
              {
                value: {
                  messaging_product: "whatsapp",
                  metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
                  contacts: [{ profile: { name: "Bench Customer" }, wa_id: waId }],
                  messages: [
                    {
                      from: waId,
                      id,
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      type: "text",
                      text: { body: `Complaint ${id}: my order arrived broken.` },
                    },
                  ],
                },
                field: "messages",
              },
            ],
          },
        ],
      });
      const signature = createHmac("sha256", secrets.metaAppSecret).update(body).digest("hex");
      return {
        id,
        body,
        headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${signature}` },
      };
    },
    (body) => (body === '{"status":"received"}' ? null : `not Meta's receipt: ${body.slice(0, 100)}`),
  );
}

/**
 * A customer's message in a Slack Connect channel, as the Events API posts it (`event_callback`): `X-Slack-Signature`
 * = `v0=` + hex HMAC-SHA256 (signing secret) of `v0:<X-Slack-Request-Timestamp>:<raw body>`. Each message has its
 * own `ts` and its own user of the customer's workspace.
 */
function slackSource(secrets: ChannelSecrets): RequestSource {
  const startSeconds = Math.floor(Date.now() / 1000);
  const customerTeam = "T0BENCHCUST";
  return counting(
    `/v1/intake/webhook/${CHANNEL_IDS.slackConnector}`,
    202,
    (seq) => {
      const ts = `${startSeconds + Math.floor(seq / 1_000_000)}.${String(seq % 1_000_000).padStart(6, "0")}`;
      const user = `U0C${seq.toString(36).toUpperCase()}`;
      const body = JSON.stringify({
        token: "bench-verification-token",
        team_id: CHANNEL_IDS.slackOurTeam,
        api_app_id: "A0PLAINTBENCH",
        event: {
          client_msg_id: `bench-${ts}`,
          type: "message",
          text: `Complaint ${ts}: our invoice was charged twice.`,
          user,
          ts,
          team: customerTeam,
          user_team: customerTeam,
          user_profile: { real_name: `Bench Customer ${seq}`, display_name: `customer${seq}`, team: customerTeam },
          channel: CHANNEL_IDS.slackChannel,
          event_ts: ts,
          channel_type: "channel",
        },
        type: "event_callback",
        event_id: `Ev0BENCH${seq}`,
        event_time: startSeconds,
        authorizations: [
          {
            team_id: CHANNEL_IDS.slackOurTeam,
            user_id: CHANNEL_IDS.slackBotUser,
            is_bot: true,
            is_enterprise_install: false,
          },
        ],
        is_ext_shared_channel: true,
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = createHmac("sha256", secrets.slackSigningSecret)
        .update(`v0:${timestamp}:${body}`)
        .digest("hex");
      return {
        id: `${CHANNEL_IDS.slackChannel}:${ts}`,
        body,
        headers: {
          "content-type": "application/json",
          "x-slack-request-timestamp": timestamp,
          "x-slack-signature": `v0=${signature}`,
        },
      };
    },
    (body) => (body.startsWith('{"status":"accepted"') ? null : `not an accepted receipt: ${body.slice(0, 100)}`),
  );
}
