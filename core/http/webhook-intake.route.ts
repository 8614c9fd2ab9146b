import { createHash } from "node:crypto";
import express, { type Request, type RequestHandler, type Response, Router } from "express";
import type { HttpAnswer, HttpIntake, InboundRequest } from "../connector-contract/connector";
import type { ConfiguredConnector, ConnectorSet } from "../connector-contract/connector-set";
import { describeError } from "../kernel/errors";
import { IntakeBatchWriter } from "../intake/intake-batch-writer";
import type { IntakeWriter } from "../store/intake.store";
import type { Logger } from "../kernel/logger";
import type { Metrics } from "../kernel/metrics";
import { rejectedPayloadId } from "../pipeline/idempotency-key";
import type { JobQueue } from "../queue/job-queue";
import { sendError } from "./http-errors";

export interface IntakeRouteDependencies {
  intakeLog: IntakeWriter;
  queue: JobQueue;
  connectors: ConnectorSet;
  maxBodyBytes: number;
  /** `server.publicUrl`: the base URL vendors call, for the ones that sign it. */
  publicUrl: string | undefined;
  metrics: Metrics;
  logger: Logger;
}

/**
 * `POST /v1/intake/webhook/:connectorId`: verify, write the intake log, answer, enqueue. Nothing heavier
 * happens here; normalizing into cases is the worker's job. Bad signatures are refused before anything
 * is stored; payloads that do not fit the mapping are kept (as `rejected`) so they can be replayed after a fix.
 */
export function webhookIntakeRouter(dependencies: IntakeRouteDependencies): Router {
  const deps = { ...dependencies, writer: new IntakeBatchWriter(dependencies.intakeLog) };
  const byId = new Map(deps.connectors.withHttp().map((connector) => [connector.id, connector]));
  const router = Router();
  const findConnector: RequestHandler = (req, res, next) => {
    const connector = byId.get(String(req.params["connectorId"]));
    if (!connector) {
      return sendError(res, 404, {
        error: "unknown_connector",
        message: `no webhook connector "${String(req.params["connectorId"])}" is configured`,
      });
    }
    res.locals["connector"] = connector;
    next();
  };
  router.post(
    "/v1/intake/webhook/:connectorId",
    findConnector,
    express.raw({ type: () => true, limit: deps.maxBodyBytes }),
    (req, res, next) => {
      intake(deps, req, res).catch(next);
    },
  );
  router.get("/v1/intake/webhook/:connectorId", findConnector, (req, res) => {
    const connector = res.locals["connector"] as ConfiguredConnector;
    const http = connector.definition.http;
    if (!http?.handshake) {
      return sendError(res, 405, { error: "method_not_allowed", message: `connector ${connector.id} takes POST only` });
    }
    sendAnswer(res, http.handshake(connector.config, inboundRequest(deps, req)));
  });
  return router;
}

function inboundRequest(deps: Pick<IntakeRouteDependencies, "publicUrl">, req: Request): InboundRequest {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string") query[name] = first;
  }
  const base = deps.publicUrl
    ? deps.publicUrl.replace(/\/+$/, "")
    : `${req.protocol}://${req.get("host") ?? "localhost"}`;
  return {
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    headers: req.headers,
    receivedAt: new Date(),
    query,
    url: base + req.originalUrl,
  };
}

function sendAnswer(res: Response, answer: HttpAnswer): void {
  res.status(answer.status).type(answer.contentType).send(answer.body);
}

async function intake(
  deps: IntakeRouteDependencies & { writer: IntakeBatchWriter },
  req: Request,
  res: Response,
): Promise<void> {
  const { id, config, definition } = res.locals["connector"] as ConfiguredConnector;
  const http: HttpIntake<typeof config> | undefined = definition.http;
  if (!http) throw new Error(`connector ${id} takes no HTTP requests`);
  const request = inboundRequest(deps, req);
  const log = deps.logger.child({ connector: id });

  const verdict = http.verify(config, request);
  if (!verdict.valid) {
    deps.metrics.rejectedSignatures.inc({ connector: id, reason: verdict.reason });
    log.warn({ reason: verdict.reason, ip: req.ip, bytes: request.rawBody.length }, "signature rejected");
    return sendError(res, 401, {
      error: "invalid_signature",
      message: "signature verification failed",
      reason: verdict.reason,
    });
  }

  const accepted = http.accept(config, request);
  if (!accepted.ok) {
    const rawBody = request.rawBody.toString("utf8");
    const stored = await deps.writer.record({
      connectorId: id,
      channel: definition.channel,
      externalId: rejectedPayloadId(createHash("sha256").update(request.rawBody).digest("hex")),
      rawBody,
      meta: { contentType: req.headers["content-type"] ?? null },
      receivedAt: request.receivedAt,
      status: "rejected",
      error: `${accepted.error.path || "(body)"}: ${accepted.error.message}`,
    });
    deps.metrics.intake.inc({ connector: id, outcome: "rejected" });
    log.info({ intakeId: stored.id, path: accepted.error.path }, "payload rejected");
    return sendError(res, 400, {
      error: "invalid_payload",
      message: accepted.error.message,
      path: accepted.error.path,
      intakeId: stored.id,
    });
  }

  const recorded = await Promise.all(
    accepted.value.map((candidate) =>
      deps.writer.record({
        connectorId: id,
        channel: candidate.channel ?? definition.channel,
        externalId: candidate.externalId,
        rawBody: candidate.rawBody,
        meta: { contentType: req.headers["content-type"] ?? null },
        receivedAt: request.receivedAt,
      }),
    ),
  );
  const answer = http.answer?.(config, request);
  if (recorded.length === 0) {
    // A handshake or a ping: verified, nothing to keep.
    if (answer) sendAnswer(res, answer);
    else res.status(200).json({ status: "ignored", intakeIds: [] });
    return;
  }
  const allDuplicates = recorded.every((item) => !item.created);
  deps.metrics.intake.inc({ connector: id, outcome: allDuplicates ? "duplicate" : "accepted" }, 1);
  if (answer) sendAnswer(res, answer);
  else
    res.status(allDuplicates ? 200 : 202).json({
      status: allDuplicates ? "duplicate" : "accepted",
      intakeIds: recorded.map((item) => item.id),
    });

  // After the answer: the item is durable already, and the stranded-intake sweep enqueues it if this fails.
  for (const item of recorded) {
    if (item.status !== "received") continue;
    deps.queue.enqueue(item.id).catch((error: unknown) => {
      log.error({ intakeId: item.id, reason: describeError(error) }, "enqueue failed; the sweep will retry");
    });
  }
}
