/**
 * PEP 508: dependency specifiers (requirements) and environment markers:
 * parsing and evaluating them. The marker algebra (`MarkerSet`: markers as
 * sets of environments, for the universal resolver and lock files) is
 * `marker_algebra.ts`, not exported here: what only parses and evaluates
 * (`install`, `list`) does not load it.
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
export {
  InvalidRequirementError,
  parseRequirement,
  Requirement,
  tryParseRequirement,
} from "./requirement.ts";
export type { RequirementParts } from "./requirement.ts";
