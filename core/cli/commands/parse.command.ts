import { readFileSync } from "node:fs";
import { connectorFor, type AnyConnectorConfig } from "../../../connectors/registry";
import { connectorTypeOfChannel, standaloneParsers } from "./standalone-parsers";
import type { PlaintConfig } from "../../config/config.schema";
import type { CanonicalMessage } from "../../../normalizers/canonical-message";
import { err, ok, type Result } from "../../kernel/result";

export interface ParseOptions {
  /** Absent: `.eml` files are email, anything else a webhook body. */
  channel?: string | undefined;
  connectorId?: string;
  files: string[];
}

type ParseError = { error: string; message: string; path?: string };

/**
 * `plaint parse`: raw input → canonical message(s) as JSON, nothing stored. One file prints the result
 * itself; several print one `{"file","result"}` / `{"file","error"}` line each. Returns the exit code.
 */
export async function runParse(
  config: PlaintConfig,
  options: ParseOptions,
  write: (line: string) => void,
): Promise<number> {
  if (options.files.length === 0) {
    write(JSON.stringify({ error: "usage", message: "give at least one FILE to parse" }));
    return 1;
  }
  if (options.files.length === 1) {
    const parsed = await parseFile(config, options, options.files[0] as string);
    write(JSON.stringify(parsed.ok ? unwrapSingle(parsed.value) : parsed.error, null, 2));
    return parsed.ok ? 0 : 1;
  }
  // One line per file as soon as it is parsed: a folder of thousands of mails is never held in memory at once.
  let failures = 0;
  for (const file of options.files) {
    const parsed = await parseFile(config, options, file);
    if (!parsed.ok) failures++;
    write(JSON.stringify(parsed.ok ? { file, result: unwrapSingle(parsed.value) } : { file, error: parsed.error }));
  }
  return failures === 0 ? 0 : 1;
}

/** A payload with one message prints that message; a batch prints the array. */
function unwrapSingle(messages: CanonicalMessage[]): CanonicalMessage | CanonicalMessage[] {
  return messages.length === 1 && messages[0] ? messages[0] : messages;
}

async function parseFile(
  config: PlaintConfig,
  options: ParseOptions,
  file: string,
): Promise<Result<CanonicalMessage[], ParseError>> {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (error) {
    return err({ error: "unreadable_file", message: (error as Error).message });
  }
  const named = options.channel ?? (file.toLowerCase().endsWith(".eml") ? "email" : "webhook");
  const channel = connectorTypeOfChannel[named] ?? named;
  const connector = pickConnector(config, channel, options.connectorId);
  const standalone = standaloneParsers[channel];
  if (standalone && !connector.ok && !options.connectorId) {
    return fromNormalizer(await standalone(raw), (messages) => messages);
  }
  if (!connector.ok) return connector;
  const stored =
    channel === "email"
      ? { rawBody: raw.toString("base64"), meta: { encoding: "base64" } }
      : { rawBody: raw.toString("utf8"), meta: {} };
  return fromNormalizer(
    await connectorFor(connector.value).normalize(connector.value, { ...stored, receivedAt: new Date() }),
    (messages) => messages,
  );
}

function pickConnector(
  config: PlaintConfig,
  channel: string,
  connectorId: string | undefined,
): Result<AnyConnectorConfig, ParseError> {
  const candidates = config.connectors.filter((connector) => connector.type === channel);
  const connector = connectorId
    ? candidates.find((candidate) => candidate.id === connectorId)
    : candidates.length === 1
      ? candidates[0]
      : undefined;
  if (connector) return ok(connector);
  const known = candidates.map((candidate) => candidate.id).join(", ") || "none";
  return err({
    error: "unknown_connector",
    message: `name a ${channel} connector with --connector (configured: ${known})`,
  });
}

function fromNormalizer<T>(
  parsed: Result<T, { path: string; message: string }>,
  toMessages: (value: T) => CanonicalMessage[],
): Result<CanonicalMessage[], ParseError> {
  if (!parsed.ok) return err({ error: "invalid_payload", message: parsed.error.message, path: parsed.error.path });
  return ok(toMessages(parsed.value));
}
