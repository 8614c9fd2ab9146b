import type { SqlClient } from "../kernel/db/database";

// The bulk writer the store modules share for the worker's batches: a module that owns a table describes it here
// once (its columns' types) and exports a named function that inserts that table's rows. It owns no table itself.

type ColumnType = "uuid" | "text" | "text[]" | "jsonb" | "timestamptz" | "boolean" | "int4";

/** A table written in bulk: each column's SQL type, and columns filled by an SQL expression (e.g. `now()`). */
export interface BulkTable<Row> {
  name: string;
  columns: { [Column in keyof Row & string]: ColumnType };
  extra?: Record<string, string>;
}

/**
 * Inserts many rows in one statement: one array parameter per column, zipped back into rows by `unnest`.
 * The statement's text is the same whatever the number of rows, so PostgreSQL can reuse its plan; jsonb and
 * timestamptz travel as text and are cast on the server.
 */
export async function insertRows<Row>(
  db: SqlClient,
  table: BulkTable<Row>,
  rows: readonly Row[],
  suffix = "",
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(table.columns) as (keyof Row & string)[];
  const extra = Object.entries(table.extra ?? {});
  const arrays = columns.map((column, index) => {
    const type = table.columns[column];
    // unnest would flatten an array of arrays: a text[] column travels as a JSON array's text, rebuilt per row.
    if (type === "text[]") {
      return {
        column,
        // Most rows have no element: those skip the JSON parse.
        select: `CASE WHEN c${index} = '[]' THEN '{}'::text[] ELSE ARRAY(SELECT jsonb_array_elements_text(c${index}::jsonb)) END`,
        param: `$${index + 1}::text[]`,
      };
    }
    const arrayType = type === "jsonb" || type === "timestamptz" ? "text" : type;
    return {
      column,
      select: type === arrayType ? `c${index}` : `c${index}::${type}`,
      param: `$${index + 1}::${arrayType}[]`,
    };
  });
  const text = `INSERT INTO ${table.name} (${[...columns, ...extra.map(([name]) => name)].join(", ")})
    SELECT ${[...arrays.map((array) => array.select), ...extra.map(([, expression]) => expression)].join(", ")}
    FROM unnest(${arrays.map((array) => array.param).join(", ")}) AS t(${arrays.map((_, index) => `c${index}`).join(", ")})
    ${suffix}`;
  await db.sql(
    text,
    columns.map((column) => rows.map((row) => row[column] ?? null)),
  );
}
