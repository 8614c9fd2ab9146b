import { readFileSync } from "node:fs";
import path from "node:path";
import type { PlaintConfig } from "../../config/config.schema";
import type { ConnectorDefinition } from "../../connector-contract/connector";
import type { ConfiguredConnector, ConnectorCatalog, ConnectorSet } from "../../connector-contract/connector-set";
import { bindConnectors, connectorCatalog } from "../../hub";
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
  const [type, definition] = typeOf(connectorCatalog, options.channel, file);
  const connector = pickConnector(bindConnectors(config), type, options.connectorId);
  const rawFiles = definition?.rawFiles;
  if (rawFiles?.standalone && !connector.ok && !options.connectorId) {
    return fromNormalizer(await rawFiles.standalone(raw), (messages) => messages);
  }
  if (!connector.ok) return connector;
  const { config: connectorConfig, definition: bound } = connector.value;
  const stored = bound.rawFiles?.stored?.(raw) ?? { rawBody: raw.toString("utf8"), meta: {} };
  return fromNormalizer(
    await bound.normalize(connectorConfig, { ...stored, receivedAt: new Date() }),
    (messages) => messages,
  );
}

/**
 * The connector type a file is read as: `--channel` (a type or one of its aliases, like `slack`), else the type
 * whose raw files end like this one (`.eml`), else the fallback type (the generic webhook).
 */
function typeOf(
  catalog: ConnectorCatalog,
  channel: string | undefined,
  file: string,
): [string, ConnectorDefinition | undefined] {
  const entries = Object.entries(catalog);
  const extension = path.extname(file).toLowerCase();
  const found = channel
    ? entries.find(([type, definition]) => type === channel || definition.rawFiles?.aliases?.includes(channel))
    : (entries.find(([, definition]) => definition.rawFiles?.extensions?.includes(extension)) ??
      entries.find(([, definition]) => definition.rawFiles?.fallback));
  return found ?? [channel ?? "", undefined];
}

function pickConnector(
  connectors: ConnectorSet,
  channel: string,
  connectorId: string | undefined,
): Result<ConfiguredConnector, ParseError> {
  const candidates = connectors.ofType(channel);
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
