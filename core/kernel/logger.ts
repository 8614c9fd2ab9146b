import pino from "pino";

/**
 * Structured logs. Callers pass ids and counts, never bodies; the redact list is the safety net for
 * the fields that could still carry secrets or customer text.
 */
export function createLogger(level: string = process.env["LOG_LEVEL"] ?? "info"): pino.Logger {
  return pino({
    level,
    base: { service: "plaint" },
    redact: {
      paths: [
        "secret",
        "*.secret",
        "authorization",
        "*.authorization",
        "headers.authorization",
        "req.headers.authorization",
        "body",
        "*.body",
        "rawBody",
        "*.rawBody",
        "text",
        "*.text",
      ],
      censor: "[redacted]",
    },
  });
}

export type Logger = pino.Logger;
