/**
 * `install`: the whole pipeline, returning data and never printing.
 *
 * 1. Refuse what cannot be done before touching anything: PEP 668
 *    (externally managed, unless `breakSystemPackages`; not for `--target`,
 *    `--prefix`, `--root` or `--dry-run`). Build what you named that needs a
 *    build (directories, sdists, git URLs) through the run's
 *    {@link BuildDispatch}, which also builds index sdists when the resolver
 *    asks for their metadata, and installs build environments.
 * 2. Finish what an interrupted dpip left half done (the installer's
 *    journaled transactions), then read what is installed. When nothing may
 *    be upgraded and everything
 *    named (and everything it depends on) is installed at an acceptable
 *    version, stop there: all of it is "already satisfied", and no index is
 *    asked anything.
 * 3. Resolve (the provider fetches index pages and metadata), then plan:
 *    new, replacing and satisfied distributions. The report is built here;
 *    `dryRun` stops here (in hash-checking mode, after fetching and verifying
 *    the wheels of step 4, as pip does).
 * 4. Prepare the wheels (downloads in parallel, every hash verified, the
 *    unpacked-wheel cache used when it already has one), then install them
 *    dependencies first (pip's order) with the wheel installer, which
 *    replaces old versions only once the new ones are staged, in one
 *    journaled transaction: a failure while committing leaves every
 *    distribution old (the next run completes the change, and says so); if
 *    some were committed already, an {@link InstallInterruptedError} says
 *    which distributions are new and which are still old.
 * 5. Check the dependencies of what is installed afterwards (pip's warning
 *    about conflicts it did not take into account).
 *
 * Every temporary directory of the run is in one {@link Scratch} directory,
 * removed however the run ends; an aborted `signal` (Ctrl-C) stops the builds
 * and ends the run before anything is installed.
 *
 * @module
 */

import { dirname, fileURLToPath, join, normalize, pathToFileURL } from "../paths.ts";
import { BuildStack } from "../build/build_stack.ts";
import type { SourceArchiveLimits } from "../build/source_archive.ts";
import { throwIfCancelled } from "../cancellation.ts";
import { parseCoreMetadata } from "../dists/core_metadata.ts";
import { consoleScripts, parseEntryPoints } from "../dists/entry_points.ts";
import { bucketDir, CacheBucket } from "../cache/cache_dir.ts";
import type { DirectUrl } from "../dists/direct_url.ts";
import { compatibleTags } from "../dists/tags.ts";
import { DpipError } from "../errors.ts";
import { installationOrder, type Plan, planInstall } from "../installer/plan.ts";
import type {
  LocalWheel,
  PrepareReporter,
  UnpackedWheel,
  WheelDownloader,
} from "../installer/prepare.ts";
import { type InstalledDist, readInstalledDists } from "../installer/site_packages.ts";
import { recoverPendingChanges, recoveryWarnings } from "../installer/recovery.ts";
import type { LinkMode } from "../installer/wheel_cache.ts";
import type { ExistsAction } from "../vcs/obtain.ts";
import {
  canonicalizeExtra,
  canonicalizeName,
  type ExtraName,
  type PackageName,
} from "../names/mod.ts";
import { canonicalVersionText, tryParseVersion } from "../pep440/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import type { Interpreter, SchemeKind } from "../python/mod.ts";
import type { IndexSource, MetadataClient, MetadataStore } from "../resolver/default_provider.ts";
import type { ReleaseControl } from "../resolver/release_control.ts";
import type {
  DirectResult,
  Resolution,
  ResolvedDist,
  ResolverProvider,
  ResolverReporter,
} from "../resolver/mod.ts";
import type { RequirementSource } from "../requirements/source.ts";
import { hashesByProject, type RequirementsSpecification } from "../requirements/specification.ts";
import { BuildDispatch } from "./build_dispatch.ts";
import {
  type BuiltRequirement,
  type CheckoutHooks,
  defaultSrcDir,
  needsBuild,
  withoutFragment,
} from "./build_sources.ts";
import {
  UnsupportedRequirementError,
  wheelRequest,
  wheelSource,
  withBuiltWheels,
} from "./resolved_wheels.ts";
import { Scratch, tempDirOf } from "./scratch.ts";
import { installedDistribution, resolveSpecification } from "./resolve_specification.ts";
import { checkInstalled, type CheckResult } from "./check.ts";
import { HashRequirementError } from "./hash_mode.ts";
import { formatInstallReport, type ReportItem } from "./install_report.ts";
import type { AttestedFile } from "../attest/check.ts";
import {
  checkProjectStatuses,
  reportStatuses,
  type StatusLookup,
  withQuarantine,
} from "./project_status.ts";
import type { DistSummary, InstallPhase, WheelsInstalled } from "./install_wheels.ts";
import type { JsonValue } from "./inspect.ts";
import { appendAll } from "../lists.ts";
import { trimEndChars } from "../trim.ts";

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
  readonly compile: boolean;
  readonly linkMode?: LinkMode;
  readonly breakSystemPackages: boolean;
  /** Check the installed dependencies afterwards (not `--no-warn-conflicts`). */
  readonly warnConflicts: boolean;
  /** Say when console scripts land outside PATH (not `--no-warn-script-location`). */
  readonly warnScriptLocation?: boolean;
  /** Build pip's installation report. */
  readonly report: boolean;
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
  /** A project version was tried during resolution. */
  onResolving?: ResolverReporter["onDecision"];
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

/** Options for {@link installRequirements}. */
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
}

/** One distribution met while collecting, in pip's order (requirements first, then breadth first). */
export interface CollectedDist {
  readonly name: PackageName;
  /** The requirement that first named it, as packaging prints it. */
  readonly requirement: string;
  /** The requirements that led to it, nearest first (`["jinja2>=3.1.2", "flask"]`); empty for yours. */
  readonly chain: readonly string[];
  /** The name as that requirement wrote it (pip shows it in "Installing collected packages"). */
  readonly displayName: string;
  /** The wheel path or URL you named, for direct references. */
  readonly url?: string;
  /** You asked for it with `-e`. */
  readonly editable?: boolean;
  readonly action: "install" | "reinstall" | "satisfied";
}

/** The plan, with what it was made from. */
export interface PlannedInstall {
  readonly plan: Plan<ResolvedDist<IndexSource>, InstalledDist>;
  /** Everything the requirements reach, in pip's collection order. */
  readonly collected: readonly CollectedDist[];
  /** Undefined when everything was already satisfied without resolving. */
  readonly resolution?: Resolution<IndexSource>;
  /** Your requirements whose markers exclude this environment (pip's "Ignoring" lines). */
  readonly ignored: readonly { text: string; marker: string }[];
}

/** What an install did: the wheels installed, and what `--target` kept as it was. */
export interface InstallChangelog extends WheelsInstalled {
  /** Left alone: under `--target` without `--upgrade`, what the directory had already. */
  readonly skipped: { dist: DistSummary; reason: "target-exists"; path: string }[];
}

/** What {@link installRequirements} did (or, for a dry run, would do). */
export interface InstallOutcome extends PlannedInstall {
  /** The order distributions were (or would be) installed in. */
  readonly order: readonly PackageName[];
  /** pip's installation report, when asked for. */
  readonly report?: Record<string, JsonValue>;
  /** What is to be installed, by the names their metadata gives (for a dry run or a report). */
  readonly metadataNames?: ReadonlyMap<PackageName, string>;
  /** The wheels prepared (for a dry run, only in hash-checking mode, where they are verified). */
  readonly wheels: readonly LocalWheel[];
  /** What the installer did (not for a dry run). */
  readonly changelog?: InstallChangelog;
  /** Broken dependencies after the install involving what was installed. */
  readonly conflicts?: CheckResult;
  /** Per installed distribution (in install order), its console scripts in a directory not on PATH. */
  readonly scriptsNotOnPath?: readonly ReadonlyMap<string, readonly string[]>[];
  /** Non-fatal problems. */
  readonly warnings: readonly string[];
}

/** PEP 668: the target environment is managed by another package manager. */
export class ExternallyManagedError extends DpipError {
  /** The distributor's message (or the default one). */
  readonly detail: string;
  constructor(prefix: string, detail: string | undefined) {
    const text = detail ??
      `The Python environment under ${prefix} is managed externally, and may not be\nmanipulated by the user. Please use specific tooling from the distributor of\nthe Python installation to interact with this Python environment instead.`;
    super(
      "externally-managed-environment",
      `Cannot install into ${prefix}: this environment is externally managed (PEP 668)`,
      {
        hint:
          "use a virtual environment, or pass --break-system-packages to override at the risk of breaking the system's Python",
      },
    );
    this.name = "ExternallyManagedError";
    this.detail = text;
  }
}

/** Installing stopped part way; every distribution is either old or new, and this says which. */
export class InstallInterruptedError extends DpipError {
  /** Installed at the new version. */
  readonly installed: readonly string[];
  /** Not installed (still at the old version, or absent). */
  readonly notInstalled: readonly string[];
  constructor(
    cause: unknown,
    outcome: { installed: readonly string[]; notInstalled: readonly string[] },
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const done = outcome.installed.length > 0 ? outcome.installed.join(" ") : "none";
    super(
      "install-interrupted",
      `${reason}; installing stopped part way: installed ${done}; not installed (previous version kept): ${
        outcome.notInstalled.join(" ") || "none"
      }`,
      { cause },
    );
    this.name = "InstallInterruptedError";
    this.installed = outcome.installed;
    this.notInstalled = outcome.notInstalled;
  }
}

/** A requirement for the resolver, with what the user wrote. */
interface Root {
  readonly source: RequirementSource;
  readonly requirement: Requirement;
  readonly url?: string;
}

function referenceRoot(
  source: RequirementSource,
  name: string,
  url: string,
): Root {
  const extras = source.extras.length > 0 ? `[${source.extras.join(",")}]` : "";
  const marker = source.marker === undefined ? "" : ` ; ${source.marker}`;
  return { source, requirement: parseRequirement(`${name}${extras} @ ${url}${marker}`), url };
}

/**
 * Your requirements as PEP 508 requirements; what needs a build is taken
 * from `built` (see {@link buildRequirement}).
 */
function rootsOf(
  spec: RequirementsSpecification,
  built: ReadonlyMap<RequirementSource, BuiltRequirement>,
): Root[] {
  const roots: Root[] = [];
  for (const { source } of spec.requirements) {
    const build = built.get(source);
    if (build !== undefined) {
      roots.push(referenceRoot(source, build.name, build.url));
      continue;
    }
    switch (source.kind) {
      case "registry":
        roots.push({ source, requirement: source.requirement });
        break;
      case "path":
      case "url": {
        const archive = source.kind === "path" ? source.pathKind : source.archive;
        if (archive !== "wheel" || source.requirement === undefined) {
          throw new UnsupportedRequirementError(
            source.text,
            "it is not a wheel or a source archive",
          );
        }
        roots.push(referenceRoot(source, source.requirement.name, withoutFragment(source.url)));
        break;
      }
      case "vcs":
        // Every VCS requirement is built; one left here was excluded by its marker.
        break;
    }
  }
  return roots;
}

/** Parsed `Requires-Dist` strings (each is read several times per run); undefined when invalid. */
const parsedRequirements = new Map<string, Requirement | undefined>();

function parseDependencies(requiresDist: readonly string[]): Requirement[] {
  const parsed: Requirement[] = [];
  for (const text of requiresDist) {
    let requirement = parsedRequirements.get(text);
    if (requirement === undefined && !parsedRequirements.has(text)) {
      try {
        requirement = parseRequirement(text);
      } catch {
        // pip skips what it cannot parse here too; `check` reports it.
      }
      parsedRequirements.set(text, requirement);
    }
    if (requirement !== undefined) parsed.push(requirement);
  }
  return parsed;
}

function markerHolds(
  requirement: Requirement,
  interpreter: Interpreter,
  extras: readonly string[],
): boolean {
  if (requirement.marker === undefined) return true;
  return ["", ...extras].some((extra) =>
    requirement.marker!.evaluate({ ...interpreter.markerEnvironment, extra })
  );
}

/**
 * Whether the installed distributions satisfy every requirement (and,
 * unless `noDeps`, everything they depend on) as they are. Constraints
 * must hold too. Undefined means "resolve".
 */
function satisfiedAsInstalled(
  roots: readonly Root[],
  constraints: readonly RequirementSource[],
  installed: ReadonlyMap<PackageName, InstalledDist>,
  options: { interpreter: Interpreter; noDeps: boolean },
): ResolvedDist<IndexSource>[] | undefined {
  const seen = new Map<PackageName, { dist: ResolvedDist<IndexSource>; extras: Set<ExtraName> }>();
  const queue: { requirement: Requirement; requested: boolean }[] = roots.map((root) => ({
    requirement: root.requirement,
    requested: true,
  }));
  while (queue.length > 0) {
    const { requirement, requested } = queue.shift()!;
    if (requirement.url !== undefined) return undefined;
    const name = canonicalizeName(requirement.name);
    const dist = installed.get(name);
    if (dist === undefined) return undefined;
    const version = tryParseVersion(dist.version);
    if (version === undefined) return undefined;
    const limits = [
      requirement.specifier,
      ...constraints.filter((c) => c.name === name).map((c) => c.requirement?.specifier),
    ];
    if (!limits.every((s) => s === undefined || s.contains(version, { prereleases: true }))) {
      return undefined;
    }
    const extras = requirement.extras.map((extra) => canonicalizeExtra(extra));
    const provided = new Set(dist.providesExtra().map((extra) => canonicalizeExtra(extra)));
    if (extras.some((extra) => !provided.has(extra))) return undefined;
    const known = seen.get(name);
    const fresh = extras.filter((extra) => !(known?.extras.has(extra) ?? false));
    if (known !== undefined && fresh.length === 0) {
      if (requested) known.dist.requested = true;
      continue;
    }
    const entry = known ?? {
      dist: {
        name,
        version: canonicalVersionText(dist.version) ?? dist.version,
        extras: [],
        requested,
        installed: true,
        metadata: installedDistribution(dist).metadata,
      },
      extras: new Set<ExtraName>(),
    };
    for (const extra of fresh) entry.extras.add(extra);
    entry.dist.extras = [...entry.extras].sort();
    if (requested) entry.dist.requested = true;
    seen.set(name, entry);
    if (requested && options.noDeps) continue;
    if (options.noDeps) continue;
    for (const dependency of parseDependencies(entry.dist.metadata.requiresDist)) {
      if (markerHolds(dependency, options.interpreter, [...entry.extras])) {
        queue.push({ requirement: dependency, requested: false });
      }
    }
  }
  return [...seen.values()].map((entry) => entry.dist);
}

/** pip's "from" for a requirements-file line: `-r reqs.txt (line 3)`. */
function fileOrigin(origin: string): string[] {
  const match = /^(.*):(\d+)$/.exec(origin);
  return match === null ? [] : [`-r ${match[1]} (line ${match[2]})`];
}

/** A requirement as pip shows a dependency: without its marker. */
function withoutMarker(requirement: Requirement): string {
  const extras = requirement.extras.length > 0 ? `[${requirement.extras.join(",")}]` : "";
  return requirement.url === undefined
    ? `${requirement.name}${extras}${requirement.specifier}`
    : `${requirement.name}${extras} @ ${requirement.url}`;
}

/**
 * The distributions your requirements reach, in pip's order: your
 * requirements first, then their dependencies breadth first, each with the
 * requirement that first named it.
 */
function collect(
  roots: readonly Root[],
  dists: readonly ResolvedDist<IndexSource>[],
  interpreter: Interpreter,
): {
  name: PackageName;
  requirement: string;
  chain: string[];
  displayName: string;
  url?: string;
  editable?: boolean;
}[] {
  const byName = new Map(dists.map((dist) => [dist.name, dist]));
  const out: ReturnType<typeof collect> = [];
  const seen = new Set<PackageName>();
  const queue: {
    requirement: Requirement;
    text: string;
    chain: string[];
    url?: string;
    editable?: boolean;
  }[] = roots
    .map((root) => ({
      requirement: root.requirement,
      text: root.url === undefined ? String(root.requirement) : root.source.text,
      chain: fileOrigin(root.source.origin),
      ...(root.url === undefined ? {} : { url: root.url }),
      ...(root.source.editable ? { editable: true } : {}),
    }));
  while (queue.length > 0) {
    const item = queue.shift()!;
    const name = canonicalizeName(item.requirement.name);
    const dist = byName.get(name);
    if (dist === undefined || seen.has(name)) continue;
    seen.add(name);
    out.push({
      name,
      requirement: item.text,
      chain: item.chain,
      displayName: item.requirement.name,
      ...(item.url === undefined ? {} : { url: item.url }),
      ...(item.editable === true ? { editable: true } : {}),
    });
    const parent = withoutMarker(item.requirement);
    for (const dependency of parseDependencies(dist.metadata.requiresDist)) {
      if (!markerHolds(dependency, interpreter, dist.extras)) continue;
      queue.push({
        requirement: dependency,
        text: withoutMarker(dependency),
        chain: [
          item.url === undefined ? parent : `${item.requirement.name}==${dist.version}`,
          ...item.chain,
        ],
      });
    }
  }
  for (const dist of dists) {
    if (!seen.has(dist.name)) {
      out.push({ name: dist.name, requirement: dist.name, chain: [], displayName: dist.name });
    }
  }
  return out;
}

/**
 * A node of pip's dependency graph: its id (`name`, or `name[a,b]` with the
 * extras normalized and sorted, or the Python node) and the project and
 * extras it stands for, so the id is never parsed back apart.
 */
interface GraphNode {
  readonly id: string;
  /** Undefined for the Python node. */
  readonly name?: PackageName;
  readonly extras: readonly ExtraName[];
}

/** pip's node for a requirement. */
function graphNode(requirement: Requirement): GraphNode {
  const name = canonicalizeName(requirement.name);
  const extras = [...new Set(requirement.extras.map((e) => canonicalizeExtra(e)))].sort();
  return { id: extras.length === 0 ? name : `${name}[${extras.join(",")}]`, name, extras };
}

const REQUIRES_PYTHON_NODE: GraphNode = { id: "<Python from Requires-Python>", extras: [] };

/**
 * The dependency graph pip's resolver leaves (see `installationOrder`):
 * a project with extras is its own node depending on the project and the
 * extras' dependencies; a project with `Requires-Python` depends on a
 * Python node (unless the requirement is ignored or the project was kept
 * installed).
 */
function dependencyGraph(
  roots: readonly Root[],
  dists: readonly ResolvedDist<IndexSource>[],
  options: { interpreter: Interpreter; ignoreRequiresPython: boolean },
): Map<string | null, string[]> {
  const byName = new Map(dists.map((dist) => [dist.name, dist]));
  const pending = roots.map((root) => graphNode(root.requirement));
  const graph = new Map<string | null, string[]>([[null, pending.map((node) => node.id)]]);
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (graph.has(node.id)) continue;
    const dist = node.name === undefined ? undefined : byName.get(node.name);
    const children: GraphNode[] = [];
    if (dist !== undefined) {
      if (node.extras.length > 0) children.push({ id: dist.name, name: dist.name, extras: [] });
      else if (
        dist.metadata.requiresPython?.trim() && !dist.installed && !options.ignoreRequiresPython
      ) {
        children.push(REQUIRES_PYTHON_NODE);
      }
      for (const dependency of parseDependencies(dist.metadata.requiresDist)) {
        if (markerHolds(dependency, options.interpreter, node.extras)) {
          children.push(graphNode(dependency));
        }
      }
    }
    graph.set(node.id, children.map((child) => child.id));
    appendAll(pending, children);
  }
  return graph;
}

function schemeAllowsExternallyManaged(kind: SchemeKind): boolean {
  return kind.kind === "target" || kind.kind === "prefix" || kind.kind === "root";
}

/** The dists whose dependencies may be broken by installing `changed` (pip's "whitelist"). */
function affectedProjects(
  changed: ReadonlySet<PackageName>,
  dists: readonly InstalledDist[],
): Set<string> {
  const affected = new Set<string>(changed);
  for (const dist of dists) {
    if (affected.has(dist.name)) continue;
    if (parseDependencies(dist.requiresDist()).some((r) => changed.has(canonicalizeName(r.name)))) {
      affected.add(dist.name);
    }
  }
  return affected;
}

function checkAfterInstall(
  target: InstallTarget,
  changed: ReadonlySet<PackageName>,
): CheckResult {
  const { interpreter } = target;
  const dists = readInstalledDists(interpreter.sitePackages).dists;
  const affected = affectedProjects(changed, dists);
  const result = checkInstalled(dists, {
    sitePackages: interpreter.sitePackages,
    prefix: interpreter.prefix,
    isVenv: interpreter.isVenv,
    markerEnvironment: interpreter.markerEnvironment,
    importlib: isImportlib(interpreter),
  });
  return {
    missing: result.missing.filter((m) => affected.has(m.project)),
    conflicting: result.conflicting.filter((c) => affected.has(c.project)),
    parsingProblems: [],
    duplicates: [],
  };
}

function isImportlib(interpreter: Interpreter): boolean {
  const [major, minor] = interpreter.version;
  return major > 3 || (major === 3 && minor >= 11);
}

/** A local or built wheel named by a direct reference, unpacked. */
interface LocalReference extends UnpackedWheel {
  /** The wheel file's own URL (a built wheel's differs from the reference). */
  readonly fileUrl: string;
  /** What `direct_url.json` records, for built wheels. */
  readonly directUrl?: DirectUrl;
}

/**
 * The provider, answering direct references to local wheels from their
 * unpacked (validated) trees instead of reading the archives again.
 */
/** The files from indexes among `dists`, with what PEP 740 verification needs. */
function attestedFiles(dists: readonly ResolvedDist<IndexSource>[]): AttestedFile[] {
  return dists.flatMap((dist) => {
    const source = dist.source;
    if (source?.kind !== "index" || !/^https?:/i.test(source.file.url)) return [];
    const sha256 = source.file.hashes["sha256"];
    return [{
      name: dist.name,
      version: dist.version,
      filename: source.file.filename,
      ...(sha256 === undefined ? {} : { sha256 }),
      ...(source.file.provenance === undefined ? {} : { provenance: source.file.provenance }),
    }];
  });
}

function withLocalWheels(
  provider: ResolverProvider<IndexSource>,
  local: ReadonlyMap<string, LocalReference>,
): ResolverProvider<IndexSource> {
  if (local.size === 0) return provider;
  return {
    listVersions: (name) => provider.listVersions(name),
    getMetadata: (name, candidate) => provider.getMetadata(name, candidate),
    getDirectMetadata: async (name, url): Promise<DirectResult<IndexSource>> => {
      const wheel = local.get(url);
      if (wheel === undefined) {
        return provider.getDirectMetadata === undefined
          ? { kind: "unavailable", reason: { kind: "other", message: `${url} is not supported` } }
          : await provider.getDirectMetadata(name, url);
      }
      const text = await Deno.readTextFile(join(wheel.tree, wheel.manifest.distInfo, "METADATA"));
      const meta = parseCoreMetadata(text);
      const file: IndexSource["file"] = {
        filename: wheel.manifest.filename,
        url: wheel.fileUrl,
        hashes: { sha256: wheel.sha256 },
        yanked: false,
        coreMetadata: false,
      };
      return {
        kind: "metadata",
        version: wheel.manifest.version,
        metadata: {
          requiresDist: meta.requiresDist,
          providesExtra: meta.providesExtra,
          ...(meta.requiresPython === undefined ? {} : { requiresPython: meta.requiresPython }),
        },
        source: { kind: "index", file, format: "wheel" },
      };
    },
  };
}

/** Hash-checking mode: every requirement pinned, and (afterwards) every distribution hashed. */
function checkHashMode(roots: readonly Root[]): void {
  const unpinned = roots.filter((root) =>
    root.url === undefined &&
    !root.requirement.specifier.specifiers.some((s) =>
      s.operator === "===" || (s.operator === "==" && !s.version.endsWith(".*"))
    )
  );
  if (unpinned.length > 0) {
    throw new HashRequirementError(
      `In --require-hashes mode, all requirements must have their versions pinned with ==. These do not: ${
        unpinned.map((root) => root.source.text).join(", ")
      }`,
      "pin each requirement with ==, e.g. name==1.0, and give its --hash",
    );
  }
}

async function reportItems(
  dists: readonly ResolvedDist<IndexSource>[],
  roots: readonly Root[],
  metadataOf: (file: IndexSource["file"]) => Promise<string>,
): Promise<ReportItem[]> {
  return await Promise.all(dists.map(async (dist) => {
    const source = wheelSource(dist);
    if (source === undefined) {
      throw new UnsupportedRequirementError(
        `${dist.name}==${dist.version}`,
        "only a source distribution was chosen",
      );
    }
    const root = roots.find((r) => canonicalizeName(r.requirement.name) === dist.name);
    const url = withoutFragment(source.file.url);
    return {
      metadata: await metadataOf(source.file),
      url,
      hashes: { ...source.file.hashes, ...(root?.source.urlHashes ?? {}) },
      isDirect: dist.url !== undefined,
      isYanked: dist.yanked !== undefined,
      requested: dist.requested,
      ...(root === undefined ? {} : { requestedExtras: root.requirement.extras }),
    };
  }));
}

/**
 * Installs what `spec` asks for into `options.target` (see the module docs
 * for the phases).
 *
 * @throws {ExternallyManagedError} for a PEP 668 environment (nothing changed).
 * @throws {UnsupportedRequirementError} for what is neither a wheel nor a source (nothing changed).
 * @throws {BuildCycleError} when an sdist needs itself built to build (nothing changed).
 * @throws {CancelledError} when `signal` was aborted (nothing changed).
 * @throws {ResolutionImpossibleError} when no versions fit (nothing changed).
 * @throws {InstallInterruptedError} when installing failed part way.
 * @example
 * ```ts ignore
 * const outcome = await installRequirements(spec, { settings, target, services });
 * outcome.changelog?.installed.map((d) => `${d.name}-${d.version}`);
 * ```
 */
export async function installRequirements(
  spec: RequirementsSpecification,
  options: InstallOptions,
): Promise<InstallOutcome> {
  throwIfCancelled(options.signal);
  return await withBuilds(options, (run) => runPipeline(spec, options, run));
}

/**
 * Runs `use` with a run's builds: a scratch directory, the unpacked-wheel
 * bucket and the build dispatch (sdists and sources built with `options`'
 * settings), all closed or removed after.
 */
export async function withBuilds<T>(
  options: InstallOptions,
  use: (run: PipelineRun) => Promise<T>,
): Promise<T> {
  const { services } = options;
  const scratch = new Scratch({ tempDir: tempDirOf(options.env) });
  try {
    const bucket = services.cacheRoot === undefined
      ? await scratch.dir("unpacked")
      : bucketDir(services.cacheRoot, CacheBucket.unpacked);
    const dispatch = buildDispatch(options, { scratch, bucket });
    try {
      return await use({ bucket, dispatch, scratch });
    } finally {
      await dispatch.close();
    }
  } finally {
    await scratch.remove();
  }
}

/** The run's builds, with the install's settings and reporting. */
function buildDispatch(
  options: InstallOptions,
  run: { scratch: Scratch; bucket: string },
): BuildDispatch {
  const { services, settings, target, reporter } = options;
  return new BuildDispatch({
    interpreter: target.interpreter,
    provider: services.provider,
    downloader: services.downloader,
    scratch: run.scratch,
    unpackedBucket: run.bucket,
    ...(services.cacheRoot === undefined
      ? {}
      : { wheelCache: bucketDir(services.cacheRoot, CacheBucket.wheels) }),
    isolation: settings.buildIsolation !== false,
    buildConstraints: settings.buildConstraints ?? [],
    ...(settings.configSettings === undefined ? {} : { configSettings: settings.configSettings }),
    pre: settings.pre,
    ...(settings.sdistLimits === undefined ? {} : { archiveLimits: settings.sdistLimits }),
    ...(settings.linkMode === undefined ? {} : { linkMode: settings.linkMode }),
    ...(settings.buildSandbox === true ? { sandbox: true } : {}),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    vcs: {
      ...options.checkout,
      srcDir: settings.srcDir ?? defaultSrcDir(target.interpreter, Deno.cwd()),
      ...(settings.existsAction === undefined ? {} : { existsAction: settings.existsAction }),
    },
    reporter: {
      onBuildStart: (what, stack) => {
        const parent = stack.ids.at(-2);
        reporter?.onBuildStart?.(
          parent === undefined ? what : `${what} (to build ${parent.label})`,
        );
      },
      onBuildOutput: (line) => reporter?.onBuildOutput?.(line),
      onBuilt: (name, filename, stack) => {
        // Only what the install itself asked for; builds for build environments stay quiet.
        if (stack.ids.length === 1) reporter?.onBuilt?.(name, filename);
      },
    },
  });
}

/** Builds every requirement that needs it (pip's order: as given), before resolving. */
async function buildSources(
  wanted: RequirementsSpecification["requirements"],
  dispatch: BuildDispatch,
): Promise<Map<RequirementSource, BuiltRequirement>> {
  const built = new Map<RequirementSource, BuiltRequirement>();
  for (const { source, configSettings } of wanted) {
    if (!needsBuild(source)) continue;
    built.set(source, await dispatch.buildRequirement(source, configSettings, BuildStack.root()));
  }
  return built;
}

/** What one run's phases share. */
export interface PipelineRun {
  /** The unpacked-wheel bucket. */
  readonly bucket: string;
  /** The run's builds. */
  readonly dispatch: BuildDispatch;
  /** The run's scratch directory, removed when the run ends. */
  readonly scratch: Scratch;
}

/**
 * Unpacks the wheel files among `roots` (local wheels, and wheels built from
 * sources) into the cache, on two threads when that is worth it.
 */
async function unpackLocalWheels(
  roots: readonly Root[],
  builtByUrl: ReadonlyMap<string, BuiltRequirement>,
  options: { bucket: string; tags: ReadonlySet<string>; warnings: string[] },
): Promise<Map<string, LocalReference>> {
  const wheels: { url: string; path: string; build?: BuiltRequirement; size: number }[] = [];
  for (const root of roots) {
    if (root.url === undefined) continue;
    const build = builtByUrl.get(root.url);
    if (build === undefined && !root.url.startsWith("file:")) continue;
    const path = build?.wheelPath ?? fileURLToPath(root.url);
    const size = await Deno.stat(path).then((info) => info.size, () => 0);
    wheels.push({ url: root.url, path, size, ...(build === undefined ? {} : { build }) });
  }
  const localWheels = new Map<string, LocalReference>();
  if (wheels.length === 0) return localWheels;
  const { unpackLocalWheel } = await import("../installer/prepare.ts");
  const { ExtractPool, allInOrder, largestFirst } = await import("../installer/extract_pool.ts");
  const { fileSha256 } = await import("../installer/wheel_cache.ts");
  const warnings = new Map<string, string[]>(wheels.map((wheel) => [wheel.url, []]));
  const pool = new ExtractPool({
    totalBytes: wheels.reduce((sum, wheel) => sum + wheel.size, 0),
    jobs: wheels.length,
  });
  try {
    // Largest first, each unpacking as soon as its digest is known: the long jobs start
    // early, and hashing overlaps unpacking. (Only the digest is kept: the bytes are read
    // again when unpacked, so a long list of wheels is not held in memory.)
    const unpacking = new Map<string, Promise<UnpackedWheel>>();
    for (const wheel of largestFirst(wheels, (wheel) => wheel.size)) {
      const sha256 = await fileSha256(wheel.path, { bucket: options.bucket })
        .then((digest) => digest.sha256, () => undefined); // unpackLocalWheel reports it
      const task = unpackLocalWheel(wheel.path, {
        bucket: options.bucket,
        compatibleTags: options.tags,
        onWarning: (message) => warnings.get(wheel.url)!.push(message),
        pool,
        ...(sha256 === undefined ? {} : { known: { sha256, size: wheel.size } }),
      });
      task.catch(() => {}); // reported by allInOrder, in order
      unpacking.set(wheel.url, task);
    }
    const unpacked = await allInOrder(wheels.map((wheel) => unpacking.get(wheel.url)!));
    wheels.forEach((wheel, i) => {
      appendAll(options.warnings, warnings.get(wheel.url)!);
      localWheels.set(wheel.url, {
        ...unpacked[i]!,
        fileUrl: wheel.build === undefined ? wheel.url : pathToFileURL(wheel.path).href,
        ...(wheel.build === undefined ? {} : { directUrl: wheel.build.directUrl }),
      });
    });
  } finally {
    pool.close();
  }
  return localWheels;
}

async function runPipeline(
  spec: RequirementsSpecification,
  options: InstallOptions,
  run: PipelineRun,
): Promise<InstallOutcome> {
  const { bucket, dispatch } = run;
  const { settings, target, services, reporter } = options;
  const { interpreter } = target;
  if (
    interpreter.externallyManaged !== undefined && !settings.breakSystemPackages &&
    !settings.dryRun && !schemeAllowsExternallyManaged(target.scheme)
  ) {
    throw new ExternallyManagedError(interpreter.prefix, interpreter.externallyManaged.message);
  }
  const ignored: { text: string; marker: string }[] = [];
  const wanted = spec.requirements.filter(({ source }) => {
    const marker = source.marker;
    if (marker === undefined || marker.evaluate({ ...interpreter.markerEnvironment, extra: "" })) {
      return true;
    }
    ignored.push({ text: source.text.split(";")[0]!.trim(), marker: String(marker) });
    return false;
  });
  const built = await buildSources(wanted, dispatch);
  const roots = rootsOf({ ...spec, requirements: wanted }, built);
  const hashes = hashesByProject(spec);
  const hashMode = settings.requireHashes || hashes.size > 0;
  if (hashMode) checkHashMode(roots);
  const tags = new Set(compatibleTags(interpreter.tagFacts).map(String));
  const warnings: string[] = [];
  const builtByUrl = new Map([...built.values()].map((b) => [b.url, b]));
  const localWheels = await unpackLocalWheels(roots, builtByUrl, { bucket, tags, warnings });
  const localFiles = new Map([...localWheels.values()].map((local) => [local.fileUrl, local]));
  const provider = withQuarantine(
    withLocalWheels(dispatch.provider(BuildStack.root()), localWheels),
    {
      requirements: roots.map((root) => root.requirement),
      lookup: services.projectStatuses ?? (() => []),
    },
  );

  const isTarget = target.scheme.kind === "target";
  const scheme = interpreter.scheme(target.scheme);
  if (!settings.dryRun && options.onWheels === undefined) {
    appendAll(warnings, await finishPendingChanges(scheme, reporter));
  }
  const installedSet = isTarget
    ? []
    : readInstalledDists(interpreter.sitePackages, { importlib: isImportlib(interpreter) }).dists;
  const installed = new Map(installedSet.map((dist) => [dist.name, dist]));
  const reinstallAll = settings.forceReinstall || settings.ignoreInstalled;

  let resolution: Resolution<IndexSource> | undefined;
  let dists: ResolvedDist<IndexSource>[] | undefined;
  if (!settings.upgrade && !reinstallAll && !isTarget && roots.length > 0) {
    dists = satisfiedAsInstalled(roots, spec.constraints, installed, {
      interpreter,
      noDeps: settings.noDeps,
    });
  }
  if (dists === undefined) {
    // The resolver loads only when something is not installed already (not for a no-op).
    resolution = await resolveSpecification({
      requirements: roots.map((root) => root.requirement),
      constraints: spec.constraints,
      installed: installedSet,
    }, {
      provider,
      environment: interpreter.markerEnvironment,
      pythonVersion: interpreter.markerEnvironment.python_full_version,
      pre: settings.pre,
      ...(settings.releaseControl === undefined ? {} : { releaseControl: settings.releaseControl }),
      ignoreRequiresPython: settings.ignoreRequiresPython,
      noDeps: settings.noDeps,
      upgrade: settings.upgrade,
      upgradeStrategy: settings.upgradeStrategy,
      ignoreInstalled: reinstallAll || isTarget,
      ...(settings.resolutionTimeoutMs === undefined
        ? {}
        : { timeoutMs: settings.resolutionTimeoutMs }),
      ...(reporter?.onResolving === undefined ? {} : { onDecision: reporter.onResolving }),
    });
    dists = withBuiltWheels(resolution.dists, (url) => dispatch.builtWheel(url));
  }

  const plan = planInstall(dists, installedSet, {
    reinstallAll,
    ...(isTarget
      ? {
        targetDir: {
          has: readInstalledDists([...new Set([scheme.purelib, scheme.platlib])]).dists,
          upgrade: settings.upgrade,
        },
      }
      : {}),
    reinstall: alwaysReinstalled(roots, installed),
  });
  const action = new Map<PackageName, CollectedDist["action"]>();
  for (const dist of plan.install) action.set(dist.name, "install");
  for (const entry of plan.reinstall) action.set(entry.dist.name, "reinstall");
  for (const entry of plan.satisfied) action.set(entry.dist.name, "satisfied");
  const collected: CollectedDist[] = collect(roots, dists, interpreter).map((item) => ({
    ...item,
    action: action.get(item.name) ?? "satisfied",
  }));
  const toInstall = [...plan.install, ...plan.reinstall.map((entry) => entry.dist)];
  const byName = new Map(dists.map((dist) => [dist.name, dist]));
  const order = installationOrder(
    collected.filter((c) => c.action !== "satisfied").map((c) => c.name),
    dependencyGraph(roots, dists, {
      interpreter,
      ignoreRequiresPython: settings.ignoreRequiresPython,
    }),
  ) as PackageName[];
  const planned: PlannedInstall = {
    plan,
    collected,
    ...(resolution === undefined ? {} : { resolution }),
    ignored,
  };
  appendAll(warnings, resolution?.warnings ?? []);
  for (const dist of toInstall) {
    if (dist.yanked === undefined) continue;
    const url = wheelSource(dist)?.file.url ?? dist.url ?? "";
    warnings.push(
      `The candidate selected for download or install is a yanked version: '${dist.name}' candidate (version ${dist.version} at ${url})\nReason for being yanked: ${
        dist.yanked.reason ?? "<none given>"
      }`,
    );
  }

  const statusCheck = checkProjectStatuses(dists, {
    requirements: roots.map((root) => root.requirement),
    lookup: services.projectStatuses ?? (() => []),
    installing: new Set(toInstall.map((dist) => dist.name)),
  });
  for (const warning of statusCheck.warnings) warnings.push(warning);

  if (hashMode) {
    const missing = toInstall.filter((dist) => dist.url === undefined && !hashes.has(dist.name));
    if (missing.length > 0) {
      throw new HashRequirementError(
        `Hashes are required in --require-hashes mode, but they are missing from some requirements: ${
          missing.map((dist) => `${dist.name}==${dist.version}`).join(", ")
        }`,
        "add a --hash for every distribution, dependencies included (or use --no-deps)",
      );
    }
  }

  if (services.attestations !== undefined) {
    for (const warning of await services.attestations(attestedFiles(toInstall))) {
      warnings.push(warning);
    }
  }

  const items = settings.report || settings.dryRun
    ? await reportItems(toInstall, roots, async (file) => {
      const local = localFiles.get(file.url);
      if (local !== undefined) {
        return await Deno.readTextFile(join(local.tree, local.manifest.distInfo, "METADATA"));
      }
      const { fetchWheelMetadata } = await import("../resolver/default_provider.ts");
      return await fetchWheelMetadata(services.metadataClient, file, services.metadataStore);
    })
    : undefined;
  const report = settings.report && items !== undefined
    ? formatInstallReport(items, {
      environment: interpreter.markerEnvironment,
      importlib: isImportlib(interpreter),
    })
    : undefined;
  if (report !== undefined) reportStatuses(report, statusCheck.statuses);
  const metadataNames = new Map<PackageName, string>();
  items?.forEach((item, index) => {
    const name = parseCoreMetadata(item.metadata).name;
    if (name !== undefined) metadataNames.set(toInstall[index]!.name, name);
  });
  const base = {
    ...planned,
    order,
    ...(report === undefined ? {} : { report }),
    ...(items === undefined ? {} : { metadataNames }),
    warnings,
  };
  // A dry run reads metadata only, except in hash-checking mode: there it fetches and
  // verifies every file, as pip's does, so that a file that does not match fails it.
  if ((settings.dryRun && !hashMode) || toInstall.length === 0) return { ...base, wheels: [] };
  throwIfCancelled(options.signal);
  reporter?.onPlanned?.(planned);

  const urlHashes = new Map(
    roots.filter((r) => r.url !== undefined).map((r) => [
      canonicalizeName(r.requirement.name),
      r.source.urlHashes,
    ]),
  );
  const ordered = order.map((name) => byName.get(name)!).filter((dist) => dist !== undefined);
  const cacheRoot = services.cacheRoot;
  const workDir = cacheRoot === undefined ? await run.scratch.dir("wheels") : join(
    bucketDir(cacheRoot, CacheBucket.wheels),
    `.tmp-${crypto.randomUUID().slice(0, 8)}`,
  );
  try {
    const { prepareWheels } = await import("../installer/prepare.ts");
    const { installWheels } = await import("./install_wheels.ts");
    const wheels = await prepareWheels(
      ordered.map((dist) =>
        wheelRequest(dist, {
          user: userHashesFor(dist.name, hashes, resolution),
          url: urlHashes.get(dist.name) ?? {},
        })
      ),
      {
        downloader: services.downloader,
        dir: workDir,
        // Wheels handed on must be files, not entries of the unpacked cache.
        ...(options.onWheels === undefined ? { unpackedBucket: bucket } : {}),
        ...(services.concurrency === undefined ? {} : { concurrency: services.concurrency }),
        ...(reporter === undefined ? {} : { reporter }),
      },
    );
    if (settings.dryRun) return { ...base, wheels };
    if (options.onWheels !== undefined) {
      await options.onWheels(wheels);
      return { ...base, wheels };
    }
    throwIfCancelled(options.signal);
    const kept = new Map(plan.kept.map((entry) => [entry.dist.name, entry.installed]));
    let changelog: InstallChangelog;
    try {
      const done = await installWheels(
        wheels.flatMap((wheel, index) => {
          const dist = ordered[index]!;
          if (kept.has(dist.name)) return [];
          const directUrl: DirectUrl | null = dist.url === undefined
            ? null
            : localWheels.get(dist.url)?.directUrl ?? {
              url: wheel.request.url,
              info: { kind: "archive", hash: `sha256=${wheel.sha256}` },
            };
          const requested = settings.requested?.has(dist.name) ?? dist.requested;
          return [{ path: wheel.path, requested, sha256: wheel.sha256, directUrl }];
        }),
        {
          scheme,
          python: interpreter.executable,
          pythonVersion: [interpreter.version[0], interpreter.version[1]],
          compatibleTags: tags,
          cacheBucket: bucket,
          ...(settings.linkMode === undefined ? {} : { linkMode: settings.linkMode }),
          compile: settings.compile,
          ...(isTarget
            ? { environmentDirs: [scheme.purelib] }
            : target.scheme.kind === "default" && interpreter.isVenv
            ? { environmentDirs: [interpreter.prefix] }
            : {}),
          ...(options.env === undefined ? {} : { env: options.env }),
          ...(reporter?.onLockWait === undefined ? {} : { onLockWait: reporter.onLockWait }),
          ...(reporter?.onPhase === undefined ? {} : { onPhase: (p) => reporter.onPhase!(p) }),
        },
      );
      changelog = {
        ...done,
        skipped: ordered.flatMap((dist) => {
          const copy = kept.get(dist.name);
          return copy === undefined ? [] : [{
            dist: { name: dist.name, displayName: copy.rawName, version: dist.version },
            reason: "target-exists" as const,
            path: copy.infoPath,
          }];
        }),
      };
    } catch (error) {
      throw interrupted(error, ordered, scheme);
    }
    // Into an empty environment, what is installed is exactly a resolution of all its
    // dependencies, which cannot conflict: reading it all back to check says nothing new.
    const resolvedWhole = installedSet.length === 0 && resolution !== undefined && !settings.noDeps;
    const conflicts = !settings.warnConflicts || isTarget
      ? undefined
      : resolvedWhole
      ? { missing: [], conflicting: [], parsingProblems: [], duplicates: [] }
      : checkAfterInstall(target, new Set(changelog.installed.map((dist) => dist.name)));
    const hidden = settings.warnScriptLocation === false || isTarget ||
        target.scheme.kind === "prefix"
      ? undefined
      : scriptsNotOnPath(changelog, scheme, interpreter, options.env ?? {});
    return {
      ...base,
      wheels,
      changelog,
      ...(conflicts === undefined ? {} : { conflicts }),
      ...(hidden === undefined ? {} : { scriptsNotOnPath: hidden }),
      warnings: [...warnings, ...changelog.warnings],
    };
  } finally {
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/**
 * What pip reinstalls even at the installed version: what you asked for
 * with `-e`, a local directory or sdist, and anything named by path or URL
 * over an editable install.
 */
/**
 * The hashes your requirements allow for the file installed for `name`. A
 * wheel built from an index sdist is not the file you hashed: the sdist was
 * checked against the index's hashes when downloaded, so where one of those
 * is a hash you allow, the built wheel needs no check of its own (as pip).
 */
function userHashesFor(
  name: PackageName,
  hashes: ReadonlyMap<PackageName, Record<string, string[]>>,
  resolution: Resolution<IndexSource> | undefined,
): Record<string, string[]> | undefined {
  const allowed = hashes.get(name);
  const source = resolution?.dists.find((dist) => dist.name === name)?.source;
  if (allowed === undefined || source?.format !== "sdist") return allowed;
  const checked = Object.entries(source.file.hashes).some(([algorithm, digest]) =>
    allowed[algorithm]?.includes(digest) ?? false
  );
  return checked ? undefined : allowed;
}

function alwaysReinstalled(
  roots: readonly Root[],
  installed: ReadonlyMap<PackageName, InstalledDist>,
): Set<PackageName> {
  const names = new Set<PackageName>();
  for (const { source, requirement, url } of roots) {
    if (url === undefined) continue;
    const name = canonicalizeName(requirement.name);
    if (
      source.editable || (source.kind === "path" && source.pathKind !== "wheel") ||
      installed.get(name)?.editableProjectLocation !== undefined
    ) names.add(name);
  }
  return names;
}

/**
 * The console scripts just installed into a directory that is neither on
 * PATH nor the interpreter's own, as pip checks them.
 */
function scriptsNotOnPath(
  changelog: InstallChangelog,
  scheme: { purelib: string; platlib: string; scripts: string },
  interpreter: Interpreter,
  env: Readonly<Record<string, string>>,
): Map<string, string[]>[] | undefined {
  const clean = (dir: string) => trimEndChars(normalize(dir), "/");
  const onPath = new Set((env["PATH"] ?? "").split(":").filter((d) => d !== "").map(clean));
  onPath.add(clean(dirname(interpreter.executable)));
  const dir = clean(scheme.scripts);
  if (onPath.has(dir)) return undefined;
  const found = new Map(
    readInstalledDists([...new Set([scheme.purelib, scheme.platlib])]).dists.map((
      dist,
    ) => [dist.name, dist]),
  );
  const warnings: Map<string, string[]>[] = [];
  for (const { name } of changelog.installed) {
    const text = found.get(name)?.readInfoFile("entry_points.txt");
    if (text === undefined) continue;
    let scripts: string[];
    try {
      scripts = consoleScripts(parseEntryPoints(text)).map((entry) => entry.name);
    } catch {
      continue; // The installer refused invalid entry points already.
    }
    if (scripts.length > 0) warnings.push(new Map([[dir, scripts.sort()]]));
  }
  return warnings.length === 0 ? undefined : warnings;
}

/**
 * Completes what an interrupted dpip left half done in the target (its
 * journaled transactions), under the environment lock, so that planning
 * sees the environment as it really is; returns the warnings that says.
 * Reads one directory listing when there is nothing to do.
 */
async function finishPendingChanges(
  scheme: { purelib: string; platlib: string },
  reporter: InstallReporter | undefined,
): Promise<string[]> {
  const changes = await recoverPendingChanges([scheme.purelib, scheme.platlib], {
    ...(reporter?.onLockWait === undefined ? {} : { onLockWait: reporter.onLockWait }),
  });
  return recoveryWarnings(changes);
}

/** Says which distributions are new after a failure (errors before any commit change nothing). */
function interrupted(
  error: unknown,
  ordered: readonly ResolvedDist<IndexSource>[],
  scheme: { purelib: string; platlib: string },
): unknown {
  const now = new Map(
    readInstalledDists([...new Set([scheme.purelib, scheme.platlib])]).dists.map((
      dist,
    ) => [dist.name, canonicalVersionText(dist.version) ?? dist.version]),
  );
  const installed = ordered.filter((dist) => now.get(dist.name) === dist.version);
  if (installed.length === 0) return error;
  return new InstallInterruptedError(error, {
    installed: installed.map((dist) => `${dist.name}-${dist.version}`),
    notInstalled: ordered.filter((dist) => !installed.includes(dist)).map((dist) =>
      `${dist.name}-${dist.version}`
    ),
  });
}
