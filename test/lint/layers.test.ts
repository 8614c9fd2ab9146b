import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ESLint, type Linter } from "eslint";
import tseslint from "typescript-eslint";

/**
 * The layer rules of eslint.layers.mjs, the very blocks eslint.config.mjs spreads in, each shown catching a wrong
 * import and letting a right one through. Files are linted as text at paths in the layers (they need not exist), with
 * the TypeScript parser and only the layer blocks: the type-aware rules of the full config need real files of the
 * TypeScript project. A last test checks that the full config gives a real file the same layer rule.
 */

const ROOT = path.resolve(__dirname, "../..");

interface Layers {
  layerBlocks: Linter.Config[];
  MESSAGES: Record<string, string>;
  IO_MESSAGE: string;
  MAX_DEPTH: number;
}

/** An ES module, loaded the way test/support/nock.ts explains (SWC would turn a literal import() into require()). */
async function importEsm<T>(file: string): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a constant body: the only way to keep import() here
  const load = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<T>;
  return load(pathToFileURL(path.join(ROOT, file)).href);
}

let layers: Layers;
let eslint: ESLint;

beforeAll(async () => {
  layers = await importEsm<Layers>("eslint.layers.mjs");
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ["**/*.{ts,mts,cts}"], languageOptions: { parser: tseslint.parser } },
      ...layers.layerBlocks,
    ],
  });
});

async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result?.messages ?? [];
}

/**
 * Linting `import ... from "<specifier>"` in `file` reports exactly one layer violation, with the message of
 * eslint.layers.mjs named `key` (a key of MESSAGES, or "io" for the I/O modules).
 */
async function expectRefused(file: string, specifier: string, key: string): Promise<void> {
  const message = key === "io" ? layers.IO_MESSAGE : layers.MESSAGES[key];
  expect(message).toEqual(expect.any(String));
  const messages = await lint(file, `import { thing } from "${specifier}";\nexport const used = thing;\n`);
  expect(messages.map((m) => ({ ruleId: m.ruleId, message: m.message }))).toEqual([
    { ruleId: "no-restricted-imports", message: expect.stringContaining(message as string) as string },
  ]);
}

async function expectAllowed(file: string, specifier: string): Promise<void> {
  const messages = await lint(file, `import { thing } from "${specifier}";\nexport const used = thing;\n`);
  expect(messages).toEqual([]);
}

type Case = [file: string, specifier: string];

describe("core/kernel imports nothing of the project outside core/kernel", () => {
  it.each<Case>([
    ["core/kernel/x.ts", "../config/app-config"],
    ["core/kernel/x.ts", "../connector-contract/connector"],
    ["core/kernel/db/x.ts", "../../../normalizers/canonical-message"],
    ["core/kernel/db/x.ts", "../../pipeline/process-intake"],
    ["core/kernel/x.test.ts", "../cases/case-store"],
  ])("%s: %s is refused", (file, specifier) => expectRefused(file, specifier, "kernel"));

  it.each<Case>([
    ["core/kernel/x.ts", "./result"],
    ["core/kernel/x.ts", "./config/env"],
    ["core/kernel/db/x.ts", "../result"],
    ["core/kernel/db/x.ts", "../../kernel/errors"],
    ["core/kernel/x.ts", "zod"],
    ["core/kernel/x.test.ts", "../../test/support/postgres"],
  ])("%s: %s is allowed", expectAllowed);
});

describe("normalizers import only normalizers and core/kernel, and do no I/O", () => {
  it.each<Case>([
    ["normalizers/channels/email/x.ts", "../../../core/connector-contract/connector"],
    ["normalizers/channels/email/x.ts", "../../../connectors/channels/email/email.schema"],
    ["normalizers/x.ts", "../core/pipeline/process-intake"],
    ["normalizers/analysis/classify/x.ts", "../../../bench/evaluations/corpora"],
    ["normalizers/channels/email/x.test.ts", "../../../core/connector-contract/connector"],
  ])("%s: %s is refused", (file, specifier) => expectRefused(file, specifier, "normalizers"));

  it.each<Case>([
    ["normalizers/channels/email/x.ts", "../../../core/kernel/db/database"],
    ["normalizers/channels/email/x.ts", "../../../core/kernel/logger"],
    ["normalizers/x.ts", "../core/kernel/db/generated/client"],
  ])("%s: %s (kernel I/O) is refused", (file, specifier) => expectRefused(file, specifier, "normalizersIo"));

  it.each<Case>([
    ["normalizers/channels/email/x.ts", "node:fs"],
    ["normalizers/channels/email/x.ts", "fs/promises"],
    ["normalizers/channels/email/x.ts", "node:http"],
    ["normalizers/channels/email/x.ts", "child_process"],
    ["normalizers/analysis/x.ts", "pg"],
    ["normalizers/analysis/x.ts", "ioredis"],
    ["normalizers/analysis/x.ts", "@prisma/client"],
    ["normalizers/analysis/x.ts", "@electric-sql/pglite"],
    ["normalizers/analysis/x.ts", "@slack/web-api"],
    ["normalizers/channels/email/x.ts", "imapflow"],
    ["normalizers/channels/twilio/x.ts", "twilio"],
  ])("%s: %s (an I/O module) is refused", (file, specifier) => expectRefused(file, specifier, "io"));

  it.each<Case>([
    ["normalizers/channels/email/x.ts", "../../canonical-message"],
    ["normalizers/channels/email/x.ts", "./email-limits"],
    ["normalizers/channels/email/x.ts", "../../../core/kernel/result"],
    ["normalizers/x.ts", "../core/kernel/security/hmac-signature"],
    ["normalizers/channels/email/x.ts", "mailparser"],
    ["normalizers/channels/email/x.ts", "node:crypto"],
    // Tests read fixtures and use the test tooling.
    ["normalizers/channels/email/x.test.ts", "node:fs"],
    ["normalizers/channels/email/x.test.ts", "../../../core/kernel/logger"],
    ["normalizers/channels/email/x.test.ts", "../../../test/support/corpora"],
    ["normalizers/channels/email/x.test.ts", "../../../bench/evaluations/eval-email"],
  ])("%s: %s is allowed", expectAllowed);
});

describe("core (below the hub) never imports connectors, the hub, the cli, the edge or the tooling", () => {
  it.each<[string, string, string]>([
    ["core/pipeline/x.ts", "../../connectors/registry", "connectors"],
    ["core/pipeline/x.ts", "../../connectors/channels/email/imap-intake", "connectors"],
    ["core/pipeline/x.test.ts", "../../connectors/registry", "connectors"],
    ["core/problems/x.ts", "../../connectors/destinations/zendesk/zendesk.destination", "connectors"],
    ["core/pipeline/x.ts", "../hub", "hub"],
    ["core/pipeline/x.ts", "../hub.js", "hub"],
    ["core/pipeline/x.ts", "../../core/hub", "hub"],
    ["core/x.ts", "./hub", "hub"],
    ["core/outbox/x.ts", "../cli/plaint", "cli"],
    ["core/pipeline/x.ts", "../http/app", "http"],
    ["core/x.ts", "./http/app", "http"],
    ["core/problems/x.ts", "../web/pages", "http"],
    ["core/cases/deep/x.ts", "../../http/route-helpers", "http"],
    ["core/pipeline/x.ts", "../../bench/evaluations/corpora", "tooling"],
    ["core/pipeline/x.ts", "../../test/support/nock", "tooling"],
  ])("%s: %s is refused", (file, specifier, key) => expectRefused(file, specifier, key));

  it.each<Case>([
    ["core/pipeline/x.ts", "../cases/case-store"],
    ["core/pipeline/x.ts", "./ingest-messages"],
    ["core/pipeline/x.ts", "../kernel/result"],
    ["core/pipeline/x.ts", "../connector-contract/connector"],
    ["core/pipeline/x.ts", "../../normalizers/canonical-message"],
    ["core/problems/x.ts", "../cases/case-store"],
    ["core/cases/deep/x.ts", "../http-like"],
    ["core/pipeline/x.test.ts", "../../test/support/postgres"],
  ])("%s: %s is allowed", expectAllowed);

  it("refuses a type-only import and an export ... from as well", async () => {
    const file = "core/pipeline/x.ts";
    const typeOnly = await lint(file, `import type { AnyConnectorConfig } from "../../connectors/registry";\n`);
    const reExport = await lint(file, `export { connectorFor } from "../../connectors/registry";\n`);
    expect([...typeOnly, ...reExport].map((message) => message.ruleId)).toEqual([
      "no-restricted-imports",
      "no-restricted-imports",
    ]);
  });
});

describe("the edge (core/http, core/web) sits above the domain, below the hub", () => {
  it.each<[string, string, string]>([
    ["core/http/x.ts", "../../connectors/registry", "connectors"],
    ["core/http/x.ts", "../hub", "hub"],
    ["core/web/x.ts", "../../connectors/channels/email/email.schema", "connectors"],
    ["core/web/pages/x.ts", "../../cli/plaint", "cli"],
  ])("%s: %s is refused", (file, specifier, key) => expectRefused(file, specifier, key));

  it.each<Case>([
    ["core/http/x.ts", "../cases/case-store"],
    ["core/http/x.ts", "../web/dashboard"],
    ["core/web/x.ts", "../http/route-helpers"],
    ["core/web/pages/x.ts", "../../problems/recurrence"],
  ])("%s: %s is allowed", expectAllowed);
});

describe("core/hub.ts, the composition root, may import connectors, never the cli", () => {
  it.each<[string, string, string]>([
    ["core/hub.ts", "./cli/plaint", "cli"],
    ["core/hub.ts", "../bench/evaluations/corpora", "tooling"],
  ])("%s: %s is refused", (file, specifier, key) => expectRefused(file, specifier, key));

  it.each<Case>([
    ["core/hub.ts", "../connectors/registry"],
    ["core/hub.ts", "./http/app"],
    ["core/hub.ts", "./pipeline/process-intake"],
  ])("%s: %s is allowed", expectAllowed);
});

describe("core/cli sits above the hub and takes connectors through it", () => {
  it.each<Case>([
    ["core/cli/commands/x.ts", "../../../connectors/registry"],
    ["core/cli/x.ts", "../../connectors/channels/email/email.schema"],
  ])("%s: %s is refused", (file, specifier) => expectRefused(file, specifier, "cliConnectors"));

  it.each<Case>([
    ["core/cli/commands/x.ts", "../../hub"],
    ["core/cli/commands/x.ts", "../../http/app"],
    ["core/cli/commands/x.ts", "../../../normalizers/analysis/classify/model"],
    ["core/cli/x.ts", "./commands/train.command"],
  ])("%s: %s is allowed", expectAllowed);
});

describe("connectors: core below the hub and normalizers; one folder per connector", () => {
  it.each<[string, string, string]>([
    ["connectors/channels/twilio/x.ts", "../../../core/hub", "hubFromConnectors"],
    ["connectors/registry.ts", "../core/hub", "hubFromConnectors"],
    ["connectors/channels/twilio/x.test.ts", "../../../core/hub", "hubFromConnectors"],
    ["connectors/channels/twilio/x.ts", "../../../core/cli/plaint", "cli"],
    ["connectors/channels/twilio/x.ts", "../../../test/support/nock", "tooling"],
    ["connectors/channels/twilio/x.ts", "../email/email.schema", "vendor"],
    ["connectors/channels/twilio/sub/x.ts", "../../meta/meta-sender", "vendor"],
    ["connectors/channels/twilio/x.ts", "../../destinations/zendesk/zendesk.destination", "vendor"],
    ["connectors/channels/twilio/x.ts", "../../../connectors/channels/meta/meta.schema", "vendor"],
    ["connectors/destinations/zendesk/x.ts", "../freshdesk/freshdesk.destination", "vendor"],
    ["connectors/destinations/zendesk/x.ts", "../../channels/email/email.schema", "vendor"],
    ["connectors/destinations/zendesk/x.ts", "../../workspace/case-card", "vendor"],
    ["connectors/workspace/x.ts", "../channels/slack-customer/slack-signature", "vendor"],
    ["connectors/workspace/cards/x.ts", "../../channels/slack-customer/slack-customer-sender", "vendor"],
  ])("%s: %s is refused", (file, specifier, key) => expectRefused(file, specifier, key));

  it.each<Case>([
    ["connectors/channels/twilio/x.ts", "./twilio.schema"],
    ["connectors/channels/twilio/x.ts", "../../../core/connector-contract/connector"],
    ["connectors/channels/twilio/x.ts", "../../../core/kernel/security/hmac-signature"],
    ["connectors/channels/twilio/x.ts", "../../../normalizers/channels/twilio/twilio.normalizer"],
    ["connectors/channels/twilio/x.ts", "twilio"],
    ["connectors/destinations/zendesk/x.ts", "../../../core/outbox/outbox-handlers"],
    ["connectors/workspace/x.ts", "../../core/cases/case-store"],
    ["connectors/workspace/cards/x.ts", "../blocks"],
    ["connectors/registry.ts", "./channels/email/email.connector"],
    ["connectors/registry.ts", "./destinations/zendesk/zendesk.destination"],
    // Test files may cross connector folders and use the test tooling; every other rule holds for them.
    ["connectors/channels/twilio/x.test.ts", "../email/email.schema"],
    ["connectors/channels/twilio/x.test.ts", "../../../test/support/nock"],
  ])("%s: %s is allowed", expectAllowed);
});

describe("the rules reach every folder", () => {
  it("reports a file deeper than the generated blocks reach", async () => {
    const deep = `core/cases/${"deep/".repeat(layers.MAX_DEPTH)}x.ts`;
    const messages = await lint(deep, `export const x = 1;\n`);
    expect(messages.map((message) => message.ruleId)).toEqual(["no-restricted-syntax"]);
  });

  it("gives each file of the project, and of the rooms to come, exactly one layer block", async () => {
    // ESLint merges the blocks that match a file; to count them, each block switches on a probe rule of its own.
    const blocks = layers.layerBlocks.filter((block) => block.rules?.["no-restricted-imports"]);
    const probe = Object.fromEntries(blocks.map((_, i) => [`b${i}`, { create: () => ({}) }]));
    const counting = new ESLint({
      cwd: ROOT,
      overrideConfigFile: true,
      overrideConfig: [
        { plugins: { probe: { rules: probe } } },
        ...blocks.map((block, i) => ({
          files: block.files,
          ignores: block.ignores,
          rules: { [`probe/b${i}`]: "error" },
        })),
      ] as Linter.Config[],
    });
    const files = ["core", "connectors", "normalizers"]
      .flatMap((top) =>
        readdirSync(path.join(ROOT, top), { recursive: true, encoding: "utf8" }).map((f) => `${top}/${f}`),
      )
      .filter((file) => file.endsWith(".ts") && !file.includes("/generated/"));
    expect(files.length).toBeGreaterThan(100);
    const rooms = [
      "core/web/x.ts",
      "core/problems/x.ts",
      "connectors/destinations/zendesk/x.ts",
      "connectors/workspace/x.ts",
      "core/x.ts",
      "core/x.test.ts",
      "connectors/x.ts",
    ];
    const counts: [string, number][] = [];
    for (const file of [...files, ...rooms]) {
      const config = (await counting.calculateConfigForFile(path.join(ROOT, file))) as Linter.Config;
      counts.push([file, Object.keys(config.rules ?? {}).filter((rule) => rule.startsWith("probe/")).length]);
    }
    expect(counts.filter(([, count]) => count !== 1)).toEqual([]);
  });

  it("is the configuration eslint.config.mjs gives the project's files", async () => {
    const project = new ESLint({ cwd: ROOT });
    const file = path.join(ROOT, "core/pipeline/process-intake.ts");
    const config = (await project.calculateConfigForFile(file)) as Linter.Config;
    const own = layers.layerBlocks.find((block) => block.name === "plaint/layers/core/depth-1");
    expect(own).toBeDefined();
    expect(config.rules?.["no-restricted-imports"]).toEqual([
      2,
      (own?.rules?.["no-restricted-imports"] as unknown[])[1],
    ]);
  });
});
