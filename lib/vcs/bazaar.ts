/**
 * Bazaar (or Breezy, whose `bzr` command Debian installs), as pip 23.2.1's
 * `Bazaar` backend drives it: a lightweight `bzr checkout`; the recorded
 * revision is the working tree's `bzr revno --tree` (pip records the branch
 * head's, which is not what a checkout of an older revision holds).
 *
 * @module
 */

import { localPathToUrl, revisionDisplay, type VcsBackend } from "./backend.ts";
import type { VcsLocation } from "./vcs_url.ts";

function revisionArgs(location: VcsLocation): string[] {
  return location.revision === undefined ? [] : ["-r", location.revision];
}

/** The Bazaar backend. */
export const bazaar: VcsBackend = {
  vcs: "bzr",
  dirname: ".bzr",
  repoName: "branch",

  async fetchNew(dest, location, context) {
    context.info(
      `Checking out ${location.url}${revisionDisplay(location)} to ${context.displayPath(dest)}`,
    );
    await context.client.run([
      "checkout",
      "--lightweight",
      "--quiet",
      ...revisionArgs(location),
      location.url,
      dest,
    ]);
  },

  async switchTo(dest, location, { client }) {
    await client.run(["switch", location.url], { cwd: dest });
  },

  async update(dest, location, { client }) {
    const output = await client.run(["info"], { cwd: dest });
    if (output.startsWith("Standalone ")) {
      // A standalone branch (older pips made them) becomes a checkout of the URL.
      await client.run(["bind", "-q", location.url], { cwd: dest });
    }
    await client.run(["update", "-q", ...revisionArgs(location)], { cwd: dest });
  },

  async remoteUrl(dest, { client }) {
    for (const raw of (await client.run(["info"], { cwd: dest })).split("\n")) {
      const line = raw.trim();
      for (const label of ["checkout of branch: ", "parent branch: "]) {
        if (line.startsWith(label)) return localPathToUrl(line.slice(label.length));
      }
    }
    return undefined;
  },

  async revision(dest, { client }) {
    // The working tree's revision: pip's plain `bzr revno` gives the branch's head, so a
    // checkout of an older revision is recorded as the head (a deliberate difference).
    return (await client.run(["revno", "--tree"], { cwd: dest })).trim().split("\n").at(-1) ?? "";
  },

  isCommitIdEqual() {
    return Promise.resolve(false);
  },

  isImmutableRevCheckout() {
    return Promise.resolve(false);
  },
};
