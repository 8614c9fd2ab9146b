import { z } from "zod";

/**
 * One Slack channel that is a customer channel (typically a Slack Connect channel shared with one customer company).
 * @see https://docs.slack.dev/apis/slack-connect
 */
export const slackCustomerChannelSchema = z.strictObject({
  /** The channel id (`C…`, `G…` for older private channels, `D…` for a direct message with the app). */
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, "use the channel id (C0123ABCD), not its name"),
  /** Who the customer behind the channel is: a company name or an id in your CRM. Shown as the recipient. */
  customer: z.string().trim().min(1).optional(),
});

export const slackCustomerConnectorConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes"),
  type: z.literal("slack-customer"),
  /** The app's signing secret (Basic Information → App Credentials); write `${ENV_VAR}`. */
  signingSecret: z.string().min(16, "use the app's signing secret (32 characters)"),
  /** The bot token replies are posted with (OAuth & Permissions); write `${ENV_VAR}`. */
  botToken: z.string().regex(/^xoxb-/, "use the bot token, which starts with xoxb-"),
  /**
   * The app's bot user id (`U…`): its posts are ours, never a customer's. Without it the id is taken from the
   * event's `authorizations`, and any post carrying a `bot_id` is ignored anyway.
   */
  botUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, "use the bot's user id (U0123ABCD)")
    .optional(),
  /**
   * Our own workspace (`T…`): its members are staff, not customers, so what they write in a shared channel opens
   * no case. Without it the workspace the app is installed in (the event's `authorizations`) is used.
   */
  teamId: z
    .string()
    .regex(/^[TE][A-Z0-9]{2,}$/, "use the workspace id (T0123ABCD)")
    .optional(),
  /**
   * Drop what members of our own workspace write in the customer channels (default true). Turn off when customers
   * are guests in your workspace rather than members of another one.
   */
  ignoreOwnWorkspace: z.boolean().default(true),
  /** The customer channels; events from any other channel are acknowledged and dropped. */
  channels: z
    .array(slackCustomerChannelSchema)
    .min(1, "list at least one customer channel")
    .refine(
      (channels) => new Set(channels.map((entry) => entry.channel)).size === channels.length,
      "each channel may be listed once",
    ),
});

export type SlackCustomerConnectorConfig = z.infer<typeof slackCustomerConnectorConfigSchema>;
export type SlackCustomerChannel = z.infer<typeof slackCustomerChannelSchema>;
