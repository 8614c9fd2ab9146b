/**
 * What a form-tool preset makes of one submission: a flat object the preset's mapping (and any override in the
 * config) points into, so `mapping.from.name: /answers/full_name` works the same for every tool.
 */
export interface FormView {
  /** The tool's id of the submission (deduplicates redeliveries). */
  id: unknown;
  submittedAt: unknown;
  formTitle: unknown;
  /** The first answer of the tool's email / phone type. */
  email?: string;
  phone?: string;
  /** The long-text answers, in form order, separated by blank lines. */
  text?: string;
  /** Every answer as text, by the field's stable key (Typeform `ref`, Tally `key`). */
  answers: Record<string, string>;
  /** Every answer as text, by the question's label (Tally) or title (Typeform, when the definition is sent). */
  byLabel: Record<string, string>;
  /** Hidden fields / URL parameters the form carried (Typeform `hidden`), as sent. */
  hidden: Record<string, unknown>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Joins the non-empty texts with blank lines, or undefined when there are none. */
export function joinTexts(texts: readonly string[]): string | undefined {
  const kept = texts.map((text) => text.trim()).filter((text) => text !== "");
  return kept.length === 0 ? undefined : kept.join("\n\n");
}
