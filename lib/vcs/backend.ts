/**
 * What each version control system does for pip: fetch a new checkout at a
 * revision, update or switch one that exists, and say where a checkout came
 * from and which revision it is at. One implementation per VCS
 * (`git.ts`, `mercurial.ts`, `subversion.ts`, `bazaar.ts`), each doing what
 * pip 23.2.1's backend of that name does, command for command.
 *
 * @module
 */

import type { VcsClient } from "./vcs_command.ts";
import type { VcsLocation, VcsName } from "./vcs_url.ts";

/** What a backend works with. */
export interface BackendContext {
  /** Runs the VCS client. */
  readonly client: VcsClient;
  /** A progress line (pip's `Cloning … to …`). */
  readonly info: (text: string) => void;
  /** A warning line. */
  readonly warning: (text: string) => void;
  /** A path as messages show it (pip's `display_path`: `./x` under the working directory). */
  readonly displayPath: (path: string) => string;
}

/** One version control system. */
export interface VcsBackend {
  readonly vcs: VcsName;
  /** The directory that marks a checkout (`.git`). */
  readonly dirname: string;
  /** What a checkout is called (`clone`, `checkout`, `branch`). */
  readonly repoName: string;
  /** Makes a new checkout of `location` at `dest` (which must not exist). */
  fetchNew(dest: string, location: VcsLocation, context: BackendContext): Promise<void>;
  /** Points the checkout at `dest` to `location` (another URL) and checks out its revision. */
  switchTo(dest: string, location: VcsLocation, context: BackendContext): Promise<void>;
  /** Brings the checkout at `dest` (of the same URL) to `location`'s revision. */
  update(dest: string, location: VcsLocation, context: BackendContext): Promise<void>;
  /** The URL the checkout at `dest` came from, as a pip URL; undefined when it has none. */
  remoteUrl(dest: string, context: BackendContext): Promise<string | undefined>;
  /** The revision checked out at `dest`, as pip records it (`commit_id`). */
  revision(dest: string, context: BackendContext): Promise<string>;
  /** Whether `dest` is at exactly `revision` (false when it cannot tell). */
  isCommitIdEqual(
    dest: string,
    revision: string | undefined,
    context: BackendContext,
  ): Promise<boolean>;
  /**
   * Whether `location` names a revision that can never change (a commit id,
   * not a branch or tag) and `dest` is at it: what a wheel cache may keep.
   */
  isImmutableRevCheckout(
    dest: string,
    location: VcsLocation,
    context: BackendContext,
  ): Promise<boolean>;
}

/** pip's ` (to revision v1)`, or nothing. */
export function revisionDisplay(location: VcsLocation): string {
  return location.revision === undefined ? "" : ` (to revision ${location.revision})`;
}

/** A local path (`/x`) as a `file:` URL, other URLs as they are (pip's remote URL handling). */
export function localPathToUrl(url: string): string {
  if (!url.startsWith("/")) return url;
  // Python's quote(): everything but letters, digits, "_.-~" and "/" percent-encoded.
  const bytes = new TextEncoder().encode(url);
  let path = "";
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    path += /[A-Za-z0-9_.~/-]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return `file://${path}`;
}
