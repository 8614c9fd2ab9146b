import { z } from "zod";
import type { SqlClient } from "../kernel/db/database";
import { parseCaseNumber } from "./case-number";

/** A case as the agent actions need it. */
export interface CaseHead {
  id: string;
  number: number;
  customerId: string;
  status: string;
  category: string | null;
  team: string | null;
  mergedIntoId: string | null;
}

/** A case by its uuid, `C-<number>` or number; null when there is none (or the id is neither). */
export async function findCase(db: SqlClient, id: string, lock = false): Promise<CaseHead | null> {
  const number = parseCaseNumber(id);
  const isUuid = z.uuid().safeParse(id).success;
  if (number === null && !isUuid) return null;
  const [row] = await db.sql<CaseHead>(
    `SELECT id::text AS id, number, customer_id::text AS "customerId", status, category, team,
       merged_into_id::text AS "mergedIntoId"
     FROM cases WHERE ${number !== null ? "number = $1::int" : "id = $1::uuid"} ${lock ? "FOR UPDATE" : ""}`,
    [number ?? id],
  );
  return row ?? null;
}
