/**
 * The intake log's queries live in `core/store/intake.store.ts`. They are re-exported here for the callers that
 * still import them from this path (the hub's stranded-intake sweep, `plaint replay`, the pipeline, the IMAP
 * intake) until those move to the store themselves.
 */
export {
  findStrandedIntake,
  markIntakeFailed,
  recordIntake,
  resetForReplay,
  type IntakeStatus,
  type IntakeWriter,
  type NewIntakeItem,
  type RecordedIntake,
} from "../store/intake.store";
