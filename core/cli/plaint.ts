#!/usr/bin/env node
import { parseArgs } from "node:util";
import { loadConfig, loadConfigOrThrow } from "../hub";
import { parseEnv } from "../kernel/config/env";
import { ConfigError, formatProblems } from "../kernel/config/problems";
import { describeError } from "../kernel/errors";
import { runParse } from "./commands/parse.command";
import { runDbMigrate, runNewMigration } from "./commands/db.command";
import { runReplay } from "./commands/replay.command";
import { runHub } from "./commands/hub.command";
import { runClassify } from "./commands/classify.command";
import { runTrain } from "./commands/train.command";
import { runRulesTest } from "./commands/rules.command";

const usage = `plaint — multi-channel complaint intake hub

Usage:
  plaint start                      API and workers in one process (embedded unless DATABASE_URL / REDIS_URL are set)
  plaint serve                      the HTTP API only (scale-out; needs DATABASE_URL and REDIS_URL)
  plaint worker                     the pipeline workers only (scale-out)
  plaint config validate [PATH]     check the configuration; exit 1 listing every problem
  plaint db migrate                 apply the database migrations
  plaint db new-migration NAME      write a migration for changes to prisma/schema.prisma (development)
  plaint replay [--failed] [--since ISO-DATE] [--id ID]...
                                    re-run intake-log items through the pipeline
  plaint rules test [--since 30d|ISO-DATE] [--config PATH]
                                    replay the stored cases of the period under the rules of PATH and print the cases
                                    they would change (JSON lines) and a summary; nothing is written
  plaint parse [--channel email|webhook|twilio|meta|slack] [--connector ID] FILE...
                                    print the canonical message(s) of raw input as JSON; nothing is stored
  plaint classify [--model FILE]    JSON lines {"id","text"} on stdin → one JSON line each with category, confidence,
                                    kind, severity; without --model, the taxonomy's own model
  plaint train --input FILE.jsonl [--label FIELD] --out MODEL
                                    train a classifier from labelled JSON lines (label field default: category)

Environment: PORT, HOST, PLAINT_CONFIG, PLAINT_DATA_DIR, DATABASE_URL, REDIS_URL, LOG_LEVEL, PLAINT_WORKER_CONCURRENCY`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      channel: { type: "string" },
      connector: { type: "string" },
      failed: { type: "boolean", default: false },
      since: { type: "string" },
      id: { type: "string", multiple: true },
      model: { type: "string" },
      input: { type: "string" },
      label: { type: "string" },
      out: { type: "string" },
      config: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${usage}\n`);
    return command || values.help ? 0 : 1;
  }
  const env = parseEnv();
  switch (command) {
    case "start":
      return runHub(env, loadConfigOrThrow(env.configPath), "all");
    case "serve":
      return runHub(env, loadConfigOrThrow(env.configPath), "serve");
    case "worker":
      return runHub(env, loadConfigOrThrow(env.configPath), "worker");
    case "config":
      return validateConfig(rest[0] === "validate" ? (rest[1] ?? env.configPath) : null);
    case "db":
      if (rest[0] === "migrate") return runDbMigrate(env);
      if (rest[0] === "new-migration" && rest[1]) return runNewMigration(rest[1]);
      break;
    case "replay":
      return runReplay(env, loadConfigOrThrow(env.configPath), {
        failedOnly: values.failed,
        since: values.since,
        ids: values.id,
      });
    case "rules":
      if (rest[0] === "test")
        return runRulesTest(
          env,
          { configPath: values.config ?? env.configPath, since: values.since },
          process.stdout,
          process.stderr,
        );
      break;
    case "classify":
      return runClassify({ model: values.model, configPath: env.configPath }, process.stdin, process.stdout);
    case "train":
      return runTrain({ input: values.input, label: values.label, out: values.out }, (line) =>
        process.stdout.write(`${line}\n`),
      );
    case "parse":
      return runParse(
        loadConfigOrThrow(env.configPath),
        { channel: values.channel, connectorId: values.connector, files: rest },
        (line) => process.stdout.write(`${line}\n`),
      );
  }
  process.stderr.write(`unknown command: plaint ${positionals.join(" ")}\n\n${usage}\n`);
  return 1;
}

function validateConfig(path: string | null): number {
  if (path === null) {
    process.stderr.write("usage: plaint config validate [PATH]\n");
    return 1;
  }
  const loaded = loadConfig(path);
  if (loaded.ok) {
    process.stdout.write(
      `${path}: ok (${loaded.files.length} file${loaded.files.length === 1 ? "" : "s"}, ${loaded.config.connectors.length} connectors)\n`,
    );
    return 0;
  }
  process.stderr.write(`${formatProblems(loaded.problems)}\n${loaded.problems.length} problem(s) in ${path}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError)
      process.stderr.write(
        `${formatProblems(error.problems)}\nplaint: the configuration has problems; nothing was started\n`,
      );
    else process.stderr.write(`plaint: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
