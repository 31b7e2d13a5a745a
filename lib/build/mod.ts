/**
 * The PEP 517/518/660 build frontend: reads `[build-system]`, unpacks sdists,
 * and builds wheels and editable wheels through the project's backend.
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
export { BuildBackendError, buildWheel } from "./frontend.ts";
export type { BuildEnvironmentInstaller, BuildOptions, BuiltWheel } from "./frontend.ts";
export { InvalidArchiveError, unpackSourceArchive, UnsafeArchiveError } from "./source_archive.ts";
export type { SourceArchiveLimits, UnpackOptions } from "./source_archive.ts";
