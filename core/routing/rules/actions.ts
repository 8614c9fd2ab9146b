import type { CaseStatus } from "../../cases/case-status";
import type { CaseView } from "./case-view";
import type { Action, ActionType, AssignStrategy, CaseField } from "./rules.schema";

/**
 * An action a rule decided on, in the form the caller applies it: priorities already resolved to an absolute value,
 * everything else as written. Rules only plan; the caller writes the case, its events and its outbox rows.
 */
export type PlannedAction = { ruleId: string } & (
  | { type: "setTeam"; team: string }
  | { type: "assign"; agent: string }
  /** Only requested: the caller picks the agent (round robin, least loaded) and writes the assignment. */
  | { type: "assign"; strategy: AssignStrategy }
  | { type: "setPriority"; priority: number }
  | { type: "setCategory"; category: string }
  | { type: "addTags"; tags: string[] }
  | { type: "removeTags"; tags: string[] }
  | { type: "setStatus"; status: CaseStatus }
  | { type: "note"; text: string }
  | { type: "notify"; channel: string; message: string | null }
  | { type: "notify"; user: string; message: string | null }
  | { type: "acknowledge" }
  | { type: "push"; destination: string }
);

/** The case as actions change it during one evaluation: a copy of the view, so later rules see earlier changes. */
export type WorkingCase = Omit<CaseView, "tags"> & { tags: string[] };

/** Set by an action that changed a field of the working case, or asked for an assignment the caller will make. */
export interface ChangeFlag {
  changed: boolean;
  /** An assignment strategy was requested: the assignee will change once the caller has picked the agent. */
  assignment: boolean;
}

/** Applies the action to the working case and returns what was planned. */
export type ApplyAction = (work: WorkingCase, flag: ChangeFlag) => PlannedAction;

/** A compiled action; `fixed` is what it always plans (every action but a relative priority), else null. */
export interface CompiledAction {
  apply: ApplyAction;
  fixed: PlannedAction | null;
}

/**
 * The case field each action changes (null: it changes none). A `case.changed` rule listens to these fields, and
 * the timer check asks whether a timer rule's actions touch what its conditions test. Assigning by strategy counts
 * as changing the assignee, although the agent is picked by the caller.
 */
export const ACTION_CHANGES = {
  setTeam: "team",
  assign: "assignee",
  setPriority: "priority",
  setCategory: "category",
  addTags: "tags",
  removeTags: "tags",
  setStatus: "status",
  note: null,
  notify: null,
  acknowledge: null,
  push: null,
} as const satisfies Record<ActionType, CaseField | null>;

const clamp = (priority: number) => Math.min(100, Math.max(0, priority));

/**
 * Compiles one item of `then:` of the rule `ruleId` (the schema guarantees exactly one key). What an action plans is
 * known at compile time except a relative priority, so the planned action is built once and frozen: firing a rule
 * allocates nothing for it.
 */
export function compileAction(action: Action, ruleId: string): CompiledAction {
  const fixed = plannedFor(action, ruleId);
  if (fixed === null) return { apply: relativePriority(action.setPriority as { add: number }, ruleId), fixed };
  return { apply: applierFor(fixed), fixed };
}

/** The action as planned, frozen; null for a relative priority, whose value depends on the case. */
function plannedFor(action: Action, ruleId: string): PlannedAction | null {
  const { setTeam, assign, setPriority, setCategory, addTags, removeTags, setStatus, note, notify, push } = action;
  const plan = (planned: PlannedAction) => Object.freeze(planned);
  if (setTeam !== undefined) return plan({ ruleId, type: "setTeam", team: setTeam });
  if (assign?.agent !== undefined) return plan({ ruleId, type: "assign", agent: assign.agent });
  if (assign?.strategy !== undefined) return plan({ ruleId, type: "assign", strategy: assign.strategy });
  if (typeof setPriority === "number") return plan({ ruleId, type: "setPriority", priority: setPriority });
  if (setPriority !== undefined) return null;
  if (setCategory !== undefined) return plan({ ruleId, type: "setCategory", category: setCategory });
  if (addTags !== undefined) return plan({ ruleId, type: "addTags", tags: Object.freeze([...addTags]) as string[] });
  if (removeTags !== undefined) {
    return plan({ ruleId, type: "removeTags", tags: Object.freeze([...removeTags]) as string[] });
  }
  if (setStatus !== undefined) return plan({ ruleId, type: "setStatus", status: setStatus });
  if (note !== undefined) return plan({ ruleId, type: "note", text: note });
  if (notify?.user !== undefined)
    return plan({ ruleId, type: "notify", user: notify.user, message: notify.message ?? null });
  if (notify?.channel !== undefined) {
    return plan({ ruleId, type: "notify", channel: notify.channel, message: notify.message ?? null });
  }
  if (push !== undefined) return plan({ ruleId, type: "push", destination: push });
  if (action.acknowledge === true) return plan({ ruleId, type: "acknowledge" });
  throw new Error("an action without a known key: parse rules with ruleSchema before compiling them");
}

/** What a planned action does to the working case (notes, notifications, pushes and acknowledgements: nothing). */
function applierFor(planned: PlannedAction): ApplyAction {
  switch (planned.type) {
    case "setTeam":
      return setField("team", planned.team, planned);
    case "assign":
      if ("agent" in planned) return setField("assignee", planned.agent, planned);
      return (_work, flag) => {
        flag.changed = true;
        flag.assignment = true;
        return planned;
      };
    case "setPriority":
      return setField("priority", planned.priority, planned);
    case "setCategory":
      return setField("category", planned.category, planned);
    case "setStatus":
      return setField("status", planned.status, planned);
    case "addTags":
    case "removeTags":
      return tagsAction(planned);
    case "note":
    case "notify":
    case "acknowledge":
    case "push":
      return () => planned;
  }
}

function setField<K extends "team" | "assignee" | "category" | "status" | "priority">(
  key: K,
  value: WorkingCase[K],
  planned: PlannedAction,
): ApplyAction {
  return (work, flag) => {
    if (work[key] !== value) {
      work[key] = value;
      flag.changed = true;
    }
    return planned;
  };
}

/** Tags are replaced, never mutated (the case view the caller passed in keeps its own array), and only on a change. */
function tagsAction(planned: PlannedAction & { type: "addTags" | "removeTags" }): ApplyAction {
  // An unfrozen copy: V8 iterates a frozen array on a slower path, and this runs for every rule that fires.
  const tags = [...planned.tags];
  const adding = planned.type === "addTags";
  return (work, flag) => {
    const current = work.tags;
    let changes = false;
    // Adding changes the tags when one of them is missing; removing, when one of them is there.
    for (const tag of tags) if (current.includes(tag) !== adding) changes = true;
    if (changes) {
      work.tags = adding
        ? [...current, ...tags.filter((tag) => !current.includes(tag))]
        : current.filter((tag) => !tags.includes(tag));
      flag.changed = true;
    }
    return planned;
  };
}

/** `{ add: n }`, clamped to 0–100; it starts from 0 when the case has no priority (priority scoring off). */
function relativePriority({ add }: { add: number }, ruleId: string): ApplyAction {
  return (work, flag) => {
    const priority = clamp((work.priority ?? 0) + add);
    if (work.priority !== priority) {
      work.priority = priority;
      flag.changed = true;
    }
    return { ruleId, type: "setPriority", priority };
  };
}
