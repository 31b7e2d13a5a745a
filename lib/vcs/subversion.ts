/**
 * Subversion, as pip 23.2.1's `Subversion` backend drives it: `svn checkout`
 * with the revision as `-r` and the URL's credentials as
 * `--username`/`--password`, never interactive; the recorded revision is the
 * highest revision `svn info` reports for the checkout.
 *
 * @module
 */

import { localPathToUrl, revisionDisplay, type VcsBackend } from "./backend.ts";
import type { VcsClient } from "./vcs_command.ts";
import type { VcsLocation } from "./vcs_url.ts";

/** `-r REV` and the credentials, as pip's `RevOptions.to_args()` gives them. */
function revisionArgs(location: VcsLocation): string[] {
  return [
    ...(location.revision === undefined ? [] : ["-r", location.revision]),
    ...(location.username === undefined ? [] : ["--username", location.username]),
    ...(location.password === undefined ? [] : ["--password", location.password]),
  ];
}

function hidden(location: VcsLocation): string[] {
  return location.password === undefined ? [] : [location.password];
}

/** `svn info --xml` of a checkout. */
async function info(dest: string, client: VcsClient): Promise<string> {
  return await client.run(["info", "--xml", dest]);
}

/** The Subversion backend. */
export const subversion: VcsBackend = {
  vcs: "svn",
  dirname: ".svn",
  repoName: "checkout",

  async fetchNew(dest, location, context) {
    context.info(
      `Checking out ${location.url}${revisionDisplay(location)} to ${context.displayPath(dest)}`,
    );
    await context.client.run(
      ["checkout", "--quiet", "--non-interactive", ...revisionArgs(location), location.url, dest],
      { hidden: hidden(location) },
    );
  },

  async switchTo(dest, location, { client }) {
    await client.run(
      ["switch", "--non-interactive", ...revisionArgs(location), location.url, dest],
      { hidden: hidden(location) },
    );
  },

  async update(dest, location, { client }) {
    await client.run(["update", "--non-interactive", ...revisionArgs(location), dest], {
      hidden: hidden(location),
    });
  },

  async remoteUrl(dest, { client }) {
    const url = /<url>(.*)<\/url>/.exec(await info(dest, client))?.[1];
    return url === undefined ? undefined : localPathToUrl(unescapeXml(url));
  },

  async revision(dest, { client }) {
    let highest = 0;
    for (const match of (await info(dest, client)).matchAll(/\srevision="(\d+)"/g)) {
      highest = Math.max(highest, Number(match[1]));
    }
    return String(highest);
  },

  isCommitIdEqual() {
    return Promise.resolve(false);
  },

  isImmutableRevCheckout() {
    return Promise.resolve(false);
  },
};

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}
