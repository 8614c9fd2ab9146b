import { randomUUID } from "node:crypto";
import { Router, json } from "express";
import { z } from "zod";
import { parseCaseReference } from "../cases/case-lookup";
import type { Database } from "../kernel/db/database";
import { outboxKey } from "../pipeline/idempotency-key";
import { findCaseChannel } from "../store/cases.store";
import { appendEvent } from "../store/events.store";
import { findMessageIdByIdempotencyKey, insertReply } from "../store/replies.store";
import { insertOutboxItem } from "../store/outbox.store";
import type { ApiCaller, createAuthenticator } from "./auth";
import { sendError } from "./http-errors";
import { asyncRoute } from "./route-helpers";
import type { MessageAnalyzer } from "../pipeline/message-analysis";

/** The zero uuid: names no case. */
const NO_CASE = "00000000-0000-0000-0000-000000000000";

const replySchema = z.strictObject({
  text: z.string().trim().min(1, "write the reply's text"),
  /** An automatic message (acknowledgement): marked as such, and never sent to no-reply addresses. */
  automatic: z.boolean().default(false),
});

/**
 * `POST /v1/cases/:id/messages`: an agent's reply to the customer, sent in the channel and thread the case
 * came from. The message and its outbox row are written in one transaction; the outbox dispatcher sends it.
 * An `Idempotency-Key` header makes a retried request return the first one's message instead of sending twice.
 */
export function caseMessagesRouter(
  database: Database,
  requireRole: ReturnType<typeof createAuthenticator>,
  /** Channels a reply can be sent through with the current configuration. */
  replyChannels: ReadonlySet<string>,
  /** Masks personal data an agent pasted into a reply, in the stored text and so in everything sent. */
  analyzer: MessageAnalyzer,
): Router {
  const router = Router();
  router.post(
    "/v1/cases/:id/messages",
    requireRole("agent"),
    json({ limit: "256kb" }),
    asyncRoute(async (req, res) => {
      const parsed = replySchema.safeParse(req.body);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }));
        return sendError(res, 400, { error: "invalid_body", message: "invalid reply", problems });
      }
      const id = String(req.params["id"]);
      // An id that is neither a number nor a uuid is looked up as the zero uuid, which names no case.
      const kase = await findCaseChannel(database.prisma, parseCaseReference(id) ?? { id: NO_CASE });
      if (!kase) return sendError(res, 404, { error: "not_found", message: `no case ${id}` });
      if (!replyChannels.has(kase.channel)) {
        return sendError(res, 409, {
          error: "reply_unsupported",
          message: `replies through the ${kase.channel} channel are not configured (email needs an smtp section)`,
        });
      }

      const caller = res.locals["caller"] as ApiCaller;
      const requestKey = req.header("idempotency-key");
      const idempotencyKey = `out:${kase.id}:${requestKey ?? randomUUID()}`;
      const existing = await findMessageIdByIdempotencyKey(database.prisma, idempotencyKey);
      if (existing) return void res.status(200).json({ status: "duplicate", messageId: existing });

      const destination = `reply:${kase.channel}`;
      const { text, findings } = analyzer.redactText(parsed.data.text);
      const automatic = parsed.data.automatic;
      const messageId = await database.transaction(async (tx) => {
        const replyId = await insertReply(tx, {
          idempotencyKey,
          caseId: kase.id,
          channel: kase.channel,
          text,
          redactions: findings.map((finding) => ({ ...finding })),
          automatic,
          sentAt: new Date(),
        });
        await insertOutboxItem(tx, {
          destination,
          caseId: kase.id,
          payload: { event: "reply", caseId: kase.id, messageId: replyId, automatic },
          idempotencyKey: outboxKey(destination, "reply", replyId),
        });
        await appendEvent(tx, {
          caseId: kase.id,
          actor: `apikey:${caller.name}`,
          type: "reply_queued",
          reason: automatic ? "automatic reply" : "agent reply",
          data: { messageId: replyId, channel: kase.channel },
        });
        return replyId;
      });
      res.status(202).json({ status: "queued", messageId });
    }),
  );
  return router;
}
