import { err, ok, type Result } from "../../../core/kernel/result";
import type { PayloadProblem } from "../../payload-problem";
import { noFlags, type CanonicalMessage } from "../../canonical-message";
import { mrkdwnToPlain } from "./mrkdwn";
import {
  authorParty,
  notFromCustomer,
  slackAttachments,
  slackMessageId,
  slackTsToIso,
  type SlackContext,
} from "./slack-context";
import type { SlackMessageEvent } from "./slack-event.schema";
import type { SlackIntake } from "./slack-intake";
import { normalizeDelete, normalizeEdit } from "./slack-updates";

/**
 * Subtypes that are a person writing: plain messages, file uploads, a thread reply also sent to the channel,
 * `/me`. Every other subtype is channel housekeeping (joins, topic changes, pins…) or a bot.
 * @see https://docs.slack.dev/reference/events/message
 */
const customerSubtypes = new Set<string | undefined>([undefined, "file_share", "thread_broadcast", "me_message"]);

/** A `message` event in any subtype. */
export function normalizeMessageEvent(
  event: SlackMessageEvent,
  context: SlackContext,
): Result<SlackIntake, PayloadProblem> {
  const channel = context.channels.get(event.channel);
  if (!channel) return ok({ kind: "ignored", reason: "unconfigured-channel" });
  switch (event.subtype) {
    case "message_changed":
      return normalizeEdit(event, context);
    case "message_deleted":
      return normalizeDelete(event, context);
    default:
      break;
  }
  if (!customerSubtypes.has(event.subtype ?? undefined)) {
    return ok({ kind: "ignored", reason: event.subtype === "bot_message" ? "bot-message" : "system-message" });
  }
  const notCustomer = notFromCustomer(event, context);
  if (notCustomer) return ok({ kind: "ignored", reason: notCustomer });
  const receivedAt = slackTsToIso(event.ts);
  if (!receivedAt) return err({ path: "/event/ts", message: "is not a Slack timestamp" });

  const text = mrkdwnToPlain(event.text ?? "");
  // A reply in a thread names its parent's ts; the parent itself (thread_ts === ts) is a top-level message.
  const inThread = typeof event.thread_ts === "string" && event.thread_ts !== event.ts;
  const message: CanonicalMessage = {
    channel: "slack",
    externalId: slackMessageId(event.channel, event.ts),
    from: authorParty(event),
    to: [{ handle: event.channel, ...(channel.customer ? { name: channel.customer } : {}) }],
    cc: [],
    subject: null,
    text,
    fullText: text,
    attachments: slackAttachments(event.files),
    thread: {
      ...(inThread ? { inReplyTo: slackMessageId(event.channel, event.thread_ts as string) } : {}),
      references: [],
      conversationId: event.channel,
    },
    receivedAt,
    flags: { ...noFlags },
    kind: "message",
  };
  return ok({ kind: "message", message });
}
