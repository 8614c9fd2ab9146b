/**
 * The intake log's queries live in `core/store/intake.store.ts`; import them from there. This re-export is left only
 * for bench/floor.ts and bench/profile-pipeline.ts, which still import `recordIntake` from this path: delete this
 * file once they import the store.
 */
export { recordIntake } from "../store/intake.store";
