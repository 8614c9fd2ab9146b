import { z } from "zod";
import type { SqlClient } from "../kernel/db/database";
import { findCaseHead, type CaseHead, type CaseKey } from "../store/cases.store";
import { parseCaseNumber } from "./case-number";

/** The case a reference names: `C-<number>` or the number, else the uuid; null when it is neither. */
export function parseCaseReference(reference: string): CaseKey | null {
  const number = parseCaseNumber(reference);
  if (number !== null) return { number };
  return z.uuid().safeParse(reference).success ? { id: reference } : null;
}

/** A case by its uuid, `C-<number>` or number; null when there is none (or the id is neither). */
export async function findCase(db: SqlClient, id: string, lock = false): Promise<CaseHead | null> {
  const key = parseCaseReference(id);
  return key ? findCaseHead(db, key, lock) : null;
}
