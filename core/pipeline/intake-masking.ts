import type { SqlClient } from "../kernel/db/database";
import { replaceRawBodies } from "../store/intake.store";
import type { MessageAnalyzer } from "./message-analysis";
import type { IntakeMessages, Placement, RawBodyMasker } from "./pipeline.types";

// process-intake.ts finds the masker type here, beside the masking it serves.
export type { RawBodyMasker } from "./pipeline.types";

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
  maskers: ReadonlyMap<string, RawBodyMasker> | undefined,
): Promise<void> {
  if (!analyzer || analyzer.keepsOriginal) return;
  const found = new Set(
    placements.filter((placement) => placement.analyzed.redactions.length > 0).map((p) => p.intakeItemId),
  );
  const redact = (text: string) => analyzer.redactText(text).text;
  const masked: { id: string; rawBody: string }[] = [];
  for (const item of items) {
    if (!found.has(item.intakeItemId) || item.rawBody === undefined) continue;
    const masker = maskers?.get(item.connectorId);
    const rawBody = masker
      ? await masker({ rawBody: item.rawBody, meta: item.meta ?? {} }, redact)
      : redact(item.rawBody);
    masked.push({ id: item.intakeItemId, rawBody });
  }
  if (masked.length === 0) return;
  await replaceRawBodies(tx, masked);
}
