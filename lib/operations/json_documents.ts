/**
 * The shapes of the JSON that dpip's commands print with `--format json`
 * (and `list --format json`, `index versions --json`, `inspect`).
 *
 * These interfaces are the one source of truth: `scripts/gen_schemas.ts`
 * turns every `…Document` below (and what it refers to) into a JSON Schema
 * (draft 2020-12) under `schemas/`, and the tests check both that the
 * committed schemas are what the interfaces say and that every command's
 * output validates against its schema.
 *
 * Documents that dpip defines carry `schema_version` (this is version 1;
 * a change that removes or retypes a field raises it, an added optional
 * field does not). Documents whose shape is pip's (`list`, `inspect`,
 * `index versions`) are byte for byte what pip prints and carry no field
 * pip does not have; their schemas name the pip shape they follow.
 *
 * Keys are `snake_case`, as in pip's JSON. Versions are strings as
 * installed metadata spells them, normalized when valid.
 *
 * @module
 */

/** A whole number (JSON Schema `integer`). */
export type Integer = number;

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | {
  [key: string]: JsonValue;
};

/** The version of the shapes dpip defines. */
export type SchemaVersion = 1;

// ---------------------------------------------------------------- list (pip's)

/** One installed distribution in `list --format json` (pip's keys and order). */
export interface ListEntry {
  /** The name as its metadata spells it. */
  readonly name: string;
  /** The version, normalized when valid. */
  readonly version: string;
  /** With `-v`: the directory holding its metadata. */
  readonly location?: string;
  /** With `-v`: the first line of `INSTALLER`, or empty. */
  readonly installer?: string;
  /** With `--outdated`: the newest version the indexes offer. */
  readonly latest_version?: string;
  /** With `--outdated`: the kind of file of that version. */
  readonly latest_filetype?: "wheel" | "sdist";
  /** For an editable install: the project directory. */
  readonly editable_project_location?: string;
}

/**
 * `dpip list --format json`: pip's array of installed distributions, sorted
 * by normalized name. pip's shape, without `schema_version`.
 */
export type ListDocument = readonly ListEntry[];

// ---------------------------------------------------------------- show

/** One installed distribution in `show --format json`. */
export interface ShowEntry {
  /** The name as its metadata spells it. */
  readonly name: string;
  /** The version, normalized when valid. */
  readonly version: string;
  /** The directory holding its metadata. */
  readonly location: string;
  /** For an editable install: the project directory. */
  readonly editable_project_location?: string;
  /** The names of its dependencies (no extras), as written, sorted case-insensitively. */
  readonly requires: readonly string[];
  /** The installed distributions that depend on it, sorted case-insensitively. */
  readonly required_by: readonly string[];
  /** The first line of `INSTALLER` (`pip`, `dpip`), or empty. */
  readonly installer: string;
  /** `Metadata-Version`. */
  readonly metadata_version: string;
  /** `Summary`. */
  readonly summary: string;
  /** `Home-page`. */
  readonly home_page: string;
  /** `Author`. */
  readonly author: string;
  /** `Author-email`. */
  readonly author_email: string;
  /** `License`. */
  readonly license: string;
  /** The `Classifier` values. */
  readonly classifiers: readonly string[];
  /** The `Project-URL` values. */
  readonly project_urls: readonly string[];
  /** The lines of `entry_points.txt`. */
  readonly entry_points: readonly string[];
  /** With `--files`: the installed files (null when no RECORD or installed-files.txt lists them). */
  readonly files?: readonly string[] | null;
}

/** `dpip show --format json NAME...`. */
export interface ShowDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** In the order asked for. */
  readonly packages: readonly ShowEntry[];
  /** The names asked for that are not installed, as given, sorted. */
  readonly not_found: readonly string[];
}

// ---------------------------------------------------------------- freeze

/** One distribution in `freeze --format json`. */
export interface FrozenPackage {
  /** The name as its metadata spells it. */
  readonly name: string;
  /** The version, normalized when valid. */
  readonly version: string;
  /** The line `freeze` prints for it (`name==1.0`, `name @ url`, `-e /path`). */
  readonly requirement: string;
  /** Whether it is an editable install. */
  readonly editable: boolean;
}

/** `dpip freeze --format json`. */
export interface FreezeDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** In the order `freeze` prints them (a `-r` file's order first). */
  readonly packages: readonly FrozenPackage[];
  /** What `freeze` reports about `-r` files (lines it skipped, packages not installed). */
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------- check

/** A requirement of an installed distribution that nothing installed satisfies. */
export interface MissingRequirement {
  /** The normalized name of the distribution that requires it. */
  readonly project: string;
  /** The version of the distribution that requires it. */
  readonly version: string;
  /** The requirement as written in its metadata (marker included). */
  readonly requirement: string;
  /** The normalized name of what is missing. */
  readonly dependency: string;
}

/** A requirement met by an installed version it does not accept. */
export interface ConflictingRequirement {
  /** The normalized name of the distribution that requires it. */
  readonly project: string;
  /** The version of the distribution that requires it. */
  readonly version: string;
  /** The requirement as written in its metadata. */
  readonly requirement: string;
  /** The normalized name of what it requires. */
  readonly dependency: string;
  /** The version installed. */
  readonly installed_version: string;
}

/** A requirement line that does not parse. */
export interface InvalidRequirement {
  /** The normalized name of the distribution whose metadata has it. */
  readonly project: string;
  /** The line as written. */
  readonly requirement: string;
}

/** One of several installations of a project. */
export interface Installation {
  /** The version installed there. */
  readonly version: string;
  /** The directory holding its metadata. */
  readonly location: string;
}

/** A project installed more than once on the path. */
export interface DuplicateProject {
  /** The normalized name. */
  readonly project: string;
  /** The one in use first. */
  readonly installations: readonly Installation[];
}

/** `dpip check --format json`. */
export interface CheckDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** Whether nothing is wrong (the exit status is 0 exactly then). */
  readonly ok: boolean;
  /** Requirements that nothing installed satisfies. */
  readonly missing: readonly MissingRequirement[];
  /** Requirements met by an installed version they do not accept. */
  readonly conflicting: readonly ConflictingRequirement[];
  /** Requirement lines that do not parse (reported, then left out). */
  readonly invalid_requirements: readonly InvalidRequirement[];
  /** Projects installed more than once on the path. */
  readonly duplicates: readonly DuplicateProject[];
}

// ---------------------------------------------------------------- inspect (pip's)

/** One installed distribution in pip's inspect report. */
export interface InspectedDistribution {
  /** The core metadata as JSON (PEP 566's conversion). */
  readonly metadata: { readonly [key: string]: JsonValue };
  /** Its metadata directory (null where pip's backend has none for a distutils egg-info). */
  readonly metadata_location: string | null;
  /** `direct_url.json` (PEP 610), credentials left out. */
  readonly direct_url?: { readonly [key: string]: JsonValue };
  /** The first line of `INSTALLER` (`pip`, `dpip`), or empty. */
  readonly installer?: string;
  /** Whether `REQUESTED` is present (dist-info only). */
  readonly requested?: boolean;
}

/** `dpip inspect`: pip's inspect report, format version 1 (pip's shape). */
export interface InspectDocument {
  /** pip's report format version. */
  readonly version: "1";
  /** `dpip <version>`. */
  readonly pip_version: string;
  /** Every installed distribution (as `--local`, `--user`, `--path` select). */
  readonly installed: readonly InspectedDistribution[];
  /** The marker environment. */
  readonly environment: { readonly [key: string]: string };
}

// ---------------------------------------------------------------- hash

/** One file's digest. */
export interface HashedFile {
  /** The path as given. */
  readonly path: string;
  /** The hex digest. */
  readonly digest: string;
  /** The `--hash` option for a requirements file: `--hash=sha256:…`. */
  readonly option: string;
}

/** `dpip hash --format json FILE...`. */
export interface HashDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The hash algorithm (`-a`). */
  readonly algorithm: "sha256" | "sha384" | "sha512";
  /** Each file, in the order given. */
  readonly files: readonly HashedFile[];
}

// ---------------------------------------------------------------- cache

/** `dpip cache dir --format json`. */
export interface CacheDirDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The cache directory. */
  readonly cache_dir: string;
}

/** One area of the cache. */
export interface CacheArea {
  /** The directory. */
  readonly location: string;
  /** Total size of its files in bytes. */
  readonly size: Integer;
  /** How many files it holds. */
  readonly files: Integer;
}

/** `dpip cache info --format json`. */
export interface CacheInfoDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** Index pages and downloaded files (pip's "package index page cache"). */
  readonly http: CacheArea;
  /** Wheels built from source distributions (pip's "locally built wheels"). */
  readonly built_wheels: CacheArea;
  /** How many `*.whl` files `built_wheels` holds. */
  readonly built_wheel_count: Integer;
  /** Unpacked wheels that installs link from. */
  readonly unpacked: CacheArea;
  /** Wheels' core metadata. */
  readonly metadata: CacheArea;
  /** Interpreter probe results. */
  readonly interpreters: CacheArea;
}

/** A cached wheel built from a source distribution. */
export interface CachedWheelEntry {
  /** The file name. */
  readonly filename: string;
  /** The absolute path. */
  readonly path: string;
  /** The size in bytes. */
  readonly size: Integer;
}

/** `dpip cache list --format json [PATTERN]`. */
export interface CacheListDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** Sorted by file name. */
  readonly wheels: readonly CachedWheelEntry[];
}

// ---------------------------------------------------------------- config

/** A configuration key and its value. */
export interface ConfigItem {
  /** `section.key` (`global.index-url`), or `:env:.key` for a `PIP_*` variable. */
  readonly key: string;
  /** The value, as written. */
  readonly value: string;
}

/** `dpip config list --format json`. */
export interface ConfigListDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** Sorted by key; later files win, as for `list`. */
  readonly items: readonly ConfigItem[];
}

/** `dpip config get --format json KEY`. */
export interface ConfigGetDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The key as asked for. */
  readonly key: string;
  /** The value, as written. */
  readonly value: string;
}

/** A `PIP_*` variable dpip reads. */
export interface ConfigEnvVar {
  /** The variable (`PIP_TIMEOUT`). */
  readonly name: string;
  /** Its value. */
  readonly value: string;
}

/** A configuration file dpip looks at. */
export interface ConfigFileEntry {
  /** Which kind of file, as `config debug` names them. */
  readonly variant: "env" | "global" | "site" | "user";
  /** The file. */
  readonly path: string;
  /** Whether the file exists. */
  readonly exists: boolean;
  /** Its items, in file order. */
  readonly items: readonly ConfigItem[];
}

/** `dpip config debug --format json`. */
export interface ConfigDebugDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The `PIP_*` variables read, in the order `config debug` prints them. */
  readonly env_vars: readonly ConfigEnvVar[];
  /** In the order `config debug` prints them: env, global, site, user. */
  readonly files: readonly ConfigFileEntry[];
}

// ---------------------------------------------------------------- debug

/** `dpip debug --format json`: the target interpreter's facts. */
export interface DebugDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** dpip's version. */
  readonly dpip_version: string;
  /** `3.11.7`. */
  readonly python_version: string;
  /** `sys.executable`. */
  readonly sys_executable: string;
  /** `sys.platform`. */
  readonly sys_platform: string;
  /** `sys.implementation.name`. */
  readonly implementation_name: string;
  /** `sys.prefix`. */
  readonly sys_prefix: string;
  /** `sys.base_prefix`. */
  readonly sys_base_prefix: string;
  /** Whether it is a virtual environment. */
  readonly venv: boolean;
  /** For a venv: `include-system-site-packages`. */
  readonly include_system_site_packages?: boolean;
  /** The `EXTERNALLY-MANAGED` file (PEP 668), or null. */
  readonly externally_managed: string | null;
  /** The PEP 508 marker environment. */
  readonly marker_environment: { readonly [key: string]: string };
  /** The default install scheme's directories (`purelib`, `scripts`, …). */
  readonly install_scheme: { readonly [key: string]: string };
  /** The user site directory, or null. */
  readonly user_site: string | null;
  /** Whether the user site is enabled. */
  readonly user_site_enabled: boolean;
  /** The directories distributions are read from (`sys.path`). */
  readonly sys_path: readonly string[];
  /** Every compatible tag, most preferred first. */
  readonly compatible_tags: readonly string[];
}

// ---------------------------------------------------------------- index versions (pip's)

/** `dpip index versions --json NAME` (also `--format json`): pip's shape. */
export interface IndexVersionsDocument {
  /** The name as given. */
  readonly name: string;
  /** Newest first. */
  readonly versions: readonly string[];
  /** The newest version. */
  readonly latest: string;
  /** The installed version, when installed. */
  readonly installed_version?: string;
}

// ---------------------------------------------------------------- download

/** One file `download` put in the destination (or found there). */
export interface DownloadedFileEntry {
  /** The normalized project name. */
  readonly name: string;
  /** The version (null when the file name does not say). */
  readonly version: string | null;
  /** The requirement it satisfies. */
  readonly requirement: string;
  /** The file name. */
  readonly filename: string;
  /** Its absolute path in the destination. */
  readonly path: string;
  /** The size in bytes. */
  readonly size: Integer;
  /** Its sha256, hex. */
  readonly sha256: string;
  /** Where it came from, credentials left out. */
  readonly url: string;
  /**
   * `downloaded`, `cached` (from the HTTP cache), `present` (already in the
   * destination), or `archived` (a VCS checkout saved as a zip).
   */
  readonly origin: "downloaded" | "cached" | "present" | "archived";
}

/** `dpip download --format json`. */
export interface DownloadDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The destination directory. */
  readonly dest: string;
  /** In requirement order. */
  readonly files: readonly DownloadedFileEntry[];
  /** Warnings, as printed (without `WARNING: `). */
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------- bundle

/** One wheel in a bundle. */
export interface BundledWheelEntry {
  /** The wheel's file name. */
  readonly filename: string;
  /** Its path in the bundle (`wheels/…`), as the lock names it. */
  readonly path: string;
  /** Its size in bytes. */
  readonly size: Integer;
  /** Hex sha256 of its bytes, as the lock records it. */
  readonly sha256: string;
}

/** One package of a bundle's lock. */
export interface BundledPackageEntry {
  /** The normalized name. */
  readonly name: string;
  /** The version. */
  readonly version: string;
  /** The marker that selects it when only some targets have it; null when every target does. */
  readonly marker: string | null;
  /** Its wheels (one per target platform that needs its own). */
  readonly wheels: readonly BundledWheelEntry[];
}

/** How a bundle carries dpip. */
export interface BundledDpipEntry {
  /** `binary`: a compiled dpip, which needs nothing; `bundle`: its JavaScript, which needs Deno. */
  readonly kind: "binary" | "bundle";
  /** Where it was copied from. */
  readonly from: string;
}

/** `dpip bundle --format json`: what the bundle directory holds. */
export interface BundleDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The bundle directory. */
  readonly directory: string;
  /** dpip, as copied into `dpip/`. */
  readonly dpip: BundledDpipEntry;
  /** The lock file's path. */
  readonly lock: string;
  /** The install script's path (run it with the target Python or venv). */
  readonly install_script: string;
  /** The lock's packages, sorted by name. */
  readonly packages: readonly BundledPackageEntry[];
}

// ---------------------------------------------------------------- wheel

/** One wheel `wheel` put in the wheel directory. */
export interface WheelFileEntry {
  /** The normalized project name. */
  readonly name: string;
  /** The version. */
  readonly version: string;
  /** The wheel's file name. */
  readonly filename: string;
  /** Its absolute path in the wheel directory. */
  readonly path: string;
  /** The size in bytes. */
  readonly size: Integer;
  /** Its sha256, hex. */
  readonly sha256: string;
  /**
   * `built` (from source in this run), `downloaded`, `cached` (from the HTTP
   * cache), or `local` (a file on disk: a wheel you named, a `--find-links`
   * file, or a wheel built by an earlier run and kept in the wheel cache).
   */
  readonly origin: "built" | "downloaded" | "cached" | "local";
  /** Named by your requirements (not only a dependency). */
  readonly requested: boolean;
}

/** `dpip wheel --format json`. */
export interface WheelDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The wheel directory (`-w`). */
  readonly wheel_dir: string;
  /** In pip's collection order: your requirements first, then their dependencies. */
  readonly wheels: readonly WheelFileEntry[];
  /** Warnings, as printed (without `WARNING: `). */
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------- uninstall

/** A distribution and its version. */
export interface NameVersion {
  /** The name as its metadata spells it. */
  readonly name: string;
  /** The version, as installed. */
  readonly version: string;
}

/** A distribution `uninstall` removed. */
export interface RemovedDistribution {
  /** The name as its metadata spells it. */
  readonly name: string;
  /** The version, as installed. */
  readonly version: string;
  /** How many paths were removed. */
  readonly paths: Integer;
  /**
   * `requested`: named on the command line; `autoremove`: a dependency
   * nothing else needs and nobody asked for (`--autoremove`).
   */
  readonly reason: "requested" | "autoremove";
}

/** `dpip uninstall --format json NAME...`. */
export interface UninstallDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** In the order removed. */
  readonly removed: readonly RemovedDistribution[];
  /** Names given that are not installed, as given. */
  readonly not_installed: readonly string[];
  /**
   * Installed distributions left in place: the answer was no, or (as pip) it
   * is installed outside the environment and has no files to remove.
   */
  readonly declined: readonly NameVersion[];
}

// ---------------------------------------------------------------- install / upgrade

/** A distribution installed (or, for a dry run, to be). */
export interface InstalledEntry {
  /** The name as its metadata spells it. */
  readonly name: string;
  /** The version installed. */
  readonly version: string;
  /** Whether you asked for it (it gets `REQUESTED`), rather than something requiring it. */
  readonly requested: boolean;
  /** The version it replaced, if another was installed. */
  readonly replaced_version?: string;
}

/** pip's check afterwards, for what the install touched. */
export interface InstallConflicts {
  /** Requirements of what was touched that nothing installed satisfies. */
  readonly missing: readonly MissingRequirement[];
  /** Requirements of what was touched that an installed version does not satisfy. */
  readonly conflicting: readonly ConflictingRequirement[];
}

/** `dpip install --format json` and `dpip upgrade --format json`: what was done (or would be). */
export interface InstallDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** `--dry-run`: nothing was changed; `installed` says what would be. */
  readonly dry_run: boolean;
  /** In the order installed, dependencies first. */
  readonly installed: readonly InstalledEntry[];
  /** Distributions already installed at an acceptable version, left as they are. */
  readonly satisfied: readonly NameVersion[];
  /** Your requirements whose markers leave them out here. */
  readonly ignored: readonly string[];
  /** Warnings, as printed (without `WARNING: `). */
  readonly warnings: readonly string[];
  /** Broken dependencies afterwards (not for a dry run, nor with `--no-warn-conflicts`). */
  readonly conflicts: InstallConflicts | null;
}

// ---------------------------------------------------------------- tree

/** One node of `tree --format json`. */
export interface TreeNodeEntry {
  /** The name as its metadata spells it (the requirement's spelling when not installed). */
  readonly name: string;
  /** Null when not installed. */
  readonly version: string | null;
  /** The extras it is required with, normalized. */
  readonly extras: readonly string[];
  /**
   * The specifiers on the edge to the parent (`>=2.0`; empty for none; null
   * for a root). Forward: what the parent requires of it; `--reverse`: what
   * it requires of the parent.
   */
  readonly required: string | null;
  /** `ok`, `missing` (not installed) or `conflict` (installed at a version the requirement does not accept). */
  readonly status: "ok" | "missing" | "conflict";
  /** Why the children are left out here: drawn above already, or a cycle back to an ancestor. */
  readonly repeat: "shown" | "cycle" | null;
  /** Forward: its dependencies; `--reverse`: what requires it. */
  readonly children: readonly TreeNodeEntry[];
}

/** `dpip tree --format json`. */
export interface TreeDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** Whether the tree is reversed (`--reverse`). */
  readonly reverse: boolean;
  /** `--depth`, or null for no limit. */
  readonly depth: Integer | null;
  /** The top of the tree. */
  readonly roots: readonly TreeNodeEntry[];
  /** Each cycle, as names from a distribution back to itself. */
  readonly cycles: readonly (readonly string[])[];
  /** Names asked for that are not installed, as given. */
  readonly not_found: readonly string[];
}

// ---------------------------------------------------------------- sync

/** `dpip sync --format json FILE...`: what was installed and removed (or, for a dry run, would be). */
export interface SyncDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** `--dry-run`: nothing was changed. */
  readonly dry_run: boolean;
  /** Listed distributions installed (or replaced), in the order installed. */
  readonly installed: readonly InstalledEntry[];
  /** Listed distributions already installed at the version listed. */
  readonly satisfied: readonly NameVersion[];
  /** Installed distributions the files do not list, removed (pip, setuptools and wheel stay). */
  readonly removed: readonly NameVersion[];
  /** Warnings, as printed (without `WARNING: `). */
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------- lock

/** A file a lock records for a package. */
export interface LockedFile {
  /** The file name (null for a directory or a VCS checkout). */
  readonly name: string | null;
  /** Where it is fetched from, credentials left out (null when it is a path). */
  readonly url: string | null;
  /** A path, relative to the lock file, when it is not fetched. */
  readonly path: string | null;
  /** The size in bytes, when known. */
  readonly size: Integer | null;
  /** Hex digests by algorithm (`sha256`). */
  readonly hashes: { readonly [algorithm: string]: string };
}

/** One `[[packages]]` entry of a lock. */
export interface LockedPackage {
  /** The normalized name. */
  readonly name: string;
  /** The version (null for a direct URL, whose version the lock does not state). */
  readonly version: string | null;
  /** The environments it is for (PEP 508 marker), or null for every one. */
  readonly marker: string | null;
  /** `Requires-Python` of the version locked, or null. */
  readonly requires_python: string | null;
  /** What kind of source the lock names: files from an index, an archive, a directory, a VCS. */
  readonly source: "index" | "archive" | "directory" | "vcs";
  /** Wheels first, then the sdist; the archive; none for a directory or VCS checkout. */
  readonly files: readonly LockedFile[];
}

/** `dpip lock --format json`: the lock written (`-o FILE`, default `pylock.toml`), as data. */
export interface LockDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The lock file written, absolute. */
  readonly output: string;
  /** PEP 751's `lock-version`. */
  readonly lock_version: string;
  /** `created-by`. */
  readonly created_by: string;
  /** `requires-python`, or null when the lock does not say. */
  readonly requires_python: string | null;
  /** `environments`, or null when the lock does not say. */
  readonly environments: readonly string[] | null;
  /** Sorted by name, as in the lock. */
  readonly packages: readonly LockedPackage[];
  /** Warnings, as printed (without `WARNING: `). */
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------- compile

/** One pinned version of `compile --format json`. */
export interface CompiledEntry {
  /** The normalized name. */
  readonly name: string;
  /** The line's requirement before `==` (the name as required, with your extras). */
  readonly requirement: string;
  /** The pinned version. */
  readonly version: string;
  /** `-r FILE` for your own requirements, else the projects that need it (the `# via` lines). */
  readonly via: readonly string[];
  /** `sha256:…` of every file of the version (with `--generate-hashes`), sorted. */
  readonly hashes: readonly string[];
  /** Where the pin applies (`--universal`: the line's `; marker`); null when everywhere. */
  readonly marker: string | null;
}

/** `dpip compile --format json IN...`: the pins (written to `-o FILE` too, when given). */
export interface CompileDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The requirements file written, absolute; null when none was (no `-o`, or `-o -`). */
  readonly output: string | null;
  /** The Python `X.Y` the pins are for. */
  readonly python_version: string;
  /** In the order of the file: sorted by name. */
  readonly packages: readonly CompiledEntry[];
}

// ---------------------------------------------------------------- venv

/** `dpip venv --format json [DIR]`: the environment made. */
export interface VenvDocument {
  /** The version of this shape: 1. */
  readonly schema_version: SchemaVersion;
  /** The environment's directory, absolute. */
  readonly path: string;
  /** Its interpreter (`<path>/bin/python`). */
  readonly python: string;
  /** The interpreter it runs (the base interpreter's executable). */
  readonly base_python: string;
  /** The base interpreter's `X.Y.Z`. */
  readonly python_version: string;
  /** `sys.implementation.name`, e.g. `cpython`. */
  readonly implementation: string;
  /** The prompt its activation scripts show. */
  readonly prompt: string;
  /** `--system-site-packages`. */
  readonly system_site_packages: boolean;
  /** What `--seed` installed (empty without `--seed`, or when it was there already). */
  readonly seeded: readonly NameVersion[];
  /** The activation script for POSIX shells. */
  readonly activate: string;
}
