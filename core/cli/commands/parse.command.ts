import { readFileSync } from "node:fs";
import { connectorFor } from "../../../connectors/registry";
import type { PlaintConfig } from "../../config/config.schema";
import type { CanonicalMessage } from "../../../normalizers/canonical-message";
import { err, ok, type Result } from "../../result";

export interface ParseOptions {
  channel: string;
  connectorId?: string;
  files: string[];
}

type ParseError = { error: string; message: string; path?: string };

/**
 * `plaint parse`: raw input → canonical message(s) as JSON, nothing stored. One file prints the result
 * itself; several print one `{"file","result"}` / `{"file","error"}` line each. Returns the exit code.
 */
export function runParse(config: PlaintConfig, options: ParseOptions, write: (line: string) => void): number {
  if (options.files.length === 0) {
    write(JSON.stringify({ error: "usage", message: "give at least one FILE to parse" }));
    return 1;
  }
  const results = options.files.map((file) => ({ file, parsed: parseFile(config, options, file) }));
  if (results.length === 1) {
    const only = results[0]?.parsed;
    write(JSON.stringify(only?.ok ? unwrapSingle(only.value) : only?.error, null, 2));
    return only?.ok ? 0 : 1;
  }
  for (const { file, parsed } of results) {
    write(JSON.stringify(parsed.ok ? { file, result: unwrapSingle(parsed.value) } : { file, error: parsed.error }));
  }
  return results.every(({ parsed }) => parsed.ok) ? 0 : 1;
}

/** A payload with one message prints that message; a batch prints the array. */
function unwrapSingle(messages: CanonicalMessage[]): CanonicalMessage | CanonicalMessage[] {
  return messages.length === 1 && messages[0] ? messages[0] : messages;
}

function parseFile(config: PlaintConfig, options: ParseOptions, file: string): Result<CanonicalMessage[], ParseError> {
  const channelConnectors = config.connectors.filter((connector) => connector.type === options.channel);
  const connector = options.connectorId
    ? channelConnectors.find((candidate) => candidate.id === options.connectorId)
    : channelConnectors.length === 1
      ? channelConnectors[0]
      : undefined;
  if (!connector) {
    const known = channelConnectors.map((candidate) => candidate.id).join(", ") || "none";
    return err({
      error: "unknown_connector",
      message: `name a ${options.channel} connector with --connector (configured: ${known})`,
    });
  }
  let rawBody: string;
  try {
    rawBody = readFileSync(file, "utf8");
  } catch (error) {
    return err({ error: "unreadable_file", message: (error as Error).message });
  }
  const parsed = connectorFor(connector).normalize(connector, { rawBody, receivedAt: new Date() });
  if (!parsed.ok) return err({ error: "invalid_payload", message: parsed.error.message, path: parsed.error.path });
  return ok(parsed.value);
}
