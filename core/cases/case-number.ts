/** Cases are shown to people as C-<number>; the number is the database sequence. */
export function formatCaseNumber(number: number): string {
  return `C-${number}`;
}

/** Accepts "C-1042", "c-1042" or "1042"; null for anything else. */
export function parseCaseNumber(text: string): number | null {
  const match = /^(?:[cC]-)?(\d{1,9})$/.exec(text.trim());
  return match ? Number(match[1]) : null;
}
