/**
 * Where an editable install's source came from, as pip 23.2.1's `freeze`
 * asks the VCS: the checkout holding the project directory (the innermost
 * directory with `.git` or `.hg`, from the project upwards; a Subversion
 * working copy only when the project directory is its root, as pip looks),
 * its remote (git's `origin`, else the first; Mercurial's `paths.default`;
 * Subversion's URL) and revision, as
 * `git+<url>@<commit>#egg=<name>[&subdirectory=<dir>]`.
 *
 * The repository is treated as hostile: git runs with no fsmonitor or hooks
 * configured by it, every command has a time limit and bounded output, and
 * a remote URL is cut to its first line and first word (as pip reads it),
 * so it cannot add lines to the output.
 *
 * @module
 */

import { dirname, join, relative } from "../paths.ts";
import { isDpipError } from "../errors.ts";
import { splitLines, stripPython } from "../dists/python_text.ts";
import { localPathToUrl } from "./backend.ts";
import { remoteToPipUrl } from "./git.ts";
import { VcsClient, VcsCommandError, type VcsCommandOptions } from "./vcs_command.ts";
import type { VcsName } from "./vcs_url.ts";
import { pathExists } from "../path_exists.ts";

/** What pip's freeze learns about an editable project directory. */
export type EditableSource =
  /** Not in a checkout. */
  | { readonly kind: "none" }
  /** `vcs+url@commit#egg=name…`. */
  | { readonly kind: "vcs"; readonly requirement: string }
  /** A checkout with no remote. */
  | { readonly kind: "no-remote"; readonly vcsLabel: string }
  /** A remote that is neither a URL nor a local path. */
  | { readonly kind: "invalid-remote"; readonly vcsLabel: string; readonly url: string }
  /** The client is not installed. */
  | { readonly kind: "no-client"; readonly vcs: VcsName }
  /** A command failed; `reason` says which and how. */
  | { readonly kind: "failed"; readonly reason: string };

/** How the VCS commands run. */
export interface EditableSourceOptions extends Omit<VcsCommandOptions, "onCommand"> {
  /** The longest one command may run (default 30 s). */
  readonly timeoutMs?: number;
}

/** What each VCS (git, hg) needs here. */
interface SourceProbe {
  readonly vcs: VcsName;
  /** pip's backend class name, in comments. */
  readonly label: string;
  /** The directory that marks a checkout. */
  readonly marker: string;
  /** Arguments before every command (settings the repository cannot override). */
  readonly leadingArgs: readonly string[];
  remote(client: VcsClient, root: string): Promise<string>;
  revision(client: VcsClient, root: string): Promise<string>;
}

/** The remote is missing. */
class NoRemote {}
/** The remote is not usable; `url` is what it says. */
class InvalidRemote {
  constructor(readonly url: string) {}
}

const GIT: SourceProbe = {
  vcs: "git",
  label: "Git",
  marker: ".git",
  leadingArgs: ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"],
  async remote(client, root) {
    const output = await client.run(
      ["config", "--get-regexp", "remote\\..*\\.url"],
      { cwd: root, okCodes: [1] },
    );
    const remotes = splitLines(output);
    const found = remotes.find((line) => line.startsWith("remote.origin.url ")) ?? remotes[0];
    if (found === undefined) throw new NoRemote();
    const url = stripPython(found.split(" ")[1] ?? "");
    const pipUrl = await remoteToPipUrl(url);
    if (pipUrl === undefined) throw new InvalidRemote(url);
    return pipUrl;
  },
  async revision(client, root) {
    return firstLine(await client.run(["rev-parse", "HEAD"], { cwd: root }));
  },
};

const MERCURIAL: SourceProbe = {
  vcs: "hg",
  label: "Mercurial",
  marker: ".hg",
  // The repository's hgrc is read (its extensions and hooks too), as when pip runs hg.
  leadingArgs: [],
  async remote(client, root) {
    const url = firstLine(
      await client.run(["showconfig", "paths.default"], { cwd: root }),
    );
    if (url.startsWith("/")) {
      try {
        await Deno.stat(url);
        return localPathToUrl(url);
      } catch {
        // Not a local path: as it is.
      }
    }
    return url;
  },
  async revision(client, root) {
    return firstLine(
      await client.run(["parents", "--template={node}"], { cwd: root }),
    );
  },
};

const SUBVERSION: SourceProbe = {
  vcs: "svn",
  label: "Subversion",
  marker: ".svn",
  leadingArgs: ["--non-interactive"],
  async remote(client, root) {
    const url = /<url>([^<\n]*)<\/url>/.exec(await svnInfo(client, root))?.[1];
    // pip reads a working copy it cannot describe as one without a remote.
    if (url === undefined) throw new NoRemote();
    return url;
  },
  async revision(client, root) {
    // The highest revision the working copy's root mentions (its own, its last commit's).
    let highest = 0;
    for (const match of (await svnInfo(client, root)).matchAll(/revision="(\d+)"/g)) {
      highest = Math.max(highest, Number(match[1]));
    }
    return String(highest);
  },
};

/** `svn info --xml` of `root`; empty when svn cannot describe it. */
async function svnInfo(client: VcsClient, root: string): Promise<string> {
  try {
    return await client.run(["info", "--xml", root], { cwd: root });
  } catch (error) {
    if (error instanceof VcsCommandError) return "";
    throw error;
  }
}

/**
 * Where the editable project in `location` came from (`name` is its
 * metadata name), as pip's freeze says it.
 */
export async function editableSource(
  location: string,
  name: string,
  options: EditableSourceOptions = {},
): Promise<EditableSource> {
  const found = await checkoutRoot(location);
  if (found === undefined) return { kind: "none" };
  const { probe, root } = found;
  const client = new VcsClient(probe.vcs, {
    ...options,
    timeoutMs: options.timeoutMs ?? 30_000,
    leadingArgs: probe.leadingArgs,
  });
  try {
    const url = await probe.remote(client, root);
    const prefixed = url.toLowerCase().startsWith(`${probe.vcs}:`) ? url : `${probe.vcs}+${url}`;
    const revision = await probe.revision(client, root);
    const subdirectory = await projectSubdirectory(location, root);
    const egg = name.replaceAll("-", "_");
    return {
      kind: "vcs",
      requirement: `${prefixed}@${revision}#egg=${egg}${
        subdirectory === undefined ? "" : `&subdirectory=${subdirectory}`
      }`,
    };
  } catch (error) {
    if (error instanceof NoRemote) return { kind: "no-remote", vcsLabel: probe.label };
    if (error instanceof InvalidRemote) {
      return { kind: "invalid-remote", vcsLabel: probe.label, url: error.url };
    }
    if (isDpipError(error, "vcs-not-installed")) return { kind: "no-client", vcs: probe.vcs };
    if (error instanceof VcsCommandError) {
      // As pip says it: the command without the settings put before it, and its status.
      const leading = probe.leadingArgs.length === 0 ? "" : ` ${probe.leadingArgs.join(" ")}`;
      const command = error.command.replace(leading, "");
      return {
        kind: "failed",
        reason: error.exitCode === undefined
          ? error.message
          : `${command} exited with ${error.exitCode}`,
      };
    }
    throw error;
  }
}

/**
 * The innermost checkout holding `location`: the first directory upwards
 * with `.git` or `.hg` (or `.svn`, in `location` itself).
 */
async function checkoutRoot(
  location: string,
): Promise<{ probe: SourceProbe; root: string } | undefined> {
  for (let dir = location;; dir = dirname(dir)) {
    // A Subversion working copy (1.7+) has `.svn` at its root only: pip looks in the project.
    const probes = dir === location ? [GIT, MERCURIAL, SUBVERSION] : [GIT, MERCURIAL];
    for (const probe of probes) {
      if (await pathExists(join(dir, probe.marker))) return { probe, root: dir };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The project's directory relative to the checkout's root (the nearest
 * directory upwards from `location` with `pyproject.toml` or `setup.py`);
 * undefined when it is the root.
 */
async function projectSubdirectory(location: string, root: string): Promise<string | undefined> {
  for (let dir = location;; dir = dirname(dir)) {
    if (await pathExists(join(dir, "pyproject.toml")) || await pathExists(join(dir, "setup.py"))) {
      return dir === root ? undefined : relative(root, dir);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function firstLine(text: string): string {
  return stripPython(splitLines(text)[0] ?? "");
}
