import type { NextFunction, Request, RequestHandler, Response } from "express";
import { type z } from "zod";
import { sendError } from "./http-errors";

/** Express 5 forwards rejected promises itself; this keeps handlers typed as returning nothing. */
export function asyncRoute(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}

/** Validates a query string; on failure answers 400 naming every bad parameter and returns null. */
export function parseQuery<Schema extends z.ZodType>(
  schema: Schema,
  req: Request,
  res: Response,
): z.output<Schema> | null {
  const parsed = schema.safeParse(req.query);
  if (parsed.success) return parsed.data;
  sendError(res, 400, {
    error: "invalid_query",
    message: "invalid query parameters",
    problems: parsed.error.issues.map((issue) => ({ parameter: issue.path.join("."), message: issue.message })),
  });
  return null;
}
