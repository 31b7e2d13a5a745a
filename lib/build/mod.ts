/**
 * The PEP 517/518/660 build frontend: reads `[build-system]`, unpacks sdists,
 * and builds wheels and editable wheels through the project's backend. A
 * build asks the run it is part of for its requirements through a
 * {@link BuildContext}, and carries the {@link BuildStack} of builds above it.
 *
 * @module
 */

export {
  InvalidBuildSystemError,
  LEGACY_BACKEND,
  LEGACY_REQUIRES,
  NotAPythonProjectError,
  parseBuildSystem,
  readBuildSystem,
} from "./build_system.ts";
export type { BuildSystem } from "./build_system.ts";
export type { BuildContext, BuildEnvironment } from "./build_context.ts";
export { BuildMemo } from "./build_memo.ts";
export { BuildCycleError, BuildStack } from "./build_stack.ts";
export type { BuildId } from "./build_stack.ts";
export { BuildBackendError, buildWheel, prepareMetadata } from "./frontend.ts";
export type { BuildOptions, BuiltWheel, HookSlot, PreparedMetadata } from "./frontend.ts";
export { InvalidArchiveError, unpackSourceArchive, UnsafeArchiveError } from "./source_archive.ts";
export type { SourceArchiveLimits, UnpackOptions } from "./source_archive.ts";
