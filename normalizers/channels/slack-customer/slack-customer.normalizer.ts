import { err, ok, type Result } from "../../../core/kernel/result";
import type { PayloadProblem } from "../../payload-problem";
import { normalizeMessageEvent } from "./slack-message";
import { normalizeReaction } from "./slack-updates";
import {
  slackEnvelopeSchema,
  slackMessageEventSchema,
  slackReactionEventSchema,
  type SlackEnvelope,
} from "./slack-event.schema";
import type { SlackContext, SlackCustomerSettings } from "./slack-context";
import type { SlackIntake } from "./slack-intake";

export type { SlackIgnoreReason, SlackIntake } from "./slack-intake";

/**
 * Slack Events API body (customer-channel role) → what it means for the hub. Pure: raw body in, result out.
 * Only events from the configured channels count; bots, our own posts, staff and channel housekeeping are dropped.
 * @see https://docs.slack.dev/apis/events-api
 */
export function normalizeSlackCustomer(
  rawBody: string,
  settings: SlackCustomerSettings,
): Result<SlackIntake, PayloadProblem> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch (error) {
    return err({ path: "", message: `body is not valid JSON (${(error as Error).message})` });
  }
  const envelope = slackEnvelopeSchema.safeParse(json);
  if (!envelope.success) return err(firstIssue(envelope.error.issues, ""));
  const body = envelope.data;
  if (body.type === "url_verification") {
    return body.challenge ? ok({ kind: "handshake", challenge: body.challenge }) : err(missing("/challenge"));
  }
  // app_rate_limited and other envelope types tell about the app, not about a customer.
  if (body.type !== "event_callback") return ok({ kind: "ignored", reason: "not-an-event" });
  if (!body.event) return err(missing("/event"));
  return normalizeEvent(body.event, contextOf(body, settings));
}

function normalizeEvent(event: { type: string }, context: SlackContext): Result<SlackIntake, PayloadProblem> {
  switch (event.type) {
    case "message": {
      const parsed = slackMessageEventSchema.safeParse(event);
      return parsed.success ? normalizeMessageEvent(parsed.data, context) : err(firstIssue(parsed.error.issues));
    }
    case "reaction_added":
    case "reaction_removed": {
      const parsed = slackReactionEventSchema.safeParse(event);
      return parsed.success ? normalizeReaction(parsed.data, context) : err(firstIssue(parsed.error.issues));
    }
    default:
      return ok({ kind: "ignored", reason: "unsupported-event" });
  }
}

/** Who "we" are for this event: the configured ids, or the installation Slack says it delivers the event to. */
function contextOf(body: SlackEnvelope, settings: SlackCustomerSettings): SlackContext {
  const installation = body.authorizations?.[0];
  const botUsers = new Set<string>();
  if (settings.botUserId) botUsers.add(settings.botUserId);
  for (const authorization of body.authorizations ?? []) {
    if (authorization.is_bot && authorization.user_id) botUsers.add(authorization.user_id);
  }
  const staffTeam = settings.ignoreOwnWorkspace ? (settings.teamId ?? installation?.team_id ?? undefined) : undefined;
  return {
    channels: new Map(settings.channels.map((entry) => [entry.channel, entry])),
    botUsers,
    staffTeam,
  };
}

function firstIssue(issues: readonly { path: PropertyKey[]; message: string }[], prefix = "/event"): PayloadProblem {
  const issue = issues[0];
  const path = issue ? issue.path.map((part) => `/${String(part)}`).join("") : "";
  return { path: `${prefix}${path}`, message: issue?.message ?? "invalid" };
}

function missing(path: string): PayloadProblem {
  return { path, message: "missing" };
}
