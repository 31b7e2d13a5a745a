/**
 * Requirements that need a build before they can be installed: project
 * directories (also editable), source archives (local files and URLs) and
 * VCS checkouts (`lib/vcs`: in the run's scratch directory, or for `-e` in
 * `--src`). This module fetches and unpacks them into a project directory
 * and says what `direct_url.json` (PEP 610) records; the run's
 * {@link BuildDispatch} (in `build_dispatch.ts`) builds them, and keeps the
 * builds of VCS URLs pinned to a commit in the wheel cache.
 *
 * @module
 */

import { join, pathToFileURL } from "../paths.ts";
import type { BuildId } from "../build/mod.ts";
import type { DirectUrl } from "../dists/direct_url.ts";
import { SDIST_EXTENSIONS, tryParseSdistFilenameForProject } from "../dists/sdist_filename.ts";
import { DpipError, isDpipError } from "../errors.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { digestChecks, hashFile, loadCrypto } from "../net/hashes.ts";
import { canonicalVersionText } from "../pep440/mod.ts";
import type { RequirementSource } from "../requirements/source.ts";
import type { WheelDownloader } from "../installer/prepare.ts";
import type { CheckoutOptions, VcsCheckout } from "../vcs/obtain.ts";
import { looksLikeCommitId, parseVcsUrl, type VcsLocation } from "../vcs/vcs_url.ts";
import type { Scratch } from "./scratch.ts";

/** A requirement that cannot be built (an unsupported VCS, a failed checkout, a name mismatch). */
export class SourceBuildError extends DpipError<"source-build-failed"> {
  /** The requirement as written. */
  readonly requirement: string;
  /** `requirement` as written; `reason` says what went wrong. */
  constructor(
    requirement: string,
    reason: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super("source-build-failed", `Cannot build ${requirement}: ${reason}`, options);
    this.name = "SourceBuildError";
    this.requirement = requirement;
  }
}

/** What building a requirement gave. */
export interface BuiltRequirement {
  readonly source: RequirementSource;
  /** The project's name, from the built wheel. */
  readonly name: PackageName;
  /**
   * The reference URL, `name @ url` in the resolution: the source's URL without
   * its fragment but for `#subdirectory=` (see {@link sourceIdentity}).
   */
  readonly url: string;
  /** The built wheel file. */
  readonly wheelPath: string;
  /** What `direct_url.json` records. */
  readonly directUrl: DirectUrl;
}

/** What a checkout works with. */
export interface CheckoutContext {
  /** Fetches source archives named by URL. */
  readonly downloader: WheelDownloader;
  /** Where archives are downloaded and unpacked, and clones made. */
  readonly scratch: Scratch;
  /** Unpacks a source archive into a directory; returns the project root. */
  readonly unpack: (archive: string, dir: string) => Promise<string>;
  /** How VCS requirements are checked out. */
  readonly vcs: VcsSettings;
}

/** How VCS requirements are checked out. */
export interface VcsSettings extends CheckoutOptions {
  /** Where editable checkouts go (`--src`): `<src>/<project name>`. */
  readonly srcDir: string;
}

/** What the caller says about checkouts: messages, paths as shown, the question when in the way. */
export type CheckoutHooks = Pick<CheckoutOptions, "reporter" | "displayPath" | "ask">;

/**
 * pip's default `--src`: `src` in the environment when it is a virtual
 * environment, else `src` in the working directory.
 */
export function defaultSrcDir(
  interpreter: { readonly isVenv: boolean; readonly prefix: string },
  cwd: string,
): string {
  return join(interpreter.isVenv ? interpreter.prefix : cwd, "src");
}

/** A source fetched and unpacked: the project to build and where it came from. */
export interface Checkout {
  readonly projectDir: string;
  /** The reference URL (no fragment). */
  readonly url: string;
  readonly directUrl: DirectUrl;
  /** Set when the source cannot change (a VCS commit id): the wheel cache may keep its build. */
  readonly cacheKey?: string;
}

/** Whether installing `source` needs a build. */
export function needsBuild(
  source: RequirementSource,
): source is RequirementSource & { kind: "path" | "url" | "vcs" } {
  switch (source.kind) {
    case "registry":
      return false;
    case "path":
      return source.pathKind !== "wheel";
    case "url":
      return source.archive === "sdist";
    case "vcs":
      return true;
  }
}

/** `url` without its `#fragment`. */
export function withoutFragment(url: string): string {
  const at = url.indexOf("#");
  return at < 0 ? url : url.slice(0, at);
}

/**
 * What identifies a source named by path or URL for one run's build memo: its
 * URL without the fragment, and the `#subdirectory=` it builds (two projects
 * of one repository are two builds; `#egg=` names, it does not identify).
 */
export function sourceIdentity(
  source: RequirementSource & { kind: "path" | "url" | "vcs" },
): string {
  const base = withoutFragment(source.url);
  return source.subdirectory === undefined ? base : `${base}#subdirectory=${source.subdirectory}`;
}

/**
 * How a build of `source` is known on the build stack: `name==version` for a
 * source archive whose file name says both (as index sdists are known), else
 * its URL.
 */
export function sourceBuildId(
  source: RequirementSource & { kind: "path" | "url" | "vcs" },
): BuildId {
  const url = withoutFragment(source.url);
  const filename = decodeURIComponent(url.split("?")[0]!.split("/").at(-1) ?? "");
  const named = source.kind === "vcs" ? undefined : sdistNameAndVersion(filename, source.name);
  return named === undefined ? { key: sourceIdentity(source), label: source.text } : named;
}

/** `name==version` from a source archive's file name (`pkg-1.0.tar.xz`), if it says both. */
function sdistNameAndVersion(filename: string, name: string | undefined): BuildId | undefined {
  let parsed: { name: string; version: string } | undefined;
  if (name !== undefined) {
    const sdist = tryParseSdistFilenameForProject(filename, name);
    parsed = sdist === undefined ? undefined : { name, version: String(sdist.version) };
  } else {
    const extension = SDIST_EXTENSIONS.find((ext) => filename.toLowerCase().endsWith(ext));
    const stem = extension === undefined ? "" : filename.slice(0, -extension.length);
    const dash = stem.lastIndexOf("-");
    const version = dash < 0 ? undefined : canonicalVersionText(stem.slice(dash + 1));
    parsed = version === undefined
      ? undefined
      : { name: canonicalizeName(stem.slice(0, dash)), version };
  }
  return parsed === undefined
    ? undefined
    : { key: `${parsed.name}==${parsed.version}`, label: `${parsed.name} ${parsed.version}` };
}

/**
 * Fetches and unpacks `source` as needed: the project directory to build and
 * its `direct_url.json`.
 */
export async function checkout(
  source: RequirementSource,
  context: CheckoutContext,
): Promise<Checkout> {
  const sub = source.kind === "registry" ? undefined : source.subdirectory;
  const inner = (root: string) => sub === undefined ? root : join(root, sub);
  const subdirectory = sub === undefined ? {} : { subdirectory: sub };
  switch (source.kind) {
    case "path": {
      if (source.pathKind === "directory") {
        const url = withoutFragment(source.url);
        return {
          projectDir: inner(source.path),
          url,
          directUrl: {
            url,
            info: source.editable ? { kind: "dir", editable: true } : { kind: "dir" },
            ...subdirectory,
          },
        };
      }
      const root = await context.unpack(source.path, await context.scratch.dir("sdist"));
      const digest = (await hashFile(source.path))["sha256"];
      const url = withoutFragment(source.url);
      return {
        projectDir: inner(root),
        url,
        directUrl: { url, info: { kind: "archive", hash: `sha256=${digest}` }, ...subdirectory },
      };
    }
    case "url": {
      const url = withoutFragment(source.url);
      const dir = await context.scratch.dir("download");
      const filename = decodeURIComponent(url.split("?")[0]!.split("/").at(-1) ?? "sdist.tar.gz");
      const downloaded = await context.downloader.download(url, join(dir, filename), {
        checks: digestChecks("the URL", source.urlHashes),
      });
      const root = await context.unpack(downloaded.path, await context.scratch.dir("sdist"));
      return {
        projectDir: inner(root),
        url,
        directUrl: {
          url,
          info: { kind: "archive", hash: `sha256=${downloaded.digests["sha256"]}` },
          ...subdirectory,
        },
      };
    }
    case "vcs":
      return await vcsCheckout(source, context, inner, subdirectory);
    case "registry":
      throw new SourceBuildError(source.text, "it names a project on an index, not a source");
  }
}

/** `source`'s repository checked out: for an editable install in `--src`, else in the scratch. */
async function vcsCheckout(
  source: RequirementSource & { kind: "vcs" },
  context: CheckoutContext,
  inner: (root: string) => string,
  subdirectory: { subdirectory?: string },
): Promise<Checkout> {
  const { fetchCheckout, obtainCheckout } = await import("../vcs/obtain.ts");
  const settings = context.vcs;
  let checkout: VcsCheckout;
  let commitId = "";
  let location: VcsLocation;
  try {
    location = parseVcsUrl(source.url);
    if (source.editable) {
      if (source.name === undefined) {
        throw new SourceBuildError(source.text, "an editable VCS requirement needs its name", {
          hint: "add #egg=<project name> to the URL",
        });
      }
      await Deno.mkdir(settings.srcDir, { recursive: true });
      checkout = await obtainCheckout(join(settings.srcDir, source.name), location, settings);
    } else {
      const dir = join(await context.scratch.dir("vcs"), "checkout");
      const fetched = await fetchCheckout(dir, location, settings);
      commitId = fetched.commitId;
      checkout = fetched;
    }
  } catch (error) {
    // The errors that say what was wrong with the requirement; the rest end the run as they are.
    if (
      !isDpipError(
        error,
        "invalid-vcs-url",
        "vcs-not-installed",
        "vcs-command-failed",
        "checkout-exists",
      )
    ) throw error;
    throw new SourceBuildError(source.text, (error as DpipError).message, {
      ...((error as DpipError).hint === undefined ? {} : { hint: (error as DpipError).hint }),
      cause: error,
    });
  }
  const projectDir = inner(checkout.dir);
  const url = withoutFragment(source.url);
  if (source.editable) {
    // pip records where the editable checkout is, as for any editable directory.
    return {
      projectDir,
      url,
      directUrl: { url: pathToFileURL(projectDir).href, info: { kind: "dir", editable: true } },
    };
  }
  return {
    projectDir,
    url,
    directUrl: vcsDirectUrl(location, commitId, subdirectory),
    ...(checkout.immutable ? { cacheKey: await vcsCacheKey(source) } : {}),
  };
}

/** `direct_url.json` of a VCS checkout at `commitId` (PEP 610 `vcs_info`). */
function vcsDirectUrl(
  location: VcsLocation,
  commitId: string,
  subdirectory: { subdirectory?: string },
): DirectUrl {
  return {
    url: location.url,
    info: {
      kind: "vcs",
      vcs: location.vcs,
      commitId,
      ...(location.revision === undefined ? {} : { requestedRevision: location.revision }),
    },
    ...subdirectory,
  };
}

/**
 * The wheel-cache key of a VCS requirement pinned to a commit id (pip keeps
 * such builds, since the commit cannot change): its URL (with the commit) and
 * subdirectory. Undefined for anything that could change.
 */
export async function pinnedVcsKey(source: RequirementSource): Promise<string | undefined> {
  if (source.kind !== "vcs" || source.editable || source.vcs !== "git") return undefined;
  let revision: string | undefined;
  try {
    revision = parseVcsUrl(source.url).revision;
  } catch {
    return undefined;
  }
  return revision !== undefined && looksLikeCommitId(revision)
    ? await vcsCacheKey(source)
    : undefined;
}

async function vcsCacheKey(source: RequirementSource & { kind: "vcs" }): Promise<string> {
  const { createHash } = await loadCrypto();
  const key = JSON.stringify({
    url: withoutFragment(source.url),
    subdirectory: source.subdirectory ?? null,
  });
  return createHash("sha256").update(key).digest("hex");
}

/**
 * `direct_url.json` of a build of `source` taken from the wheel cache: a VCS
 * requirement pinned to a commit (see {@link pinnedVcsKey}), recorded at
 * that commit without a checkout, as pip records it.
 */
export function pinnedVcsDirectUrl(source: RequirementSource & { kind: "vcs" }): DirectUrl {
  const location = parseVcsUrl(source.url);
  return vcsDirectUrl(
    location,
    location.revision ?? "",
    source.subdirectory === undefined ? {} : { subdirectory: source.subdirectory },
  );
}
