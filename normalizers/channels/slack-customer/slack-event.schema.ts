import { z } from "zod";

/**
 * The parts of Slack Events API payloads the customer-channel normalizer reads. Not strict: Slack adds fields
 * to its payloads without notice, and the raw body is kept beside the result anyway.
 * @see https://docs.slack.dev/apis/events-api
 */

/** A file on a message. In Slack Connect channels a file may come as `{ id, file_access: "check_file_info" }` only. */
export const slackFileSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  title: z.string().nullish(),
  mimetype: z.string().nullish(),
  size: z.number().nullish(),
  url_private: z.string().nullish(),
  file_access: z.string().nullish(),
});

const userProfileSchema = z.object({
  real_name: z.string().nullish(),
  display_name: z.string().nullish(),
  team: z.string().nullish(),
});

/** A message as it appears in an event, or inside `message_changed` / `message_deleted`. */
export const slackMessageSchema = z.object({
  type: z.string().optional(),
  subtype: z.string().nullish(),
  user: z.string().optional(),
  bot_id: z.string().nullish(),
  team: z.string().nullish(),
  user_team: z.string().nullish(),
  user_profile: userProfileSchema.optional(),
  text: z.string().nullish(),
  ts: z.string().min(1),
  thread_ts: z.string().nullish(),
  edited: z.object({ user: z.string().optional(), ts: z.string() }).optional(),
  files: z.array(slackFileSchema).optional(),
});

/** `message` event: a message itself, or a subtype such as `message_changed`, `message_deleted`, `channel_join`. */
export const slackMessageEventSchema = slackMessageSchema.extend({
  type: z.literal("message"),
  channel: z.string().min(1),
  message: slackMessageSchema.optional(),
  previous_message: slackMessageSchema.optional(),
  deleted_ts: z.string().optional(),
  event_ts: z.string().optional(),
});

/** `reaction_added` / `reaction_removed`. */
export const slackReactionEventSchema = z.object({
  type: z.enum(["reaction_added", "reaction_removed"]),
  user: z.string().min(1),
  reaction: z.string().min(1),
  item: z.object({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }),
  item_user: z.string().optional(),
  event_ts: z.string().min(1),
});

/** The outer envelope of every Events API request. */
export const slackEnvelopeSchema = z.object({
  type: z.string().min(1),
  challenge: z.string().optional(),
  team_id: z.string().optional(),
  event_id: z.string().optional(),
  event: z
    .object({ type: z.string().min(1) })
    .loose()
    .optional(),
  authorizations: z
    .array(z.object({ team_id: z.string().nullish(), user_id: z.string().nullish(), is_bot: z.boolean().optional() }))
    .optional(),
});

export type SlackEnvelope = z.infer<typeof slackEnvelopeSchema>;
export type SlackMessage = z.infer<typeof slackMessageSchema>;
export type SlackMessageEvent = z.infer<typeof slackMessageEventSchema>;
export type SlackReactionEvent = z.infer<typeof slackReactionEventSchema>;
export type SlackFile = z.infer<typeof slackFileSchema>;
