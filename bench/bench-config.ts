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
  - id: webform
    type: webhook
    secret: \${BENCH_WEBHOOK_SECRET}
    signature: { header: X-Signature, algorithm: sha256, encoding: hex, prefix: "sha256=", timestampHeader: X-Timestamp }
    mapping:
      externalId: /id
      text: /message
      subject: /subject
      from: { email: /email, name: /name }
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
${extra}`;
}
