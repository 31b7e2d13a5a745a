/**
 * Dependency resolution: PubGrub over a provider of versions and metadata,
 * with reports that explain every failure.
 *
 * @module
 */

export {
  DirectReferenceError,
  ResolutionImpossibleError,
  ResolutionTooLongError,
  resolve,
  ResolverInputError,
} from "./resolve.ts";
export type {
  InstalledDistribution,
  Manifest,
  Resolution,
  ResolutionStats,
  ResolvedDist,
  ResolveOptions,
  ResolverDecision,
  ResolverReporter,
} from "./resolve.ts";
export type {
  DirectResult,
  DistributionMetadata,
  MetadataResult,
  PackageListing,
  ResolverProvider,
  UnavailableReason,
  VersionCandidate,
} from "./provider.ts";
export { formatFailureText, renderDerivation } from "./report.ts";
export type { FailureReport } from "./report.ts";
export type { DerivationTree, MissingExtra } from "./failure.ts";
export { packageLabel } from "./package_id.ts";
export type { ExtraId, PackageId, ProjectId, RootId } from "./package_id.ts";
export { inMemoryProvider } from "./in_memory_provider.ts";
export { resolveUniversal, TooManyForksError } from "./universal.ts";
export type {
  ResolvedFork,
  UniversalDist,
  UniversalOptions,
  UniversalResolution,
} from "./universal.ts";
export type { MarkerScope } from "./marker_scope.ts";
export { similarNames } from "./similar_names.ts";
export type {
  InMemoryIndex,
  InMemoryProvider,
  InMemoryProviderOptions,
  InMemoryVersion,
} from "./in_memory_provider.ts";
