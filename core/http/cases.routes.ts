import { Router, type Response } from "express";
import { z } from "zod";
import { parseCaseReference } from "../cases/case-lookup";
import { caseStatuses } from "../cases/case-status";
import { formatCaseNumber } from "../cases/case-number";
import type { PrismaClient } from "../kernel/db/generated/client";
import { findCaseWithTrail, listCases } from "../store/cases.store";
import { sendError } from "./http-errors";
import type { ApiCaller, createAuthenticator } from "./auth";
import { asyncRoute, parseQuery } from "./route-helpers";

const listQuerySchema = z.strictObject({
  status: z.enum(caseStatuses).optional(),
  category: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  assignee: z.string().min(1).optional(),
  customer: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().regex(/^\d+$/, "use the nextCursor of the previous page").optional(),
});

/** `GET /v1/cases` and `GET /v1/cases/:id` (id is the uuid, `C-<number>` or the number). */
export function casesRouter(prisma: PrismaClient, requireRole: ReturnType<typeof createAuthenticator>): Router {
  const router = Router();

  router.get(
    "/v1/cases",
    requireRole("viewer"),
    asyncRoute(async (req, res) => {
      const query = parseQuery(listQuerySchema, req, res);
      if (!query) return;
      const rows = await listCases(prisma, {
        status: query.status,
        category: query.category,
        team: query.team,
        assignee: query.assignee,
        customerId: query.customer,
        // Newest first; the cursor is the last case number seen, which is stable under concurrent inserts.
        beforeNumber: query.cursor ? Number(query.cursor) : undefined,
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      res.json({
        cases: page.map(presentCase),
        nextCursor: rows.length > query.limit && last ? String(last.number) : null,
      });
    }),
  );

  router.get(
    "/v1/cases/:id",
    requireRole("viewer"),
    asyncRoute(async (req, res) => {
      const id = String(req.params["id"]);
      const key = parseCaseReference(id);
      const found = key ? await findCaseWithTrail(prisma, key) : null;
      if (!found) return sendError(res, 404, { error: "not_found", message: `no case ${id}` });
      const { messages, events, ...kase } = found;
      res.json({
        case: presentCase(kase),
        // The unmasked original (kept only with redaction.keepOriginal) is for admins alone.
        messages: messages.map(({ identity, original, ...message }) => ({
          ...message,
          ...(isAdmin(res) && original !== null && { original }),
          sender: identity,
        })),
        events: events.map((event) => ({ ...event, id: event.id.toString() })),
      });
    }),
  );

  return router;
}

function isAdmin(res: Response): boolean {
  return (res.locals["caller"] as ApiCaller | undefined)?.role === "admin";
}

function presentCase<T extends { number: number }>(row: T): T & { reference: string } {
  return { ...row, reference: formatCaseNumber(row.number) };
}
