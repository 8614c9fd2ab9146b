import { err, ok, type Result } from "../../../core/kernel/result";
import type { PayloadProblem } from "../../payload-problem";
import { noFlags, type CanonicalMessage, type MessageUpdate, type Party } from "../../canonical-message";
import { mrkdwnToPlain } from "./mrkdwn";
import {
  authorParty,
  notFromCustomer,
  slackAttachments,
  slackMessageId,
  slackTsToIso,
  type SlackContext,
} from "./slack-context";
import type { SlackMessageEvent, SlackReactionEvent } from "./slack-event.schema";
import type { SlackIntake } from "./slack-intake";

/**
 * `message_changed`: the customer edited a message. Slack also sends it when nothing the customer wrote changed
 * (a link unfurled, a thread got a reply, language detection); with the previous text at hand those are dropped.
 * A parent deleted while its thread lives on becomes a `tombstone`: that is a delete.
 * @see https://docs.slack.dev/reference/events/message/message_changed
 */
export function normalizeEdit(event: SlackMessageEvent, context: SlackContext): Result<SlackIntake, PayloadProblem> {
  const edited = event.message;
  if (!edited) return err({ path: "/event/message", message: "missing" });
  if (edited.subtype === "tombstone") return deleted(event, edited.ts, {});
  const notCustomer = notFromCustomer(edited, context);
  if (notCustomer) return ok({ kind: "ignored", reason: notCustomer });
  const previous = event.previous_message;
  if (previous && previous.text === edited.text && (previous.files?.length ?? 0) === (edited.files?.length ?? 0)) {
    return ok({ kind: "ignored", reason: "unchanged-edit" });
  }
  const changedTs = edited.edited?.ts ?? event.event_ts ?? event.ts;
  const receivedAt = slackTsToIso(changedTs);
  if (!receivedAt) return err({ path: "/event/ts", message: "is not a Slack timestamp" });
  const text = mrkdwnToPlain(edited.text ?? "");
  return ok({
    kind: "message",
    message: {
      ...update(event.channel, authorParty(edited), receivedAt, {
        targetExternalId: slackMessageId(event.channel, edited.ts),
      }),
      // Each edit is its own update: the same message may be edited many times, and a retry repeats the same ts.
      externalId: `${slackMessageId(event.channel, edited.ts)}:edit:${changedTs}`,
      text,
      fullText: text,
      attachments: slackAttachments(edited.files),
      flags: { ...noFlags, edit: true },
      kind: "edit",
    },
  });
}

/**
 * `message_deleted`. Deletes of bot posts (ours included) and of staff messages are not the customer's.
 * @see https://docs.slack.dev/reference/events/message/message_deleted
 */
export function normalizeDelete(event: SlackMessageEvent, context: SlackContext): Result<SlackIntake, PayloadProblem> {
  if (!event.deleted_ts) return err({ path: "/event/deleted_ts", message: "missing" });
  const previous = event.previous_message;
  const notCustomer = previous ? notFromCustomer(previous, context) : null;
  if (notCustomer) return ok({ kind: "ignored", reason: notCustomer });
  return deleted(event, event.deleted_ts, previous ? authorParty(previous) : {});
}

function deleted(event: SlackMessageEvent, targetTs: string, from: Party): Result<SlackIntake, PayloadProblem> {
  const receivedAt = slackTsToIso(event.event_ts ?? event.ts);
  if (!receivedAt) return err({ path: "/event/ts", message: "is not a Slack timestamp" });
  const target = slackMessageId(event.channel, targetTs);
  return ok({
    kind: "message",
    message: {
      ...update(event.channel, from, receivedAt, { targetExternalId: target }),
      externalId: `${target}:delete`,
      flags: { ...noFlags, delete: true },
      kind: "delete",
    },
  });
}

/**
 * `reaction_added` / `reaction_removed` on a message in a customer channel (an emoji on our reply, typically).
 * A removal carries an empty `reaction`, as the canonical message defines it; the emoji stays in the external id.
 * @see https://docs.slack.dev/reference/events/reaction_added
 */
export function normalizeReaction(
  event: SlackReactionEvent,
  context: SlackContext,
): Result<SlackIntake, PayloadProblem> {
  const { item } = event;
  if (item.type !== "message" || !item.channel || !item.ts)
    return ok({ kind: "ignored", reason: "not-a-message-item" });
  if (!context.channels.has(item.channel)) return ok({ kind: "ignored", reason: "unconfigured-channel" });
  if (context.botUsers.has(event.user)) return ok({ kind: "ignored", reason: "own-post" });
  const receivedAt = slackTsToIso(event.event_ts);
  if (!receivedAt) return err({ path: "/event/event_ts", message: "is not a Slack timestamp" });
  const target = slackMessageId(item.channel, item.ts);
  const added = event.type === "reaction_added";
  return ok({
    kind: "message",
    message: {
      ...update(item.channel, { handle: event.user }, receivedAt, {
        targetExternalId: target,
        reaction: added ? event.reaction : "",
      }),
      externalId: `${target}:${event.type}:${event.user}:${event.reaction}:${event.event_ts}`,
      kind: "reaction",
    },
  });
}

/** The fields every update shares; callers set the id, kind and flags. */
function update(channel: string, from: Party, receivedAt: string, change: MessageUpdate): CanonicalMessage {
  return {
    channel: "slack",
    externalId: change.targetExternalId,
    from,
    to: [],
    cc: [],
    subject: null,
    text: "",
    fullText: "",
    attachments: [],
    thread: { references: [], conversationId: channel },
    receivedAt,
    flags: { ...noFlags },
    kind: "message",
    update: change,
  };
}
