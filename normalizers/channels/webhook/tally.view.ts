import { err, ok, type Result } from "../../../core/kernel/result";
import type { MappingProblem } from "./webhook-mapping";
import { isRecord, joinTexts, type FormView } from "./form-view";

/**
 * Tally's `FORM_RESPONSE` webhook → {@link FormView}. Pure. Each entry of `data.fields` carries its `key`,
 * `label`, `type` and `value`; choice fields send option ids in `value` and the id → text list in `options`.
 * @see https://tally.so/help/webhooks
 */
export function tallyView(body: unknown): Result<FormView, MappingProblem> {
  if (!isRecord(body)) return err({ path: "", message: "body must be a JSON object" });
  if (body["eventType"] !== "FORM_RESPONSE")
    return err({ path: "/eventType", message: 'must be "FORM_RESPONSE" (the only event Tally sends)' });
  const data = body["data"];
  if (!isRecord(data)) return err({ path: "/data", message: "missing" });

  const view: FormView = {
    id: data["responseId"],
    submittedAt: data["createdAt"],
    formTitle: data["formName"],
    answers: {},
    byLabel: {},
    hidden: {},
  };
  const longTexts: string[] = [];
  for (const field of Array.isArray(data["fields"]) ? data["fields"] : []) {
    if (!isRecord(field)) continue;
    const value = fieldText(field);
    if (value === undefined) continue;
    if (typeof field["key"] === "string") view.answers[field["key"]] = value;
    if (typeof field["label"] === "string") view.byLabel[field["label"]] = value;
    switch (field["type"]) {
      case "INPUT_EMAIL":
        view.email ??= value;
        break;
      case "INPUT_PHONE_NUMBER":
        view.phone ??= value;
        break;
      case "TEXTAREA":
        longTexts.push(value);
        break;
      case "HIDDEN_FIELDS":
        if (typeof field["label"] === "string") view.hidden[field["label"]] = field["value"];
        break;
      default:
        break;
    }
  }
  const text = joinTexts(longTexts);
  if (text !== undefined) view.text = text;
  return ok(view);
}

/** A field's value as text: strings and numbers as they are, choice ids through the field's `options`. */
function fieldText(field: Record<string, unknown>): string | undefined {
  const value = field["value"];
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (!Array.isArray(value)) return undefined;
  const options = new Map<unknown, unknown>();
  for (const option of Array.isArray(field["options"]) ? field["options"] : []) {
    if (isRecord(option)) options.set(option["id"], option["text"]);
  }
  const texts = (value as unknown[])
    .map((item) => options.get(item) ?? item)
    .filter((item): item is string => typeof item === "string");
  return texts.length === 0 ? undefined : texts.join(", ");
}
