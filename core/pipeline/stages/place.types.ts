import type { ResolvedSender } from "../../cases/identities";
import type { BatchState } from "../batch-state";
import type { ContentMatcher } from "../content-match";
import type { NewCase } from "../new-cases";
import type { AnalyzedCandidate, Placement } from "../pipeline.types";

/** One fresh message and who sent it. */
export interface MessageToPlace {
  candidate: AnalyzedCandidate;
  sender: ResolvedSender;
}

/** What the batch knows while placing: its look-ups, and what its earlier messages did. */
export interface BatchMemory {
  batch: BatchState;
  content: ContentMatcher;
}

/** What the place stage decided for the batch. */
export interface Placed {
  /** Every message that will be stored, with its case, in the order they were placed. */
  placements: Placement[];
  /** The cases the batch opens. */
  newCases: NewCase[];
  /** What placing did to existing cases (joined, reopened, classified), and the opt-outs it met. */
  batch: BatchState;
}
