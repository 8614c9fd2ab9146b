import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { loadConfigOrThrow } from "../../core/hub";
import type { PlaintConfig } from "../../core/config/config.schema";
import type { PlaintEnv } from "../../core/kernel/config/env";
import { migrateOnly } from "../../core/kernel/db/database";
import { startHub, type Hub } from "../../core/hub";
import { signHmac } from "../../core/kernel/security/hmac-signature";

export const webhookSecret = "test-webhook-secret-0123456789";
export const adminKey = "test-admin-key-0123456789";
export const viewerKey = "test-viewer-key-0123456789";

/** The YAML a test hub runs with: one signed webhook connector with a timestamp, two API keys. */
export function testConfigYaml(): string {
  return `
apiKeys:
  - { name: test-admin, key: ${adminKey}, role: admin }
  - { name: test-viewer, key: ${viewerKey}, role: viewer }
teams:
  - { id: support, name: Support }
routing: { defaultTeam: support }
server: { maxBodyBytes: 4096 }
pipeline: { maxAttempts: 3, backoffMs: 50 }
destinations:
  - { id: crm, type: log }
connectors:
  - id: webform
    type: webhook
    secret: \${TEST_WEBHOOK_SECRET}
    signature: { header: X-Signature, algorithm: sha256, encoding: hex, prefix: "sha256=", timestampHeader: X-Timestamp }
    mapping:
      externalId: /id
      text: /message
      subject: /subject
      from: { email: /email, name: /name }
`;
}

/** The test config with its `teams:` and `routing:` sections replaced by `teamsAndRouting` (routing-rule tests). */
export function testConfigYamlWithRouting(teamsAndRouting: string): string {
  const sections = "teams:\n  - { id: support, name: Support }\nrouting: { defaultTeam: support }";
  return testConfigYaml().replace(sections, teamsAndRouting);
}

/** Writes the test config to a fresh folder and loads it through the real loader. */
export function writeTestConfig(): { configPath: string; config: PlaintConfig; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "plaint-test-"));
  const configPath = path.join(dir, "plaint.yaml");
  writeFileSync(configPath, testConfigYaml());
  return { configPath, config: loadConfigOrThrow(configPath, { TEST_WEBHOOK_SECRET: webhookSecret }), dir };
}

export function testEnv(overrides: Partial<PlaintEnv> & { dataDir: string; configPath: string }): PlaintEnv {
  return {
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    workerConcurrency: 64,
    queueName: randomQueueName(),
    ...overrides,
  };
}

export function randomQueueName(): string {
  return `plaint-test-${randomUUID()}`;
}

/** Headers a correct sender would send for `body`. */
export function signedHeaders(
  body: string,
  secret = webhookSecret,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-timestamp": String(timestamp),
    "x-signature": `sha256=${signHmac(secret, "sha256", "hex", `${timestamp}.${body}`)}`,
  };
}

export function complaint(id: string, email = `customer-${id}@example.com`): string {
  return JSON.stringify({
    id,
    message: `Complaint ${id}: my order arrived broken.`,
    subject: `Order ${id}`,
    email,
    name: "Test Customer",
  });
}

export async function postWebhook(
  baseUrl: string,
  body: string,
  headers = signedHeaders(body),
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${baseUrl}/v1/intake/webhook/webform`, { method: "POST", body, headers });
  return { status: response.status, json: await response.json() };
}

/** Polls until `probe` returns a truthy value, or fails after the timeout. */
export async function eventually<T>(
  probe: () => Promise<T>,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<Exclude<T, null | undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<T, null | undefined | false>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * `plaint start` in this process on a fresh PostgreSQL database (migrated here) and Redis, with the test config
 * plus `extraConnectorsYaml` (entries of `connectors:`, indented two spaces).
 */
export async function startScaleOutHub(
  databaseUrl: string,
  redisUrl: string,
  extraConnectorsYaml: string,
): Promise<Hub> {
  const dir = mkdtempSync(path.join(tmpdir(), "plaint-scale-out-"));
  const configPath = path.join(dir, "plaint.yaml");
  writeFileSync(configPath, `${testConfigYaml()}${extraConnectorsYaml}`);
  const config = loadConfigOrThrow(configPath, { TEST_WEBHOOK_SECRET: webhookSecret });
  const dataDir = path.join(dir, "data");
  await migrateOnly({ databaseUrl, dataDir });
  const logLevel = (process.env.LOG_LEVEL ?? "silent") as PlaintEnv["logLevel"];
  const env = testEnv({ dataDir, configPath, databaseUrl, redisUrl, queueName: randomQueueName(), logLevel });
  return startHub({ env, config, role: "all" });
}
