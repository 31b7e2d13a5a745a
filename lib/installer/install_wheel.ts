/**
 * Installing one wheel (the binary distribution format, PEP 427 / 491), in
 * pypa/installer's shape: a source, a layout and a destination.
 *
 * 1. **Unpack** ({@link extractWheel}, `unpack.ts`): the archive
 *    ({@link ArchiveSource}) is validated (`wheel_check.ts`: name, tags,
 *    `.dist-info`, `WHEEL`, `METADATA`, `RECORD`, entry points) and its files
 *    are hashed against `RECORD` and written into the unpacked-wheel cache.
 *    Every refusal is a {@link WheelInstallError} whose one-line message
 *    names the wheel and the reason.
 * 2. **Lay out** ({@link layoutWheel}, `wheel_layout.ts`): from the unpacked
 *    tree ({@link unpackedSource}), where each file goes under the scheme's
 *    keys, as data: no file system, every name checked.
 * 3. **Stage** ({@link stageWheel}, {@link finishStagedWheel},
 *    `staging.ts`): the destination does the writes into a staging area and
 *    checks the destinations on real paths. Moving staged files into the
 *    environment is `transaction.ts`'s job.
 *
 * This module gathers those steps for their callers.
 *
 * @module
 */

export {
  DATA_SCHEME_KEYS,
  type DataSchemeKey,
  type WheelFile,
  WheelInstallError,
  type WheelManifest,
} from "./wheel.ts";
export { ArchiveSource } from "./archive_source.ts";
export {
  type SourceFile,
  type UnpackedSource,
  unpackedSource,
  type WheelSource,
} from "./wheel_source.ts";
export { checkWheelFilename } from "./wheel_check.ts";
export { extractWheel, type ExtractWheelOptions } from "./unpack.ts";
export {
  type LayoutOptions,
  type LayoutSource,
  layoutWheel,
  type Placement,
  type PlacementContent,
  type WheelLayout,
} from "./wheel_layout.ts";
export {
  finishStagedWheel,
  type FinishStagedWheelOptions,
  stagedDestinations,
  type StagedFile,
  type StagedWheel,
  stageWheel,
  type StageWheelOptions,
  StagingArea,
} from "./staging.ts";
