/**
 * dpip as a library: the packaging standards core, and the CLI entry point.
 *
 * @module
 */

export { main } from "./cli/mod.ts";
export { captureIo } from "./cli/mod.ts";
export type { CapturedIo, CaptureIoOptions, Io, TextSink } from "./cli/mod.ts";
export { DpipError, ERROR_CODES, type ErrorCode, isDpipError, UsageError } from "./errors.ts";
export { DPIP_VERSION } from "./version.ts";
export {
  compareVersions,
  InvalidSpecifierError,
  InvalidVersionError,
  parseSpecifier,
  parseSpecifierSet,
  parseVersion,
  Specifier,
  SpecifierSet,
  tryParseVersion,
  Version,
} from "./pep440/mod.ts";
export type {
  ContainsOptions,
  FilterOptions,
  FormatVersionOptions,
  PreReleaseLetter,
  SpecifierOperator,
  SpecifierParseOptions,
  VersionParts,
} from "./pep440/mod.ts";
export {
  canonicalizeExtra,
  canonicalizeName,
  InvalidNameError,
  isNormalizedName,
  isValidName,
  parsePackageName,
} from "./names/mod.ts";
export type { ExtraName, PackageName } from "./names/mod.ts";
export {
  DEFAULT_MARKER_ENVIRONMENT,
  InvalidMarkerError,
  InvalidRequirementError,
  Marker,
  parseMarker,
  parseRequirement,
  Requirement,
  tryParseMarker,
  tryParseRequirement,
  UndefinedComparisonError,
  UndefinedEnvironmentNameError,
} from "./pep508/mod.ts";
export { MarkerComplexityError, MarkerSet } from "./pep508/marker_algebra.ts";
export type {
  MarkerComparison,
  MarkerEnvironment,
  MarkerEvaluationEnvironment,
  MarkerExpression,
  MarkerNode,
  MarkerOperand,
  MarkerOperator,
  RequirementParts,
} from "./pep508/mod.ts";
export {
  compatibleTags,
  CoreMetadataError,
  formatCoreMetadata,
  InvalidSdistFilenameError,
  InvalidTagError,
  InvalidWheelFilenameError,
  isCompatible,
  parseCoreMetadata,
  parseSdistFilename,
  parseTag,
  parseWheelFilename,
  Tag,
  tagPriorities,
} from "./dists/mod.ts";
export type {
  ConfigValue,
  CoreMetadata,
  CoreMetadataListFields,
  CoreMetadataSingleFields,
  ElfHeaderFacts,
  ProjectUrl,
  SdistFilename,
  TagFacts,
  WheelBuildTag,
  WheelFilename,
} from "./dists/mod.ts";
export {
  BuildBackendError,
  BuildCycleError,
  BuildStack,
  buildWheel,
  InvalidArchiveError,
  InvalidBuildSystemError,
  NotAPythonProjectError,
  readBuildSystem,
  unpackSourceArchive,
  UnsafeArchiveError,
} from "./build/mod.ts";
export type {
  BuildContext,
  BuildEnvironment,
  BuildId,
  BuildOptions,
  BuildSystem,
  BuiltWheel,
  HookSlot,
  SourceArchiveLimits,
  UnpackOptions,
} from "./build/mod.ts";
/**
 * The shapes of dpip's JSON output (`--format json`), one interface per
 * document; `schemas/` holds the JSON Schema generated from each.
 */
export type * from "./operations/json_documents.ts";
