/** Prisma's "unique constraint failed" error code. */
const uniqueViolation = "P2002";

/** True when a Prisma error is a unique-constraint violation (optionally on a given column). */
export function isUniqueViolation(error: unknown, column?: string): boolean {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== uniqueViolation) return false;
  if (!column) return true;
  return JSON.stringify((error as { meta?: unknown }).meta ?? {}).includes(column) || error.message.includes(column);
}
