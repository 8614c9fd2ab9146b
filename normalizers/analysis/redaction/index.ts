export { createRedactor, type RedactionFinding, type RedactionResult, type Redactor } from "./redactor";
export {
  MASK_STYLES,
  NATIONAL_ID_KINDS,
  redactionConfigSchema,
  redactionPatternSchema,
  type MaskStyle,
  type NationalIdKind,
  type RedactionConfig,
  type RedactionConfigInput,
  type RedactionPattern,
} from "./redaction.schema";
