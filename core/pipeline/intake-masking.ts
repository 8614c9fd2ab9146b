import type { SqlClient } from "../db/database";
import type { IntakeMessages } from "./ingest-messages";
import type { MessageAnalyzer } from "./message-analysis";
import type { Placement } from "./placement";

/**
 * Unless `redaction.keepOriginal` says otherwise, the intake log's raw body is masked once its messages are stored,
 * so the personal data redaction found is nowhere in the database. Only items where something was found are
 * rewritten. A replay then works on the masked body, which is what it would store anyway.
 */
export async function maskRawBodies(
  tx: SqlClient,
  items: IntakeMessages[],
  placements: Placement[],
  analyzer: MessageAnalyzer | undefined,
): Promise<void> {
  if (!analyzer || analyzer.keepsOriginal) return;
  const found = new Set(
    placements.filter((placement) => placement.analyzed.redactions.length > 0).map((p) => p.intakeItemId),
  );
  const masked = items.flatMap((item) =>
    found.has(item.intakeItemId) && item.rawBody !== undefined
      ? [{ id: item.intakeItemId, rawBody: analyzer.redactText(item.rawBody).text }]
      : [],
  );
  if (masked.length === 0) return;
  await tx.sql(
    `UPDATE intake_items i SET raw_body = t.raw_body
     FROM unnest($1::uuid[], $2::text[]) AS t(id, raw_body) WHERE i.id = t.id`,
    [masked.map((entry) => entry.id), masked.map((entry) => entry.rawBody)],
  );
}
