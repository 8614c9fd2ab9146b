import { Router } from "express";
import { z } from "zod";
import type { PrismaClient } from "../kernel/db/generated/client";
import { listIntakeItems, resetForReplay } from "../store/intake.store";
import type { JobQueue } from "../queue/job-queue";
import type { createAuthenticator } from "./auth";
import { sendError } from "./http-errors";
import { asyncRoute, parseQuery } from "./route-helpers";

const intakeStatuses = ["received", "processing", "processed", "rejected", "failed", "ignored"] as const;

const listQuerySchema = z.strictObject({
  status: z.enum(intakeStatuses).optional(),
  connector: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page (an ISO time and an id). */
  cursor: z.string().min(1).optional(),
});

/**
 * `GET /v1/intake` lists intake-log items without their raw bodies (those hold customer text; an admin who
 * needs one reads it in the database). `POST /v1/intake/:id/replay` re-runs one item.
 */
export function intakeRouter(
  prisma: PrismaClient,
  queue: JobQueue,
  requireRole: ReturnType<typeof createAuthenticator>,
): Router {
  const router = Router();

  router.get(
    "/v1/intake",
    requireRole("viewer"),
    asyncRoute(async (req, res) => {
      const query = parseQuery(listQuerySchema, req, res);
      if (!query) return;
      const rows = await listIntakeItems(prisma, {
        status: query.status,
        connectorId: query.connector,
        after: query.cursor ? decodeCursor(query.cursor) : null,
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      res.json({ items: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null });
    }),
  );

  router.post(
    "/v1/intake/:id/replay",
    requireRole("admin"),
    asyncRoute(async (req, res) => {
      const id = String(req.params["id"]);
      if (!z.uuid().safeParse(id).success)
        return sendError(res, 404, { error: "not_found", message: `no intake item ${id}` });
      const ids = await resetForReplay(prisma, { ids: [id], failedOnly: false });
      if (ids.length === 0) return sendError(res, 404, { error: "not_found", message: `no intake item ${id}` });
      await queue.enqueue(id);
      res.status(202).json({ status: "replaying", intakeId: id });
    }),
  );

  return router;
}

function encodeCursor(item: { receivedAt: Date; id: string }): string {
  return Buffer.from(`${item.receivedAt.toISOString()}|${item.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } | null {
  const [time, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const receivedAt = new Date(time ?? "");
  return id && !Number.isNaN(receivedAt.getTime()) ? { receivedAt, id } : null;
}
