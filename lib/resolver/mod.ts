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
export { formatFailure, formatFailureText } from "./report.ts";
export type { FailureReport, ReportContext } from "./report.ts";
export { inMemoryProvider } from "./in_memory_provider.ts";
export { similarNames } from "./similar_names.ts";
export type {
  InMemoryIndex,
  InMemoryProvider,
  InMemoryProviderOptions,
  InMemoryVersion,
} from "./in_memory_provider.ts";
