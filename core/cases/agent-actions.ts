import { randomUUID } from "node:crypto";
import type { SqlClient } from "../kernel/db/database";
import { err, ok, type Result } from "../kernel/result";
import { formatCaseNumber } from "./case-number";
import { findCase, type CaseHead } from "./case-lookup";

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
  const [model] = await tx.sql<{ classification: { category?: string; confidence?: number } | null }>(
    `SELECT classification FROM cases WHERE id = $1::uuid`,
    [kase.id],
  );
  await tx.sql(
    `UPDATE cases SET category = $2, category_source = 'agent', triage = false, updated_at = now() WHERE id = $1::uuid`,
    [kase.id, category],
  );
  const said = model?.classification?.category
    ? `the model said ${model.classification.category} at ${(model.classification.confidence ?? 0).toFixed(2)}`
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
  const [text] = await tx.sql<{ text: string | null }>(
    `SELECT string_agg(concat_ws(E'\\n', subject, text), E'\\n' ORDER BY sent_at) AS text
     FROM (SELECT subject, text, sent_at FROM messages
           WHERE case_id = $1::uuid AND direction = 'in' ORDER BY sent_at LIMIT 3) first`,
    [kase.id],
  );
  if (text?.text) {
    await tx.sql(
      `INSERT INTO classification_labels (id, text, label, source, case_id, actor)
       VALUES (gen_random_uuid(), $1, $2, 'agent', $3::uuid, $4)
       ON CONFLICT (case_id, source) DO UPDATE SET text = EXCLUDED.text, label = EXCLUDED.label,
         actor = EXCLUDED.actor, created_at = now()`,
      [text.text, category, kase.id, actor],
    );
  }
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
  const [message] = await tx.sql<{
    caseId: string;
    direction: string;
    channel: string;
    subject: string | null;
    classification: { category?: string; severity?: string; triage?: boolean } | null;
  }>(
    `SELECT case_id::text AS "caseId", direction, channel, subject, classification FROM messages WHERE id = $1::uuid`,
    [messageId],
  );
  if (!message) return refuse(404, "not_found", `no message ${messageId}`);
  if (message.direction !== "in") return refuse(409, "not_inbound", "only a customer's message can be split off");
  const from = (await findCase(tx, message.caseId, true)) as CaseHead;
  const [count] = await tx.sql<{ inbound: number }>(
    `SELECT count(*)::int AS inbound FROM messages WHERE case_id = $1::uuid AND direction = 'in'`,
    [from.id],
  );
  if ((count?.inbound ?? 0) < 2)
    return refuse(409, "only_message", `the message is the only one of ${formatCaseNumber(from.number)}`);
  const [joined] = await tx.sql<{ reason: string | null; rule: string | null }>(
    `SELECT reason, data->>'rule' AS rule FROM case_events
     WHERE type = 'message_added' AND data->>'messageId' = $1
     ORDER BY id DESC LIMIT 1`,
    [messageId],
  );
  const category = message.classification && !message.classification.triage ? message.classification.category : null;
  const [created] = await tx.sql<{ id: string; number: number }>(
    `INSERT INTO cases (id, customer_id, status, subject, channel, category, severity, classification, category_source,
       team, updated_at)
     VALUES ($1::uuid, $2::uuid, 'new', $3, $4, $5, $6, $7::jsonb, $8, $9, now())
     RETURNING id::text AS id, number`,
    [
      randomUUID(),
      from.customerId,
      message.subject,
      message.channel,
      category ?? null,
      message.classification?.severity ?? null,
      message.classification ? JSON.stringify(message.classification) : null,
      category ? "model" : null,
      from.team,
    ],
  );
  if (!created) throw new Error("the split case was not created");
  await tx.sql(`UPDATE messages SET case_id = $2::uuid WHERE id = $1::uuid`, [messageId, created.id]);
  await tx.sql(`UPDATE cases SET updated_at = now() WHERE id = $1::uuid`, [from.id]);
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
  const moved = await tx.sql<{ id: string }>(
    `UPDATE messages SET case_id = $2::uuid WHERE case_id = $1::uuid RETURNING id::text AS id`,
    [source.id, target.id],
  );
  await tx.sql(
    `UPDATE cases SET merged_into_id = $2::uuid, status = 'closed', closed_at = now(), updated_at = now()
     WHERE id = $1::uuid`,
    [source.id, target.id],
  );
  await tx.sql(`UPDATE cases SET updated_at = now() WHERE id = $1::uuid`, [target.id]);
  const data = { from: source.id, into: target.id, messageIds: moved.map((row) => row.id) };
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
  await tx.sql(
    `INSERT INTO case_events (case_id, actor, type, reason, data) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)`,
    [caseId, actor, type, reason, JSON.stringify(data)],
  );
}
