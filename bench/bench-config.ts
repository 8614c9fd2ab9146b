/**
 * The hub configuration the bench runs with: one signed webhook connector (like testConfigYaml in
 * test/support/test-hub.ts), defaults everywhere else (server.maxBodyBytes, pipeline), no destinations, so no
 * outbox rows. The secret and the viewer key come from variables the bench passes to its children.
 */
export function benchConfigYaml(): string {
  return `# Written by bench/intake.bench.ts: one signed webhook connector, defaults everywhere else, no destinations.
apiKeys:
  - { name: bench-viewer, key: "\${BENCH_VIEWER_KEY}", role: viewer }
teams:
  - { id: support, name: Support }
routing: { defaultTeam: support }
connectors:
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
