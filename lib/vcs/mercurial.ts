/**
 * Mercurial, as pip 23.2.1's `Mercurial` backend drives it: `hg clone
 * --noupdate`, then `hg update` to the revision; the recorded revision is
 * the working directory's local revision number (`hg parents
 * --template={rev}`), as pip records it.
 *
 * @module
 */

import { join } from "../paths.ts";
import { localPathToUrl, revisionDisplay, type VcsBackend } from "./backend.ts";
import type { VcsLocation } from "./vcs_url.ts";

function revisionArgs(location: VcsLocation): string[] {
  return location.revision === undefined ? [] : ["-r", location.revision];
}

/** The Mercurial backend. */
export const mercurial: VcsBackend = {
  vcs: "hg",
  dirname: ".hg",
  repoName: "clone",

  async fetchNew(dest, location, context) {
    context.info(
      `Cloning hg ${location.url}${revisionDisplay(location)} to ${context.displayPath(dest)}`,
    );
    await context.client.run(["clone", "--noupdate", "--quiet", location.url, dest]);
    await context.client.run(["update", "--quiet", ...revisionArgs(location)], { cwd: dest });
  },

  async switchTo(dest, location, context) {
    const config = join(dest, ".hg", "hgrc");
    let text: string;
    try {
      text = await Deno.readTextFile(config);
    } catch (error) {
      context.warning(`Could not switch Mercurial repository to ${location.url}: ${error}`);
      return;
    }
    const switched = withDefaultPath(text, location.url);
    if (switched === undefined) {
      context.warning(
        `Could not switch Mercurial repository to ${location.url}: No section: 'paths'`,
      );
      return;
    }
    await Deno.writeTextFile(config, switched);
    await context.client.run(["update", "-q", ...revisionArgs(location)], { cwd: dest });
  },

  async update(dest, location, { client }) {
    await client.run(["pull", "-q"], { cwd: dest });
    await client.run(["update", "-q", ...revisionArgs(location)], { cwd: dest });
  },

  async remoteUrl(dest, { client }) {
    const url = (await client.run(["showconfig", "paths.default"], { cwd: dest, okCodes: [1] }))
      .trim();
    return url === "" ? undefined : localPathToUrl(url);
  },

  async revision(dest, { client }) {
    return (await client.run(["parents", "--template={rev}"], { cwd: dest })).trim();
  },

  isCommitIdEqual() {
    return Promise.resolve(false);
  },

  isImmutableRevCheckout() {
    return Promise.resolve(false);
  },
};

/** `hgrc` with `[paths] default` set to `url`; undefined when it has no `[paths]` section. */
function withDefaultPath(text: string, url: string): string | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.trim() === "[paths]");
  if (start < 0) return undefined;
  let end = lines.findIndex((line, i) => i > start && /^\s*\[/.test(line));
  if (end < 0) end = lines.length;
  const at = lines.findIndex((line, i) => i > start && i < end && /^default\s*[=:]/.test(line));
  if (at >= 0) lines[at] = `default = ${url}`;
  else lines.splice(start + 1, 0, `default = ${url}`);
  return lines.join("\n");
}
