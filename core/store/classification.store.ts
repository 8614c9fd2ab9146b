import type { SqlClient } from "../kernel/db/database";

/** A case's text with the category an agent gave it (`classification_labels`). */
export interface ClassificationLabel {
  text: string;
  label: string;
  /** "agent" for a correction made through the API. */
  source: string;
  createdAt: Date;
}

/** Every label, oldest first: what `GET /v1/classification/labels` exports for `plaint train`. */
export function listLabels(db: SqlClient): Promise<ClassificationLabel[]> {
  return db.sql<ClassificationLabel>(
    `SELECT text, label, source, created_at AS "createdAt" FROM classification_labels ORDER BY created_at`,
    [],
  );
}

/** Every label's text and category, oldest first: the corrections a retraining learns from. */
export function listLabelExamples(db: SqlClient): Promise<{ text: string; label: string }[]> {
  return db.sql<{ text: string; label: string }>(
    `SELECT text, label FROM classification_labels ORDER BY created_at`,
    [],
  );
}

/** Labels given since the newest stored model was trained (all of them before the first one). */
export async function countLabelsSinceLastModel(db: SqlClient): Promise<number> {
  const [pending] = await db.sql<{ count: number }>(
    `SELECT count(*)::int AS count FROM classification_labels
     WHERE created_at > coalesce((SELECT max(trained_at) FROM classifier_models), 'epoch'::timestamptz)`,
    [],
  );
  return pending?.count ?? 0;
}

/**
 * An agent's category for a case, as a label. One label per case and source: a second correction of the same
 * case replaces the first (and counts as new for retraining).
 */
export async function saveAgentLabel(
  db: SqlClient,
  label: { caseId: string; text: string; category: string; actor: string },
): Promise<void> {
  await db.sql(
    `INSERT INTO classification_labels (id, text, label, source, case_id, actor)
     VALUES (gen_random_uuid(), $1, $2, 'agent', $3::uuid, $4)
     ON CONFLICT (case_id, source) DO UPDATE SET text = EXCLUDED.text, label = EXCLUDED.label,
       actor = EXCLUDED.actor, created_at = now()`,
    [label.text, label.category, label.caseId, label.actor],
  );
}

/** The newest retrained model (`classifier_models`), serialized; null before the first retraining. */
export async function findNewestModel(db: SqlClient): Promise<{ id: string; model: string } | null> {
  const [newest] = await db.sql<{ id: string; model: string }>(
    `SELECT id::text AS id, model FROM classifier_models ORDER BY trained_at DESC LIMIT 1`,
    [],
  );
  return newest ?? null;
}

/** Stores a retrained model; returns its id. */
export async function insertModel(
  db: SqlClient,
  model: { serialized: string; examples: number; labels: number; reason: string },
): Promise<string> {
  const [stored] = await db.sql<{ id: string }>(
    `INSERT INTO classifier_models (id, model, examples, labels, reason)
     VALUES (gen_random_uuid(), $1, $2, $3, $4) RETURNING id::text AS id`,
    [model.serialized, model.examples, model.labels, model.reason],
  );
  if (!stored) throw new Error("the new classifier model was not stored");
  return stored.id;
}
