/**
 * Git, as pip 23.2.1's `Git` backend drives it: a partial clone
 * (`--filter=blob:none`), the revision resolved against the clone's branches
 * and tags (else fetched as a ref or commit), a branch checked out tracking
 * its remote, submodules updated.
 *
 * @module
 */

import { join } from "../paths.ts";
import {
  type BackendContext,
  localPathToUrl,
  revisionDisplay,
  type VcsBackend,
} from "./backend.ts";
import type { VcsClient } from "./vcs_command.ts";
import { looksLikeCommitId, type VcsLocation } from "./vcs_url.ts";

/** A revision resolved to a commit, and the branch it names (if it is a branch). */
interface ResolvedRevision {
  readonly commit: string;
  readonly branch?: string;
}

/** The git backend. */
export const git: VcsBackend = {
  vcs: "git",
  dirname: ".git",
  repoName: "clone",

  async fetchNew(dest, location, context) {
    const { client } = context;
    context.info(
      `Cloning ${location.url}${revisionDisplay(location)} to ${context.displayPath(dest)}`,
    );
    const partial = versionAtLeast(await gitVersion(client), [2, 17]) ? ["--filter=blob:none"] : [];
    await client.run(["clone", ...partial, "--quiet", location.url, dest]);
    let commit: string;
    if (location.revision !== undefined) {
      const resolved = await resolveRevision(dest, location, context);
      commit = resolved.commit;
      if (resolved.branch === undefined) {
        if ((await revisionAt(dest, client)) !== commit) {
          await client.run(["checkout", "-q", commit], { cwd: dest });
        }
      } else if ((await currentBranch(dest, client)) !== resolved.branch) {
        await client.run(
          ["checkout", "-b", resolved.branch, "--track", `origin/${resolved.branch}`],
          { cwd: dest },
        );
      }
    } else {
      commit = await revisionAt(dest, client);
    }
    context.info(`Resolved ${location.url} to commit ${commit}`);
    await updateSubmodules(dest, client);
  },

  async switchTo(dest, location, context) {
    const { client } = context;
    await client.run(["config", "remote.origin.url", location.url], { cwd: dest });
    await client.run(["checkout", "-q", location.revision ?? "HEAD"], { cwd: dest });
    await updateSubmodules(dest, client);
  },

  async update(dest, location, context) {
    const { client } = context;
    await client.run(["fetch", "-q", "--tags"], { cwd: dest });
    const resolved = await resolveRevision(dest, location, context);
    await client.run(["reset", "--hard", "-q", resolved.commit], { cwd: dest });
    await updateSubmodules(dest, client);
  },

  async remoteUrl(dest, { client }) {
    const output = await client.run(["config", "--get-regexp", "remote\\..*\\.url"], {
      cwd: dest,
      okCodes: [1],
    });
    const remotes = output.split("\n").filter((line) => line.trim() !== "");
    const found = remotes.find((line) => line.startsWith("remote.origin.url ")) ?? remotes[0];
    if (found === undefined) return undefined;
    return await remoteToPipUrl(found.split(" ")[1]?.trim() ?? "");
  },

  async revision(dest, { client }) {
    return await revisionAt(dest, client);
  },

  async isCommitIdEqual(dest, revision, { client }) {
    if (revision === undefined || revision === "") return false;
    return (await revisionAt(dest, client)) === revision;
  },

  async isImmutableRevCheckout(dest, location, context) {
    const revision = location.revision;
    if (revision === undefined) return false;
    if (!(await this.isCommitIdEqual(dest, revision, context))) return false;
    // A commit id that is also a branch or tag name could move: not immutable.
    return (await revisionSha(dest, revision, context.client)).commit === undefined;
  },
};

async function gitVersion(client: VcsClient): Promise<number[]> {
  const output = await client.run(["version"]);
  const match = /^git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(output.trim());
  return match === null ? [] : match.slice(1).filter((part) => part !== undefined).map(Number);
}

function versionAtLeast(version: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    const part = version[i] ?? 0;
    if (part !== minimum[i]) return part > minimum[i]!;
  }
  return true;
}

async function revisionAt(dest: string, client: VcsClient, revision = "HEAD"): Promise<string> {
  return (await client.run(["rev-parse", revision], { cwd: dest })).trim();
}

async function currentBranch(dest: string, client: VcsClient): Promise<string | undefined> {
  const ref = (await client.run(["symbolic-ref", "-q", "HEAD"], { cwd: dest, okCodes: [1] }))
    .trim();
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
}

/** The commit a remote branch or tag named `revision` points at (pip's `get_revision_sha`). */
async function revisionSha(
  dest: string,
  revision: string,
  client: VcsClient,
): Promise<{ commit?: string; isBranch: boolean }> {
  let output: string;
  try {
    output = await client.run(["show-ref", revision], { cwd: dest });
  } catch {
    output = ""; // show-ref exits 1 when nothing matches
  }
  const refs = new Map<string, string>();
  // Split on "\n" only, as pip does: other separators must not smuggle in a ref.
  for (const raw of output.trim().split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line === "") continue;
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  const branch = refs.get(`refs/remotes/origin/${revision}`);
  if (branch !== undefined) return { commit: branch, isBranch: true };
  const tag = refs.get(`refs/tags/${revision}`);
  return tag === undefined ? { isBranch: false } : { commit: tag, isBranch: false };
}

/** pip's `resolve_revision`: a branch or tag to its commit, else the revision fetched as asked. */
async function resolveRevision(
  dest: string,
  location: VcsLocation,
  context: BackendContext,
): Promise<ResolvedRevision> {
  const { client } = context;
  const revision = location.revision ?? "HEAD";
  const found = await revisionSha(dest, revision, client);
  if (found.commit !== undefined) {
    return found.isBranch ? { commit: found.commit, branch: revision } : { commit: found.commit };
  }
  if (!looksLikeCommitId(revision)) {
    context.warning(`Did not find branch or tag '${revision}', assuming revision or ref.`);
  }
  if (!(await shouldFetch(dest, revision, client))) return { commit: revision };
  await client.run(["fetch", "-q", location.url, revision], { cwd: dest });
  return { commit: await revisionAt(dest, client, "FETCH_HEAD") };
}

async function shouldFetch(dest: string, revision: string, client: VcsClient): Promise<boolean> {
  if (revision.startsWith("refs/")) return true;
  if (!looksLikeCommitId(revision)) return false;
  try {
    await client.run(["rev-parse", "-q", "--verify", `sha^${revision}`], { cwd: dest });
    return false;
  } catch {
    return true;
  }
}

async function updateSubmodules(dest: string, client: VcsClient): Promise<void> {
  try {
    await Deno.lstat(join(dest, ".gitmodules"));
  } catch {
    return;
  }
  await client.run(["submodule", "update", "--init", "--recursive", "-q"], { cwd: dest });
}

/** A git remote as a pip URL: URLs as they are, a local path as `file:`, scp-like as `ssh://`. */
export async function remoteToPipUrl(url: string): Promise<string | undefined> {
  if (/^\w+:\/\//.test(url)) return url;
  if (url.startsWith("/")) {
    try {
      await Deno.stat(url);
      return localPathToUrl(url); // a local bare remote (git clone --mirror)
    } catch {
      // Not a local path.
    }
  }
  const scp = /^(\w+@)?([^/:]+):(\w[^:]*)$/.exec(url);
  if (scp !== null) return `ssh://${scp[1] ?? ""}${scp[2]}/${scp[3]}`;
  return undefined;
}
