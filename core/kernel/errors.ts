/**
 * Errors sorted by cause. The cause decides what the queue and the outbox do with a failed job:
 * - PermanentError: no retry can help (a refused recipient, a vendor's 4xx). Not retried; kept as failed with the
 *   reason. BadInputError is the permanent error of input that can never succeed as it is.
 * - TransientError: the world was briefly unavailable (database, vendor API). Retried with exponential backoff.
 * - anything else is a bug: retried like a transient error (a deploy may fix it), then kept as failed for replay.
 */
export class PermanentError extends Error {
  override readonly name: string = "PermanentError";
}

/** The input can never succeed as it is: the intake item is marked failed with the reason, never retried. */
export class BadInputError extends PermanentError {
  override readonly name = "BadInputError";
  /** Where in the input the problem is (a JSON Pointer, a header name), when known. */
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super(message);
    this.path = path;
  }
}

export class TransientError extends Error {
  override readonly name = "TransientError";
  /** Seconds the other side asked us to wait, from a Retry-After header. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, { cause: options?.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/**
 * Only the name and message of an error: never its cause chain, which can carry payloads. Prisma's messages
 * quote the failed call with its arguments (customer text among them), so of those only the last line, the
 * reason itself, is kept.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^P\d{4}$/.test(code)) {
    const reason = error.message.trim().split("\n").at(-1) ?? "";
    return `${error.name} ${code}: ${reason}`;
  }
  return `${error.name}: ${error.message}`;
}
