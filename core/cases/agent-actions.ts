import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import { err, ok, type Result } from "../kernel/result";
import {
  closeAsMergedInto,
  findCaseClassification,
  insertSplitCase,
  setAgentCategory,
  touchCase,
  type CaseHead,
} from "../store/cases.store";
import { saveAgentLabel } from "../store/classification.store";
import { appendEvent, findJoinEvent } from "../store/events.store";
import {
  countInboundMessages,
  findMessageToSplit,
  findOpeningText,
  moveCaseMessages,
  moveMessage,
} from "../store/messages.store";
import { formatCaseNumber } from "./case-number";
import { findCase } from "./case-lookup";

/** Why an agent action was refused: the HTTP status it maps to and a message for the agent. */
export interface ActionRefusal {
  status: 404 | 409;
  error: string;
  message: string;
}

const refuse = (status: ActionRefusal["status"], error: string, message: string) => err({ status, error, message });

/**
 * An agent sets a case's category: the case says so (the model is not asked again), the event records what the model
 * had said, and the case's text with its category becomes a label the classifier retrains on. A second correction of
 * the same case replaces its label.
 */
export async function setCaseCategory(
  tx: SqlClient,
  caseRef: string,
  category: string,
  actor: string,
): Promise<Result<{ caseId: string; previous: string | null }, ActionRefusal>> {
  const kase = await findCase(tx, caseRef, true);
  if (!kase) return refuse(404, "not_found", `no case ${caseRef}`);
  const model = await findCaseClassification(tx, kase.id);
  await setAgentCategory(tx, kase.id, category);
  const said = model?.category
    ? `the model said ${model.category} at ${(model.confidence ?? 0).toFixed(2)}`
    : "the model gave no category";
  await addEvent(
    tx,
    kase.id,
    actor,
    "category_set",
    `agent set ${category} (was ${kase.category ?? "none"}; ${said})`,
    {
      from: kase.category,
      to: category,
    },
  );
  const text = await findOpeningText(tx, kase.id);
  if (text) await saveAgentLabel(tx, { caseId: kase.id, text, category, actor });
  return ok({ caseId: kase.id, previous: kase.category });
}

/**
 * An agent takes a message off its case into a new case of its own (the matcher joined two complaints that are not
 * one). Both cases record it, with the reason the message had been joined for, so the matching can be measured
 * against what agents undo.
 */
export async function splitMessage(
  tx: SqlClient,
  messageId: string,
  actor: string,
): Promise<Result<{ caseId: string; number: number; from: string }, ActionRefusal>> {
  const message = await findMessageToSplit(tx, messageId);
  if (!message) return refuse(404, "not_found", `no message ${messageId}`);
  if (message.direction !== "in") return refuse(409, "not_inbound", "only a customer's message can be split off");
  const from = (await findCase(tx, message.caseId, true)) as CaseHead;
  if ((await countInboundMessages(tx, from.id)) < 2)
    return refuse(409, "only_message", `the message is the only one of ${formatCaseNumber(from.number)}`);
  const joined = await findJoinEvent(tx, messageId);
  const category = message.classification && !message.classification.triage ? message.classification.category : null;
  const created = await insertSplitCase(tx, {
    id: randomUUID(),
    customerId: from.customerId,
    subject: message.subject,
    channel: message.channel,
    category: category ?? null,
    severity: message.classification?.severity ?? null,
    classification: message.classification,
    categorySource: category ? "model" : null,
    team: from.team,
  });
  await moveMessage(tx, messageId, created.id);
  await touchCase(tx, from.id);
  const data = {
    messageId,
    from: from.id,
    to: created.id,
    joinedBecause: joined?.reason ?? null,
    joinedBy: joined?.rule ?? null,
  };
  await addEvent(
    tx,
    from.id,
    actor,
    "message_split",
    `agent moved the message to ${formatCaseNumber(created.number)} (it had joined: ${joined?.reason ?? "unknown"})`,
    data,
  );
  await addEvent(tx, created.id, actor, "created", `split from ${formatCaseNumber(from.number)} by an agent`, data);
  return ok({ caseId: created.id, number: created.number, from: from.id });
}

/**
 * An agent merges a case into another of the same customer (the matcher missed that they are one complaint): the
 * messages move, the merged case is closed and points at the other, and both trails say so.
 */
export async function mergeCases(
  tx: SqlClient,
  sourceRef: string,
  targetRef: string,
  actor: string,
  why = "by an agent",
): Promise<Result<{ source: CaseHead; target: CaseHead; moved: number }, ActionRefusal>> {
  const source = await findCase(tx, sourceRef, true);
  const target = await findCase(tx, targetRef, true);
  if (!source) return refuse(404, "not_found", `no case ${sourceRef}`);
  if (!target) return refuse(404, "not_found", `no case ${targetRef}`);
  if (source.id === target.id) return refuse(409, "same_case", "a case cannot be merged into itself");
  if (source.mergedIntoId) return refuse(409, "already_merged", `${formatCaseNumber(source.number)} is merged already`);
  if (target.mergedIntoId)
    return refuse(409, "target_merged", `${formatCaseNumber(target.number)} is merged into another case`);
  if (source.customerId !== target.customerId) {
    return refuse(409, "different_customers", "the cases belong to different customers; merge the customers first");
  }
  const moved = await moveCaseMessages(tx, source.id, target.id);
  await closeAsMergedInto(tx, source.id, target.id);
  await touchCase(tx, target.id);
  const data = { from: source.id, into: target.id, messageIds: moved };
  await addEvent(tx, source.id, actor, "case_merged", `merged into ${formatCaseNumber(target.number)} ${why}`, data);
  await addEvent(
    tx,
    target.id,
    actor,
    "case_merged",
    `${formatCaseNumber(source.number)} merged in ${why} (${moved.length} message(s))`,
    data,
  );
  return ok({ source, target, moved: moved.length });
}

async function addEvent(
  tx: SqlClient,
  caseId: string,
  actor: string,
  type: string,
  reason: string,
  data: Record<string, unknown>,
): Promise<void> {
  await appendEvent(tx, { caseId, actor, type, reason, data });
}
