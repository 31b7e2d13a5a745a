/**
 * PEP 508: dependency specifiers (requirements) and environment markers.
 *
 * @module
 */

export {
  DEFAULT_MARKER_ENVIRONMENT,
  InvalidMarkerError,
  Marker,
  MAX_MARKER_NESTING,
  parseMarker,
  tryParseMarker,
  UndefinedComparisonError,
  UndefinedEnvironmentNameError,
} from "./marker.ts";
export type {
  MarkerComparison,
  MarkerEnvironment,
  MarkerEvaluationEnvironment,
  MarkerExpression,
  MarkerNode,
  MarkerOperand,
  MarkerOperator,
} from "./marker.ts";
export { MarkerComplexityError, MarkerSet } from "./marker_algebra.ts";
export {
  InvalidRequirementError,
  parseRequirement,
  Requirement,
  tryParseRequirement,
} from "./requirement.ts";
export type { RequirementParts } from "./requirement.ts";
