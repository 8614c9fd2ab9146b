import { TransientError } from "../../../core/kernel/errors";
import { PermanentError } from "../../../core/kernel/errors";

/**
 * The error object of a Graph API response.
 * @see https://developers.facebook.com/docs/graph-api/guides/error-handling
 */
export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_data?: { details?: string };
  fbtrace_id?: string;
}

/**
 * Codes that mean "not now": throttling (app, account, phone number, pair) and Meta's own temporary failures.
 * @see https://developers.facebook.com/docs/graph-api/overview/rate-limiting
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
const transientCodes = new Set([
  1, // API unknown
  2, // API service: temporary
  4, // application request limit
  17, // user request limit
  32, // Page request limit
  613, // calls within one hour exceeded
  80007, // WhatsApp Business Account rate limit
  130429, // Cloud API throughput reached
  131000, // something went wrong
  131016, // service unavailable
  131048, // spam rate limit
  131056, // pair rate limit: too many messages to this user
  133004, // server temporarily unavailable
]);

/**
 * The customer's last message is more than 24 hours old, so free-form replies are refused: WhatsApp's
 * re-engagement error, Messenger's and Instagram's "outside of allowed window" subcodes. Recognised so the case can
 * say so instead of retrying.
 */
const outsideWindow = { codes: new Set([131047]), subcodes: new Set([2018278, 2534022]) };

/** What is known about a refused send, for the case trail and the logs (never the token or the text). */
interface GraphFailure {
  status: number;
  code: number | undefined;
  subcode: number | undefined;
  fbtraceId: string | undefined;
}

/** Sending this again will not help: a bad recipient, a bad token, a policy refusal. The outbox gives up. */
export class MetaSendRefusedError extends PermanentError {
  readonly status: number;
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  readonly fbtraceId: string | undefined;
  constructor(message: string, failure: GraphFailure) {
    super(message);
    ({ status: this.status, code: this.code, subcode: this.subcode, fbtraceId: this.fbtraceId } = failure);
  }
}

/** The 24-hour customer-service window is closed: only an approved template (WhatsApp) or a tag may be sent. */
export class OutsideCustomerWindowError extends MetaSendRefusedError {
  readonly reason = "outside-customer-window";
}

/**
 * The error to throw for a failed Graph API call: transient (retried by the outbox, honouring `Retry-After`) for
 * 5xx, 429 and throttling codes, permanent for every other refusal.
 */
export function graphSendError(status: number, body: unknown, retryAfter: string | null): Error {
  const error = graphErrorOf(body);
  const failure: GraphFailure = {
    status,
    code: error?.code,
    subcode: error?.error_subcode,
    fbtraceId: error?.fbtrace_id,
  };
  const described = describeGraphError(status, error);
  if (error?.code !== undefined && outsideWindow.codes.has(error.code)) {
    return new OutsideCustomerWindowError(described, failure);
  }
  if (error?.error_subcode !== undefined && outsideWindow.subcodes.has(error.error_subcode)) {
    return new OutsideCustomerWindowError(described, failure);
  }
  const transient =
    status >= 500 ||
    status === 429 ||
    error?.is_transient === true ||
    (error?.code !== undefined && transientCodes.has(error.code));
  if (!transient) return new MetaSendRefusedError(described, failure);
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  return new TransientError(described, seconds === undefined ? undefined : { retryAfterSeconds: seconds });
}

/** `Graph API 400, code 131047/0: Re-engagement message (details)`: codes first, as they are what one looks up. */
function describeGraphError(status: number, error: GraphError | undefined): string {
  if (!error) return `Graph API ${status} without an error object`;
  const code = `${error.code ?? "?"}${error.error_subcode === undefined ? "" : `/${error.error_subcode}`}`;
  const details = error.error_data?.details;
  return `Graph API ${status}, code ${code}: ${error.message ?? "no message"}${details ? ` (${details})` : ""}`;
}

function graphErrorOf(body: unknown): GraphError | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error: unknown = (body as { error?: unknown }).error;
  return typeof error === "object" && error !== null ? error : undefined;
}
