import express, { type Express } from "express";
import type { PlaintConfig } from "../config/config.schema";
import type { ConnectorSet } from "../connector-contract/connector-set";
import type { Database } from "../kernel/db/database";
import { describeError } from "../kernel/errors";
import type { Logger } from "../kernel/logger";
import type { Metrics } from "../kernel/metrics";
import type { JobQueue } from "../queue/job-queue";
import { createAuthenticator } from "./auth";
import { caseMessagesRouter } from "./case-messages.route";
import { casesRouter } from "./cases.routes";
import { caseExplainRouter } from "./case-explain.route";
import { businessCalendars } from "../routing/calendar/business-calendars";
import { customersRouter } from "./customers.routes";
import { caseActionsRouter } from "./case-actions.routes";
import { MessageAnalyzer } from "../pipeline/message-analysis";
import { errorHandler, sendError } from "./http-errors";
import { intakeRouter } from "./intake.routes";
import { asyncRoute } from "./route-helpers";
import { webhookIntakeRouter } from "./webhook-intake.route";

export interface AppDependencies {
  config: PlaintConfig;
  /** The configured connectors, bound to their definitions by the composition root. */
  connectors: ConnectorSet;
  database: Database;
  queue: JobQueue;
  metrics: Metrics;
  logger: Logger;
  /** The process's redactor and classifier; one is made from the config when not given. */
  analyzer?: MessageAnalyzer;
}

/** The HTTP edge: intake endpoints (signed by vendors) and the REST API (bearer keys). */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  const requireRole = createAuthenticator(deps.config.apiKeys);
  const analyzer = deps.analyzer ?? new MessageAnalyzer(deps.config);

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get(
    "/readyz",
    asyncRoute(async (_req, res) => {
      const [database, queue] = await Promise.allSettled([deps.database.ping(), deps.queue.ping()]);
      const checks = { database: check(database), queue: check(queue) };
      const ready = database.status === "fulfilled" && queue.status === "fulfilled";
      res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "unavailable", checks });
    }),
  );
  app.get(
    "/metrics",
    asyncRoute(async (_req, res) => {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    }),
  );

  app.use(
    webhookIntakeRouter({
      intakeLog: deps.database,
      queue: deps.queue,
      connectors: deps.connectors,
      maxBodyBytes: deps.config.server.maxBodyBytes,
      publicUrl: deps.config.server.publicUrl,
      metrics: deps.metrics,
      logger: deps.logger,
    }),
  );
  app.use(casesRouter(deps.database.prisma, requireRole));
  app.use(customersRouter(deps.database, requireRole, deps.config.identity));
  app.use(caseMessagesRouter(deps.database, requireRole, deps.connectors.replyChannels(), analyzer));
  app.use(
    caseActionsRouter({
      database: deps.database,
      requireRole,
      classifiers: analyzer.classifiers,
      classification: deps.config.classification,
      logger: deps.logger,
    }),
  );
  app.use(caseExplainRouter(deps.database, requireRole, deps.config.routing, businessCalendars(deps.config.calendars)));
  app.use(intakeRouter(deps.database.prisma, deps.queue, requireRole));

  app.use((req, res) => sendError(res, 404, { error: "not_found", message: `no route ${req.method} ${req.path}` }));
  app.use(errorHandler((error) => deps.logger.error({ reason: describeError(error) }, "request failed")));
  return app;
}

function check(result: PromiseSettledResult<void>): string {
  return result.status === "fulfilled" ? "ok" : describeError(result.reason);
}
