import { Router, json, type Request, type Response } from "express";
import { z } from "zod";
import type { Database } from "../kernel/db/database";
import type { Logger } from "../kernel/logger";
import { describeError } from "../kernel/errors";
import type { ClassificationConfig } from "../config/config.schema";
import { mergeCases, setCaseCategory, splitMessage, type ActionRefusal } from "../cases/agent-actions";
import { matchingQuality } from "../cases/matching-quality";
import { RetrainRefusedError, type ClassifierHolder } from "../classification/classifier-holder";
import { countLabelsSinceLastModel, listLabels } from "../store/classification.store";
import type { ApiCaller, createAuthenticator } from "./auth";
import { sendError } from "./http-errors";
import { asyncRoute } from "./route-helpers";

const categoryBody = z.strictObject({ category: z.string().trim().min(1, "name the category") });
const mergeBody = z.strictObject({ into: z.string().trim().min(1, "name the case to merge into (uuid or C-<n>)") });

export interface CaseActionDependencies {
  database: Database;
  requireRole: ReturnType<typeof createAuthenticator>;
  classifiers: ClassifierHolder;
  classification: ClassificationConfig;
  logger: Logger;
}

/**
 * What agents change about the matcher's and the classifier's decisions, and the classifier's retraining:
 * `POST /v1/cases/:id/category`, `POST /v1/messages/:id/split`, `POST /v1/cases/:id/merge`,
 * `POST /v1/classification/retrain`, `GET /v1/classification/labels` (JSON lines for `plaint train`),
 * `GET /v1/classification/model` and `GET /v1/matching/quality` (each joining rule as agents judged it).
 */
export function caseActionsRouter(deps: CaseActionDependencies): Router {
  const { database, requireRole, classifiers } = deps;
  const router = Router();

  router.post(
    "/v1/cases/:id/category",
    requireRole("agent"),
    json({ limit: "16kb" }),
    asyncRoute(async (req, res) => {
      const body = parseBody(categoryBody, req, res);
      if (!body) return;
      const known = new Set([...classifiers.current.labels, ...classifiers.taxonomy.categories.map((c) => c.id)]);
      if (!known.has(body.category)) {
        return sendError(res, 400, {
          error: "unknown_category",
          message: `"${body.category}" is not a category of the taxonomy or the model`,
          allowed: [...known].sort(),
        });
      }
      const result = await database.transaction((tx) =>
        setCaseCategory(tx, String(req.params["id"]), body.category, actor(res)),
      );
      if (!result.ok) return refused(res, result.error);
      const retraining = await retrainIfDue(deps);
      res.json({ caseId: result.value.caseId, category: body.category, previous: result.value.previous, retraining });
    }),
  );

  router.post(
    "/v1/messages/:id/split",
    requireRole("agent"),
    asyncRoute(async (req, res) => {
      const id = String(req.params["id"]);
      if (!z.uuid().safeParse(id).success)
        return sendError(res, 404, { error: "not_found", message: `no message ${id}` });
      const result = await database.transaction((tx) => splitMessage(tx, id, actor(res)));
      if (!result.ok) return refused(res, result.error);
      res
        .status(201)
        .json({ caseId: result.value.caseId, number: `C-${result.value.number}`, from: result.value.from });
    }),
  );

  router.post(
    "/v1/cases/:id/merge",
    requireRole("agent"),
    json({ limit: "16kb" }),
    asyncRoute(async (req, res) => {
      const body = parseBody(mergeBody, req, res);
      if (!body) return;
      const result = await database.transaction((tx) =>
        mergeCases(tx, String(req.params["id"]), body.into, actor(res)),
      );
      if (!result.ok) return refused(res, result.error);
      res.json({ merged: result.value.source.id, into: result.value.target.id, movedMessages: result.value.moved });
    }),
  );

  router.post(
    "/v1/classification/retrain",
    requireRole("admin"),
    asyncRoute(async (_req, res) => {
      try {
        const model = await database.transaction((tx) => classifiers.retrain(tx, `on command by ${actor(res)}`));
        res.json({ status: "retrained", ...model });
      } catch (error) {
        if (!(error instanceof RetrainRefusedError)) throw error;
        sendError(res, 409, { error: "model_file_configured", message: error.message });
      }
    }),
  );

  router.get(
    "/v1/classification/labels",
    requireRole("viewer"),
    asyncRoute(async (_req, res) => {
      const labels = await listLabels(database);
      res.type("application/x-ndjson");
      res.send(
        labels
          .map((row) => `${JSON.stringify({ text: row.text, category: row.label, source: row.source })}\n`)
          .join(""),
      );
    }),
  );

  router.get(
    "/v1/matching/quality",
    requireRole("viewer"),
    asyncRoute(async (req, res) => {
      const days = Number(req.query["days"] ?? 30);
      if (!Number.isFinite(days) || days <= 0) {
        return sendError(res, 400, { error: "invalid_query", message: "days must be a positive number" });
      }
      res.json(await matchingQuality(database, new Date(Date.now() - days * 86_400_000)));
    }),
  );

  router.get("/v1/classification/model", requireRole("viewer"), (_req, res) => {
    res.json({ source: classifiers.modelSource, labels: classifiers.current.labels });
  });
  return router;
}

/**
 * Retrains once `classification.retrainAfterCorrections` corrections arrived since the model in use was trained.
 * Runs after the correction is committed, in the request: training on a taxonomy plus a few thousand labels takes
 * well under a second. A failure is logged and leaves the current model in place.
 */
async function retrainIfDue(deps: CaseActionDependencies): Promise<"retrained" | "not-due" | "failed"> {
  const every = deps.classification.retrainAfterCorrections;
  if (every === 0 || deps.classifiers.modelFile) return "not-due";
  const pending = await countLabelsSinceLastModel(deps.database);
  if (pending < every) return "not-due";
  try {
    await deps.database.transaction((tx) =>
      deps.classifiers.retrain(tx, `${pending} new corrections (classification.retrainAfterCorrections)`),
    );
    return "retrained";
  } catch (error) {
    deps.logger.error({ reason: describeError(error) }, "retraining the classifier failed; the current model stays");
    return "failed";
  }
}

function parseBody<Schema extends z.ZodType>(schema: Schema, req: Request, res: Response): z.output<Schema> | null {
  const parsed = schema.safeParse(req.body ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }));
  sendError(res, 400, { error: "invalid_body", message: "invalid request body", problems });
  return null;
}

function refused(res: Response, refusal: ActionRefusal): void {
  sendError(res, refusal.status, { error: refusal.error, message: refusal.message });
}

function actor(res: Response): string {
  return `apikey:${(res.locals["caller"] as ApiCaller).name}`;
}
