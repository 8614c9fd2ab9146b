import type { CanonicalMessage } from "../../canonical-message";

/** Why a verified Slack event carries nothing for the hub. Counted and logged; never an error. */
export type SlackIgnoreReason =
  | "not-an-event"
  | "unsupported-event"
  | "unconfigured-channel"
  | "bot-message"
  | "own-post"
  | "staff-message"
  | "system-message"
  | "unchanged-edit"
  | "not-a-message-item";

/** What one Events API request is: the URL handshake, something to drop, or (at most one) canonical message. */
export type SlackIntake =
  | { kind: "handshake"; challenge: string }
  | { kind: "ignored"; reason: SlackIgnoreReason }
  | { kind: "message"; message: CanonicalMessage };
