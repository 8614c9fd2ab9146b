import type { PlaintEnv } from "../../kernel/config/env";
import { migrateOnly } from "../../kernel/db/database";
import { acquireEmbeddedLock } from "../../kernel/db/embedded-lock";
import { createMigration } from "../../kernel/db/migrate";

/** `plaint db migrate`: applies pending migrations to PostgreSQL (DATABASE_URL) or the embedded database. */
export async function runDbMigrate(env: PlaintEnv): Promise<number> {
  const release = env.databaseUrl ? () => undefined : acquireEmbeddedLock(env.dataDir);
  try {
    const { applied } = await migrateOnly({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
    const target = env.databaseUrl ? "PostgreSQL" : `the embedded database in ${env.dataDir}`;
    process.stdout.write(applied.length ? `applied ${applied.join(", ")} to ${target}\n` : `${target} is up to date\n`);
    return 0;
  } finally {
    release();
  }
}

/** `plaint db new-migration NAME`: a development tool writing prisma/migrations/<time>_<name>/migration.sql. */
export async function runNewMigration(name: string): Promise<number> {
  const folder = await createMigration(name);
  process.stdout.write(folder ? `wrote ${folder}\n` : "no changes: prisma/schema.prisma matches the migrations\n");
  return 0;
}
