/**
 * The typed form of the install options: how to install
 * ({@link InstallSettings}), where ({@link InstallTarget}), what the
 * pipeline reaches the outside world through ({@link InstallServices}) and
 * whom it tells ({@link InstallReporter}). The CLI builds them once per
 * command; the phases read them.
 *
 * @module
 */

import type { SourceArchiveLimits } from "../build/source_archive.ts";
import type { AttestedFile } from "../attest/check.ts";
import type { LocalWheel, PrepareReporter, WheelDownloader } from "../installer/prepare.ts";
import type { LinkMode } from "../installer/wheel_cache.ts";
import type { PackageName } from "../names/mod.ts";
import type { Requirement } from "../pep508/mod.ts";
import type { Interpreter, SchemeKind } from "../python/mod.ts";
import type { IndexSource, MetadataClient, MetadataStore } from "../resolver/default_provider.ts";
import type { ReleaseControl } from "../resolver/release_control.ts";
import type { ResolverProvider, ResolverReporter } from "../resolver/mod.ts";
import type { ExistsAction } from "../vcs/obtain.ts";
import type { CheckoutHooks } from "./build_sources.ts";
import type { PlannedInstall } from "./install_plan.ts";
import type { InstallPhase } from "./install_wheels.ts";
import type { StatusLookup } from "./project_status.ts";
import type { JsonValue } from "./inspect.ts";

/** How to install (the typed form of the install options). */
export interface InstallSettings {
  readonly upgrade: boolean;
  readonly upgradeStrategy: "only-if-needed" | "eager";
  readonly forceReinstall: boolean;
  /** `-I`: ignore what is installed (it is replaced, never kept). */
  readonly ignoreInstalled: boolean;
  readonly noDeps: boolean;
  readonly pre: boolean;
  /** `--all-releases`/`--only-final`: pre-releases per project. */
  readonly releaseControl?: ReleaseControl;
  readonly ignoreRequiresPython: boolean;
  readonly dryRun: boolean;
  readonly requireHashes: boolean;
  /**
   * The lock files among the requirements files (`-r pylock.toml`): their
   * project directories and VCS checkouts (at the locked commit) are
   * installed, as uv installs them, where the hash-checking mode the lock's
   * hashes turn on would refuse them (pip 26 does); not with `requireHashes`.
   */
  readonly lockFiles?: readonly string[];
  readonly compile: boolean;
  readonly linkMode?: LinkMode;
  readonly breakSystemPackages: boolean;
  /** Check the installed dependencies afterwards (not `--no-warn-conflicts`). */
  readonly warnConflicts: boolean;
  /** Say when console scripts land outside PATH (not `--no-warn-script-location`). */
  readonly warnScriptLocation?: boolean;
  /** Build pip's installation report. */
  readonly report: boolean;
  /**
   * Resolve for a lock: with `dryRun` and `ignoreInstalled`, what is
   * installed is not read, nothing is collected or ordered for installing,
   * and the plan is not described (no names to show).
   */
  readonly resolveOnly?: boolean;
  /**
   * Begin fetching and unpacking each version's wheel as soon as the resolver
   * decides on it (default true). The CLI turns it off where download bars are
   * drawn on a terminal, so that each download shows its bar after the plan,
   * and where attestations must verify before a file is fetched.
   */
  readonly fetchAhead?: boolean;
  /** Give up resolving after this long (`--resolution-timeout`). */
  readonly resolutionTimeoutMs?: number;
  /** Build in an isolated environment with the project's build requirements (default true). */
  readonly buildIsolation?: boolean;
  /** `--build-sandbox`: run build backends in a bubblewrap sandbox. */
  readonly buildSandbox?: boolean;
  /** `--config-settings` for every build. */
  readonly configSettings?: Readonly<Record<string, string | readonly string[]>>;
  /** `--build-constraint`: constraints on build environments (your `-c` constraints are not). */
  readonly buildConstraints?: readonly Requirement[];
  /** Bounds on unpacking source archives (against decompression bombs). */
  readonly sdistLimits?: SourceArchiveLimits;
  /** `--src`: where editable VCS checkouts go (default pip's: `<venv>/src`, else `./src`). */
  readonly srcDir?: string;
  /** `--exists-action`: what to do with an editable checkout's directory in the way. */
  readonly existsAction?: readonly ExistsAction[];
  /**
   * The distributions that get a `REQUESTED` file (default: those your
   * requirements name); `upgrade` passes the ones that had it, so that
   * upgrading keeps what the user asked for.
   */
  readonly requested?: ReadonlySet<PackageName>;
}

/** Where to install. */
export interface InstallTarget {
  readonly interpreter: Interpreter;
  /** The install scheme (`--user`, `--prefix`, `--root`, `--target`, or the default). */
  readonly scheme: SchemeKind;
}

/** What the pipeline reaches the outside world through. */
export interface InstallServices {
  /** Versions and metadata (the default provider over the indexes). */
  readonly provider: ResolverProvider<IndexSource>;
  /** Fetches metadata for the report. */
  readonly metadataClient: MetadataClient;
  /** Wheels' metadata kept by sha256, for the report. */
  readonly metadataStore?: MetadataStore;
  readonly downloader: WheelDownloader;
  /** The cache root; undefined for `--no-cache-dir`. */
  readonly cacheRoot?: string;
  /** Parallel downloads (default 16). */
  readonly concurrency?: number;
  /** PEP 792 statuses the indexes gave for a project (`IndexSet.projectStatuses`). */
  readonly projectStatuses?: StatusLookup;
  /** Checks PEP 740 attestations of what is to be installed; returns warnings. */
  readonly attestations?: (files: readonly AttestedFile[]) => Promise<readonly string[]>;
}

/** Progress callbacks; the pipeline never prints. */
export interface InstallReporter extends PrepareReporter {
  /** Resolved and planned; downloads come next (not called for a dry run that fetches nothing). */
  onPlanned?(outcome: PlannedInstall): void;
  /**
   * pip's installation report (`--report`), once the plan is described and
   * before anything is fetched or installed, where pip writes it: a report
   * that cannot be written then stops the install before it changes anything.
   * Called whenever the outcome will carry a report (dry runs and no-ops too).
   */
  onReport?(report: Record<string, JsonValue>): void;
  /** A project version was tried during resolution. */
  onResolving?: ResolverReporter<IndexSource>["onDecision"];
  /** Another process holds the environment lock. */
  onLockWait?(path: string): void;
  /** A requirement is about to be built from source. */
  onBuildStart?(requirement: string): void;
  /** A line of a build backend's output. */
  onBuildOutput?(line: string): void;
  /** A requirement was built into `filename`. */
  onBuilt?(name: PackageName, filename: string): void;
  /** Unpacking, installing and compiling the wheels (for a status line). */
  onPhase?(phase: InstallPhase): void;
}

/** Options for `installRequirements`. */
export interface InstallOptions {
  readonly settings: InstallSettings;
  readonly target: InstallTarget;
  readonly services: InstallServices;
  readonly reporter?: InstallReporter;
  /** The run's environment (`TMPDIR` places its scratch directory; backends inherit it). */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborted on an interrupt: builds stop, scratch directories go, nothing is installed. */
  readonly signal?: AbortSignal;
  /** VCS checkouts' messages, paths as shown, and the question about a directory in the way. */
  readonly checkout?: CheckoutHooks;
  /**
   * `dpip wheel`: instead of installing, the chosen wheels (downloaded or
   * built, hashes verified, each a file on disk) go to this while the run's
   * scratch directory still holds them. Use a `--target` scheme: nothing
   * installed is read, and nothing is installed.
   */
  readonly onWheels?: (wheels: readonly LocalWheel[]) => Promise<void>;
  /**
   * Fetch the wheels your requirements name by http(s) URL before resolving
   * (`lock`, which records their hashes); otherwise only their metadata is read.
   */
  readonly fetchWheelUrls?: boolean;
}
