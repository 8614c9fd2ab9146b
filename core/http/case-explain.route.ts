import { Router } from "express";
import { parseCaseReference } from "../cases/case-lookup";
import { formatCaseNumber } from "../cases/case-number";
import type { RoutingConfig } from "../config/config.schema";
import type { Database } from "../kernel/db/database";
import { explainCreation } from "../routing/explain";
import { compiledRules } from "../routing/route";
import type { BusinessCalendars } from "../routing/rules";
import { findCaseHead } from "../store/cases.store";
import { findCaseEventsOfTypes } from "../store/events.store";
import { findReplayCase } from "../store/rule-replay.store";
import type { createAuthenticator } from "./auth";
import { sendError } from "./http-errors";
import { asyncRoute } from "./route-helpers";

/**
 * `GET /v1/cases/:id/explain`: why the case went where it went. `recorded` is what the rules did when it opened (its
 * `rule_fired` and `routed` events); `now` is what the configured rules make of it today: the ones that fire, with
 * the values they see, and for every other rule the first condition that fails (or the rule whose `stop` hides it).
 */
export function caseExplainRouter(
  database: Database,
  requireRole: ReturnType<typeof createAuthenticator>,
  routing: RoutingConfig,
  calendars: BusinessCalendars,
): Router {
  const router = Router();
  router.get(
    "/v1/cases/:id/explain",
    requireRole("viewer"),
    asyncRoute(async (req, res) => {
      const id = String(req.params["id"]);
      const key = parseCaseReference(id);
      const head = key ? await findCaseHead(database, key) : null;
      const row = head ? await findReplayCase(database, head.id) : null;
      if (!head || !row) return sendError(res, 404, { error: "not_found", message: `no case ${id}` });
      const recorded = await findCaseEventsOfTypes(database, head.id, ["routed", "rule_fired", "note_added"]);
      res.json({
        case: formatCaseNumber(head.number),
        team: row.team,
        assignee: row.assignee,
        recorded,
        now: explainCreation(compiledRules(routing), row, calendars),
      });
    }),
  );
  return router;
}
