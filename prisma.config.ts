import { defineConfig } from "prisma/config";

// Used by the prisma CLI for `generate` only. Migrations are applied by `plaint db migrate`
// (core/kernel/db/migrate.ts), which runs Prisma's schema engine as WebAssembly, so no engine download is needed.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
