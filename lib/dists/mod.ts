/**
 * Distribution formats, all pure (no I/O): compatibility tags, wheel and sdist
 * filenames, core metadata, `RECORD`, `direct_url.json` and `entry_points.txt`.
 *
 * @module
 */

export {
  androidPlatforms,
  bestTagPriority,
  compatibleTags,
  type ConfigValue,
  type ElfHeaderFacts,
  InvalidTagError,
  InvalidTagFactsError,
  iosPlatforms,
  isCompatible,
  macPlatforms,
  type ManylinuxOptions,
  manylinuxPlatforms,
  musllinuxPlatforms,
  parseTag,
  platformTags,
  Tag,
  type TagFacts,
  tagPriorities,
} from "./tags.ts";
export {
  InvalidWheelFilenameError,
  parseWheelFilename,
  tryParseWheelFilename,
  type WheelBuildTag,
  type WheelFilename,
} from "./wheel_filename.ts";
export {
  InvalidSdistFilenameError,
  type LegacySdistFilename,
  parseSdistFilename,
  SDIST_EXTENSIONS,
  type SdistFilename,
  tryParseSdistFilenameForProject,
} from "./sdist_filename.ts";
export {
  type CoreMetadata,
  CoreMetadataError,
  type CoreMetadataListFields,
  type CoreMetadataSingleFields,
  formatCoreMetadata,
  parseCoreMetadata,
  type ProjectUrl,
} from "./core_metadata.ts";
export {
  formatRecord,
  type FormatRecordOptions,
  InvalidRecordError,
  parseRecord,
  parseRecordRows,
  type RecordEntry,
  type RecordHash,
} from "./record.ts";
export {
  type ArchiveInfo,
  type DirectUrl,
  type DirInfo,
  formatDirectUrl,
  InvalidDirectUrlError,
  parseDirectUrl,
  redactDirectUrl,
  type VcsInfo,
} from "./direct_url.ts";
export {
  consoleScripts,
  type EntryPoint,
  type EntryPointReference,
  guiScripts,
  InvalidEntryPointError,
  parseEntryPointReference,
  parseEntryPoints,
} from "./entry_points.ts";
