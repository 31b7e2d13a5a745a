/**
 * Requirements that need a build before they can be installed: project
 * directories (also editable), source archives (local files and URLs) and
 * git checkouts. This module fetches and unpacks them into a project
 * directory and says what `direct_url.json` (PEP 610) records; the run's
 * {@link BuildDispatch} (in `build_dispatch.ts`) builds them.
 *
 * @module
 */

import { join } from "../paths.ts";
import type { BuildId } from "../build/mod.ts";
import type { DirectUrl } from "../dists/direct_url.ts";
import { SDIST_EXTENSIONS, tryParseSdistFilenameForProject } from "../dists/sdist_filename.ts";
import { DpipError } from "../errors.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { digestChecks, hashFile } from "../net/hashes.ts";
import { canonicalVersionText } from "../pep440/mod.ts";
import type { RequirementSource } from "../requirements/source.ts";
import type { WheelDownloader } from "../installer/prepare.ts";
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
  /** The reference URL (no fragment): `name @ url` in the resolution. */
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
}

/** A source fetched and unpacked: the project to build and where it came from. */
export interface Checkout {
  readonly projectDir: string;
  /** The reference URL (no fragment). */
  readonly url: string;
  readonly directUrl: DirectUrl;
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
  return named === undefined ? { key: url, label: source.text } : named;
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
      return await gitCheckout(source, context, inner, subdirectory);
    case "registry":
      throw new SourceBuildError(source.text, "it names a project on an index, not a source");
  }
}

/** Splits `git+https://host/repo.git@v1.0` into the clone URL and the revision. */
function splitVcsUrl(url: string): { cloneUrl: string; revision?: string } {
  const bare = withoutFragment(url).replace(/^[a-z]+\+/, "");
  const schemeEnd = bare.indexOf("://");
  const pathStart = schemeEnd < 0 ? 0 : bare.indexOf("/", schemeEnd + 3);
  const at = bare.lastIndexOf("@");
  if (pathStart < 0 || at <= pathStart) return { cloneUrl: bare };
  return { cloneUrl: bare.slice(0, at), revision: bare.slice(at + 1) };
}

async function git(args: string[], source: RequirementSource, cwd?: string): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("git", {
      args,
      ...(cwd === undefined ? {} : { cwd }),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { GIT_TERMINAL_PROMPT: "0" },
    }).output();
  } catch (error) {
    throw new SourceBuildError(source.text, "git is not installed or cannot run", {
      hint: "install git, or give a source archive or directory instead",
      cause: error,
    });
  }
  if (!output.success) {
    const message = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1) ?? "";
    throw new SourceBuildError(source.text, `git ${args[0]} failed: ${message}`);
  }
  return new TextDecoder().decode(output.stdout).trim();
}

async function gitCheckout(
  source: RequirementSource & { kind: "vcs" },
  context: CheckoutContext,
  inner: (root: string) => string,
  subdirectory: { subdirectory?: string },
): Promise<Checkout> {
  if (source.vcs !== "git") {
    throw new SourceBuildError(source.text, `${source.vcs} checkouts are not supported`, {
      hint: "use a git URL, a source archive or a directory",
    });
  }
  if (source.editable) {
    throw new SourceBuildError(
      source.text,
      "editable installs from version control are not supported",
      {
        hint: "clone it yourself and install the directory with -e",
      },
    );
  }
  const { cloneUrl, revision } = splitVcsUrl(source.url);
  const dir = await context.scratch.dir("git");
  await git(["clone", "--quiet", cloneUrl, dir], source);
  if (revision !== undefined) await git(["checkout", "--quiet", revision], source, dir);
  const commitId = await git(["rev-parse", "HEAD"], source, dir);
  return {
    projectDir: inner(dir),
    url: withoutFragment(source.url),
    directUrl: {
      url: cloneUrl,
      info: {
        kind: "vcs",
        vcs: "git",
        commitId,
        ...(revision === undefined ? {} : { requestedRevision: revision }),
      },
      ...subdirectory,
    },
  };
}
