import { err, ok, type Result } from "../../../core/kernel/result";
import type { MappingProblem } from "./webhook-mapping";
import { isRecord, joinTexts, type FormView } from "./form-view";

/**
 * Typeform's `form_response` webhook → {@link FormView}. Pure. Answers are typed by `type` (which property holds
 * the value) and belong to a field by `field.ref`; the field's own `field.type` says long text from short text.
 * @see https://www.typeform.com/developers/webhooks/example-payload/
 * @see https://www.typeform.com/developers/responses/JSON-response-explanation/
 */
export function typeformView(body: unknown): Result<FormView, MappingProblem> {
  if (!isRecord(body)) return err({ path: "", message: "body must be a JSON object" });
  if (body["event_type"] !== "form_response")
    return err({ path: "/event_type", message: 'must be "form_response" (the only event Typeform sends)' });
  const response = body["form_response"];
  if (!isRecord(response)) return err({ path: "/form_response", message: "missing" });
  const definition = isRecord(response["definition"]) ? response["definition"] : {};
  const titles = fieldTitles(definition["fields"]);

  const view: FormView = {
    id: response["token"],
    submittedAt: response["submitted_at"],
    formTitle: definition["title"],
    answers: {},
    byLabel: {},
    hidden: isRecord(response["hidden"]) ? response["hidden"] : {},
  };
  const longTexts: string[] = [];
  for (const answer of Array.isArray(response["answers"]) ? response["answers"] : []) {
    if (!isRecord(answer) || !isRecord(answer["field"])) continue;
    const value = answerText(answer);
    if (value === undefined) continue;
    const { ref, id, type: fieldType } = answer["field"];
    if (typeof ref === "string") view.answers[ref] = value;
    const title = typeof id === "string" ? titles.get(id) : undefined;
    if (title !== undefined) view.byLabel[title] = value;
    if (answer["type"] === "email") view.email ??= value;
    if (answer["type"] === "phone_number") view.phone ??= value;
    if (fieldType === "long_text") longTexts.push(value);
  }
  const text = joinTexts(longTexts);
  if (text !== undefined) view.text = text;
  return ok(view);
}

function fieldTitles(fields: unknown): Map<string, string> {
  const titles = new Map<string, string>();
  for (const field of Array.isArray(fields) ? fields : []) {
    if (isRecord(field) && typeof field["id"] === "string" && typeof field["title"] === "string")
      titles.set(field["id"], field["title"]);
  }
  return titles;
}

/** The answer's value as text; undefined for kinds that carry nothing a complaint needs (payments). */
function answerText(answer: Record<string, unknown>): string | undefined {
  const type = answer["type"];
  switch (type) {
    case "text":
    case "email":
    case "phone_number":
    case "url":
    case "file_url":
    case "date":
      return typeof answer[type] === "string" ? answer[type] : undefined;
    case "number":
    case "boolean": {
      const value = answer[type];
      return typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
    }
    case "choice": {
      const choice = answer["choice"];
      return isRecord(choice) ? stringOf(choice["label"] ?? choice["other"]) : undefined;
    }
    case "choices": {
      const choices = answer["choices"];
      if (!isRecord(choices)) return undefined;
      const labels = Array.isArray(choices["labels"]) ? choices["labels"].filter((l) => typeof l === "string") : [];
      if (typeof choices["other"] === "string") labels.push(choices["other"]);
      return labels.join(", ");
    }
    default:
      return undefined;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
