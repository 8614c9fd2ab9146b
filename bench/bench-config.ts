import { generatedRoutingYaml } from "./bench-rules";

/** What every bench config starts with: a viewer key (from a variable the bench passes), one team, its routing. */
const BASE = `apiKeys:
  - { name: bench-viewer, key: "\${BENCH_VIEWER_KEY}", role: viewer }
teams:
  - { id: support, name: Support }
routing: { defaultTeam: support }
`;

/**
 * The hub configuration the bench runs with: one signed webhook connector (like testConfigYaml in
 * test/support/test-hub.ts), defaults everywhere else (server.maxBodyBytes, pipeline), no destinations, so no
 * outbox rows. The secret and the viewer key come from variables the bench passes to its children.
 */
export function benchConfigYaml(): string {
  return `# Written by bench/intake.bench.ts: one signed webhook connector, defaults everywhere else, no destinations.
${BASE}connectors:
${WEBFORM}`;
}

/** The webhook connector `webform` (bench/load.ts MessageSource posts to it), as a `connectors:` list entry. */
const WEBFORM = `  - id: webform
    type: webhook
    secret: \${BENCH_WEBHOOK_SECRET}
    signature: { header: X-Signature, algorithm: sha256, encoding: hex, prefix: "sha256=", timestampHeader: X-Timestamp }
    mapping:
      externalId: /id
      text: /message
      subject: /subject
      from: { email: /email, name: /name }
`;

/** The public URL the channels bench's hub believes it is reached at: Twilio signs it (server.publicUrl). */
export const CHANNELS_PUBLIC_URL = "https://plaint-bench.example";

/** Fixed ids of the channels bench's config, which bench/channel-sources.ts writes into its requests. */
export const CHANNEL_IDS = {
  twilioConnector: "twilio-bench",
  twilioAccountSid: "AC0b3c4d5e6f708192a3b4c5d6e7f80912",
  twilioNumber: "+14155550100",
  metaConnector: "meta-bench",
  slackConnector: "slack-bench",
  slackChannel: "C0BENCHCHAN",
  slackOurTeam: "T0BENCHOURS",
  slackBotUser: "U0BENCHBOT",
} as const;

/**
 * The channels bench's configuration: the webhook connector above plus one Twilio, one Meta and one Slack customer
 * connector, `server.publicUrl` set (Twilio signs the URL it called), defaults everywhere else, no destinations.
 * Secrets come from variables the bench passes to its children (see `writeSetup`'s `extraEnv`).
 */
export function channelsBenchConfigYaml(rules = 0): string {
  const ids = CHANNEL_IDS;
  const base = rules > 0 ? BASE.replace("routing: { defaultTeam: support }\n", generatedRoutingYaml(rules)) : BASE;
  return `# Written by bench/channels.bench.ts: one connector per messaging channel, defaults everywhere else.
${base}server: { publicUrl: ${CHANNELS_PUBLIC_URL} }
connectors:
${WEBFORM}  - id: ${ids.twilioConnector}
    type: twilio
    accountSid: ${ids.twilioAccountSid}
    authToken: \${BENCH_TWILIO_AUTH_TOKEN}
    numbers: ["${ids.twilioNumber}"]
  - id: ${ids.metaConnector}
    type: meta
    appSecret: \${BENCH_META_APP_SECRET}
    verifyToken: plaint-bench-verify
  - id: ${ids.slackConnector}
    type: slack-customer
    signingSecret: \${BENCH_SLACK_SIGNING_SECRET}
    botToken: \${BENCH_SLACK_BOT_TOKEN}
    botUserId: ${ids.slackBotUser}
    teamId: ${ids.slackOurTeam}
    channels:
      - { channel: ${ids.slackChannel}, customer: Bench Customer Co }
`;
}

/**
 * The email bench's configuration: one email connector reading `folder` of the private test Dovecot (plain IMAP on
 * loopback, marking mails seen), defaults everywhere else, no SMTP and no destinations. The IMAP password and the
 * viewer key come from variables the bench passes to its children; `imapExtra` adds YAML lines to the imap block.
 */
export function emailBenchConfigYaml(
  folder: string,
  imap: { host: string; port: number; user: string },
  imapExtra: Record<string, string | number> = {},
): string {
  const extra = Object.entries(imapExtra)
    .map(([key, value]) => `      ${key}: ${JSON.stringify(value)}\n`)
    .join("");
  return `# Written by bench/email.bench.ts: one email connector on the test Dovecot, defaults everywhere else.
${BASE}connectors:
  - id: bench-mail
    type: email
    address: support@plaint-bench.test
    imap:
      host: ${imap.host}
      port: ${imap.port}
      tls: false
      user: ${imap.user}
      secret: \${BENCH_IMAP_PASSWORD}
      folder: ${JSON.stringify(folder)}
      afterIntake: mark-seen
${extra}# The generated complaints draw their sentences from one small pool, so a customer's second complaint reads much
# like the first and matching by content would (rightly) join them: the integrity check counts the cases the thread
# rules make. Classification, masking and the repeat look-up still run on every mail.
cases:
  matching: { enabled: false }
`;
}
