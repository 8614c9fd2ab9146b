/** Delay before retry number `retry` (1-based): backoffMs, 2×, 4×… capped at one hour. */
export function backoffDelay(backoffMs: number, retry: number): number {
  return Math.min(backoffMs * 2 ** (retry - 1), 3_600_000);
}
