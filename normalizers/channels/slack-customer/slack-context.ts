import type { Attachment, Party } from "../../canonical-message";
import type { SlackFile, SlackMessage } from "./slack-event.schema";

/** The connector settings the normalizer needs (the connector config satisfies it). */
export interface SlackCustomerSettings {
  channels: readonly { channel: string; customer?: string | undefined }[];
  botUserId?: string | undefined;
  teamId?: string | undefined;
  ignoreOwnWorkspace: boolean;
}

/** Settings resolved against one event: who counts as us. */
export interface SlackContext {
  channels: ReadonlyMap<string, { channel: string; customer?: string | undefined }>;
  /** Our bot user(s): configured, or named by the event's `authorizations`. */
  botUsers: ReadonlySet<string>;
  /** Our own workspace, whose members are staff; undefined when staff are not told apart. */
  staffTeam: string | undefined;
}

/**
 * The external id of a Slack message: `<channel>:<ts>`. A `ts` is unique only within its channel, and Slack's
 * retries of the same event carry the same pair, so this is also what deduplicates redeliveries.
 */
export function slackMessageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/** Splits `<channel>:<ts>` back; undefined for anything else. */
export function parseSlackMessageId(externalId: string): { channel: string; ts: string } | undefined {
  const match = /^([CGD][A-Z0-9]+):(\d+\.\d+)$/.exec(externalId);
  return match ? { channel: match[1] as string, ts: match[2] as string } : undefined;
}

/** A Slack `ts` ("1355517523.000005": seconds and microseconds) as an ISO timestamp, to the millisecond. */
export function slackTsToIso(ts: string): string | undefined {
  const match = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match) return undefined;
  const micros = Number((match[2] ?? "").padEnd(6, "0"));
  return new Date(Number(match[1]) * 1000 + Math.floor(micros / 1000)).toISOString();
}

/**
 * The author's workspace. Slack Connect users belong to another workspace than the channel's host;
 * `user_team` (or `team`) says which, and the user id is qualified with it.
 */
function authorTeam(message: SlackMessage): string | undefined {
  return message.user_team ?? message.team ?? message.user_profile?.team ?? undefined;
}

/** The sender as a party: handle `<team>:<user>` when the team is known, the bare user id otherwise. */
export function authorParty(message: SlackMessage): Party {
  if (!message.user) return {};
  const team = authorTeam(message);
  const name = message.user_profile?.real_name || message.user_profile?.display_name || undefined;
  return { handle: team ? `${team}:${message.user}` : message.user, ...(name ? { name } : {}) };
}

/** Why a message is not a customer's, or null when it is. */
export function notFromCustomer(
  message: SlackMessage,
  context: SlackContext,
): "bot-message" | "own-post" | "staff-message" | null {
  // Our replies come back as events too; they carry our bot id and bot user.
  if (message.user && context.botUsers.has(message.user)) return "own-post";
  if (message.bot_id || message.subtype === "bot_message") return "bot-message";
  if (!message.user) return "bot-message";
  const team = authorTeam(message);
  return context.staffTeam && team === context.staffTeam ? "staff-message" : null;
}

/**
 * Files become attachments by id: the content is fetched later through `files.info` with the bot token. In Slack
 * Connect channels Slack often sends only `{ id, file_access: "check_file_info" }`, so name, type and size may be
 * unknown here.
 */
export function slackAttachments(files: readonly SlackFile[] | undefined): Attachment[] {
  return (files ?? []).map((file) => ({
    filename: file.name || file.title || file.id,
    contentType: file.mimetype || "application/octet-stream",
    size: file.size ?? 0,
    mediaId: file.id,
  }));
}
