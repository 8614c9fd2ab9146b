/** What a message is, independent of its category. */
export const MESSAGE_KINDS = ["complaint", "question", "feedback", "spam", "other"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** How badly the customer is affected, worst first. */
export const SEVERITIES = ["blocked", "inconvenienced", "annoyed"] as const;
export type Severity = (typeof SEVERITIES)[number];

export type SentimentLabel = "negative" | "neutral" | "positive";

/** The cheap per-message signals read from a message's text. */
export interface Signals {
  kind: MessageKind;
  severity: Severity;
  /** score in [-1, 1]; label from the score with a small neutral band. */
  sentiment: { label: SentimentLabel; score: number };
  /** ISO 639-1 code, or "und" when the text is too short or too mixed to tell. */
  language: string;
  /** Why kind and severity came out as they did, e.g. `blocked: 'cannot log in'`. */
  reasons: string[];
}
