import { Router, json, type Request, type Response } from "express";
import { z } from "zod";
import { IDENTITY_KINDS, IDENTITY_SOURCES, addIdentity } from "../customers/add-identity";
import { customerView } from "../customers/customer-view";
import type { IdentityConfig } from "../customers/identity.schema";
import type { MergeProblem } from "../customers/merge";
import { acceptProposal, agentMerge, rejectProposal } from "../customers/proposals";
import { splitMerge } from "../customers/split";
import type { Database, SqlClient } from "../kernel/db/database";
import type { Result } from "../kernel/result";
import type { ApiCaller, createAuthenticator } from "./auth";
import { sendError } from "./http-errors";
import { asyncRoute } from "./route-helpers";

const identityBodySchema = z.strictObject({
  kind: z.enum(IDENTITY_KINDS),
  value: z.string().min(1),
  /** `crm`: a CRM record lists it (evidence); `agent`: an agent says so (merges with whoever holds it). */
  source: z.enum(IDENTITY_SOURCES),
});

const mergeBodySchema = z.strictObject({
  /** The customer to merge with this one; the older of the two survives. */
  from: z.uuid(),
});

/** HTTP status per problem: a missing thing is 404, a bad value 400, a state that forbids it 409. */
const problemStatus: Record<MergeProblem["code"], number> = {
  not_found: 404,
  invalid_identity: 400,
  customer_merged: 409,
  already_merged: 409,
  not_proposed: 409,
  not_merged: 409,
  already_split: 409,
  survivor_merged_since: 409,
  kept_apart: 409,
};

/**
 * The identity graph's API: `GET /v1/customers/:id` (viewer), adding identities, agent merges, and splitting,
 * accepting or rejecting merges (agent).
 */
export function customersRouter(
  database: Database,
  requireRole: ReturnType<typeof createAuthenticator>,
  config: IdentityConfig,
): Router {
  const router = Router();
  const body = json({ limit: "16kb" });

  router.get(
    "/v1/customers/:id",
    requireRole("viewer"),
    asyncRoute(async (req, res) => {
      const id = idParam(req, res, "customer");
      if (!id) return;
      const view = await customerView(database.prisma, id);
      if (!view) return sendError(res, 404, { error: "not_found", message: `no customer ${id}` });
      res.json(view);
    }),
  );

  router.post(
    "/v1/customers/:id/identities",
    requireRole("agent"),
    body,
    asyncRoute(async (req, res) => {
      const id = idParam(req, res, "customer");
      if (!id) return;
      const parsed = parseBody(identityBodySchema, req, res);
      if (!parsed) return;
      const actor = actorOf(res);
      const result = await database.transaction((tx) => addIdentity(tx, { customerId: id, ...parsed, actor }, config));
      answer(res, result, result.ok && result.value.outcome === "added" ? 201 : 200);
    }),
  );

  router.post(
    "/v1/customers/:id/merge",
    requireRole("agent"),
    body,
    asyncRoute(async (req, res) => {
      const id = idParam(req, res, "customer");
      if (!id) return;
      const parsed = parseBody(mergeBodySchema, req, res);
      if (!parsed) return;
      if (parsed.from === id)
        return sendError(res, 400, { error: "invalid_body", message: "a customer cannot be merged with itself" });
      const actor = actorOf(res);
      const detail = `${actor} merged customer ${parsed.from} with ${id}`;
      answer(res, await database.transaction((tx) => agentMerge(tx, [id, parsed.from], actor, detail)));
    }),
  );

  const decide = (action: (tx: SqlClient, mergeId: string, actor: string) => Promise<Result<unknown, MergeProblem>>) =>
    asyncRoute(async (req, res) => {
      const id = idParam(req, res, "customer merge");
      if (!id) return;
      const actor = actorOf(res);
      answer(res, await database.transaction((tx) => action(tx, id, actor)));
    });
  router.post("/v1/customer-merges/:id/split", requireRole("agent"), decide(splitMerge));
  router.post("/v1/customer-merges/:id/accept", requireRole("agent"), decide(acceptProposal));
  router.post("/v1/customer-merges/:id/reject", requireRole("agent"), decide(rejectProposal));

  return router;
}

function answer(res: Response, result: Result<unknown, MergeProblem>, status = 200): void {
  if (result.ok) return void res.status(status).json(result.value);
  const { code, ...details } = result.error;
  sendError(res, problemStatus[code], { error: code, ...details });
}

/** The `:id` parameter when it is a uuid; otherwise answers 404 (no such thing can exist) and returns null. */
function idParam(req: Request, res: Response, what: string): string | null {
  const id = String(req.params["id"]);
  if (z.uuid().safeParse(id).success) return id;
  sendError(res, 404, { error: "not_found", message: `no ${what} ${id}` });
  return null;
}

function parseBody<Schema extends z.ZodType>(schema: Schema, req: Request, res: Response): z.output<Schema> | null {
  const parsed = schema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }));
  sendError(res, 400, { error: "invalid_body", message: "invalid request body", problems });
  return null;
}

function actorOf(res: Response): string {
  return `apikey:${(res.locals["caller"] as ApiCaller).name}`;
}
