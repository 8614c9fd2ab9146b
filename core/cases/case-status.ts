/** new → open → pending → resolved → closed, with reopen from resolved or closed. */
export const caseStatuses = ["new", "open", "pending", "resolved", "closed"] as const;
export type CaseStatus = (typeof caseStatuses)[number];

/** Statuses in which a case is still being worked: follow-ups join it. */
export const activeCaseStatuses: readonly CaseStatus[] = ["new", "open", "pending"];

const allowedTransitions: Record<CaseStatus, readonly CaseStatus[]> = {
  new: ["open", "pending", "resolved", "closed"],
  open: ["pending", "resolved", "closed"],
  pending: ["open", "resolved", "closed"],
  resolved: ["open", "closed"],
  closed: ["open"],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return allowedTransitions[from].includes(to);
}
