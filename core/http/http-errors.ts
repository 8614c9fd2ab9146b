import type { ErrorRequestHandler, Response } from "express";

/** Every error the API returns has this shape; `error` is a stable machine-readable code. */
export interface ApiError {
  error: string;
  message: string;
  [detail: string]: unknown;
}

export function sendError(res: Response, status: number, body: ApiError): void {
  res.status(status).json(body);
}

/**
 * Last-resort handler: body-parser's size and syntax errors become their proper statuses; anything else is a
 * bug, answered with 500 without details (which could carry payload text) and logged by name only.
 */
export function errorHandler(onUnexpected: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const type = (error as { type?: unknown }).type;
    if (type === "entity.too.large") {
      const limit = (error as { limit?: number }).limit;
      return sendError(res, 413, { error: "payload_too_large", message: `request body exceeds ${limit} bytes` });
    }
    if (type === "request.aborted")
      return sendError(res, 400, { error: "request_aborted", message: "request aborted" });
    onUnexpected(error);
    if (!res.headersSent) sendError(res, 500, { error: "internal", message: "internal error" });
  };
}
