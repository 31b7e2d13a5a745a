/**
 * VCS requirement URLs (`git+https://host/repo.git@v1.0#egg=name`) split the
 * way pip's `VersionControl.get_url_rev_and_auth` splits them: the URL the
 * client is given (without the `vcs+` prefix, the `@revision` and the
 * fragment), the revision, and for Subversion the credentials, which go to
 * `svn` as `--username`/`--password` instead of in the URL.
 *
 * Pure: no I/O.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** The version control systems pip supports. */
export type VcsName = "git" | "hg" | "svn" | "bzr";

/** The URL schemes each VCS accepts after `vcs+` (pip's `schemes`). */
export const VCS_SCHEMES: Readonly<Record<VcsName, readonly string[]>> = {
  git: ["http", "https", "ssh", "git", "file"],
  hg: ["file", "http", "https", "ssh", "static-http"],
  svn: ["ssh", "http", "https", "svn", "file"],
  bzr: ["http", "https", "ssh", "sftp", "ftp", "lp", "file"],
};

/** Where a VCS requirement's sources are, and which revision. */
export interface VcsLocation {
  readonly vcs: VcsName;
  /** The repository URL as the client is given it. */
  readonly url: string;
  /** The revision after `@` (a branch, tag, commit or revision number). */
  readonly revision?: string;
  /** Subversion's `--username` (from the URL's user info). */
  readonly username?: string;
  /** Subversion's `--password` (from the URL's user info). */
  readonly password?: string;
}

/** A VCS URL that cannot be used, naming it. */
export class InvalidVcsUrlError extends DpipError<"invalid-vcs-url"> {
  /** The URL as given. */
  readonly url: string;
  /** `url` as given; `reason` says what is wrong with it. */
  constructor(url: string, reason: string, hint?: string) {
    super("invalid-vcs-url", `Invalid VCS URL ${JSON.stringify(url)}: ${reason}`, {
      ...(hint === undefined ? {} : { hint }),
    });
    this.name = "InvalidVcsUrlError";
    this.url = url;
  }
}

/** Schemes written with `//` when their netloc is empty (Python's `uses_netloc`). */
const USES_NETLOC = new Set([
  "file",
  "http",
  "https",
  "ftp",
  "sftp",
  "ssh",
  "git",
  "hg",
  "svn",
  "bzr",
]);

/** A full 40-digit hexadecimal commit id (git's SHA-1 object names). */
export function looksLikeCommitId(revision: string): boolean {
  return /^[0-9a-fA-F]{40}$/.test(revision);
}

/**
 * Splits a `vcs+scheme://…[@revision][#fragment]` URL.
 *
 * @throws {InvalidVcsUrlError} for a URL without `vcs+`, a scheme the VCS does
 * not take, or an empty revision after `@`.
 * @example
 * ```ts
 * import { parseVcsUrl } from "./vcs_url.ts";
 * const location = parseVcsUrl("git+https://example.org/repo.git@v1.0#egg=pkg");
 * location.url; // "https://example.org/repo.git"
 * location.revision; // "v1.0"
 * ```
 */
export function parseVcsUrl(url: string): VcsLocation {
  const hash = url.indexOf("#");
  let text = hash < 0 ? url : url.slice(0, hash);
  const vcs = /^(git|hg|svn|bzr)\+/i.exec(text)?.[1]?.toLowerCase() as VcsName | undefined;
  if (vcs === undefined) {
    throw new InvalidVcsUrlError(
      url,
      "it does not start with git+, hg+, svn+ or bzr+",
      "write it as <vcs>+<protocol>://<url>, e.g. git+https://host/repo.git",
    );
  }
  // git's scp-like stub (git+git@host:path) is parsed as ssh, then written back without it.
  const stub = vcs === "git" && !text.includes("://");
  if (stub) text = text.replace(/^git\+/i, "git+ssh://");
  const colon = text.indexOf(":");
  const scheme = text.slice(vcs.length + 1, colon).toLowerCase();
  if (colon < 0 || !VCS_SCHEMES[vcs].includes(scheme)) {
    throw new InvalidVcsUrlError(
      url,
      `${vcs} does not take ${colon < 0 ? "a URL without a scheme" : `${scheme}: URLs`}`,
      `use one of ${VCS_SCHEMES[vcs].map((s) => `${vcs}+${s}://`).join(", ")}`,
    );
  }
  let rest = text.slice(colon + 1);
  let netloc: string | undefined;
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end < 0 ? "" : rest.slice(end + 2);
  }
  const questionMark = rest.indexOf("?");
  let path = questionMark < 0 ? rest : rest.slice(0, questionMark);
  const query = questionMark < 0 ? "" : rest.slice(questionMark);
  if (vcs === "git" && scheme === "file") path = safeDecode(path);
  let revision: string | undefined;
  const at = path.lastIndexOf("@");
  if (at >= 0) {
    revision = path.slice(at + 1);
    path = path.slice(0, at);
    if (revision === "") {
      throw new InvalidVcsUrlError(
        url,
        "it has an empty revision (after @), which is not supported",
        "include a revision after @ or remove @ from the URL",
      );
    }
  }
  let credentials: { username?: string; password?: string } = {};
  if (vcs === "svn" && scheme !== "ssh" && netloc !== undefined && netloc.includes("@")) {
    const split = netloc.lastIndexOf("@");
    const auth = netloc.slice(0, split);
    netloc = netloc.slice(split + 1);
    const colonAt = auth.indexOf(":");
    credentials = colonAt < 0 ? { username: safeDecode(auth) } : {
      username: safeDecode(auth.slice(0, colonAt)),
      password: safeDecode(auth.slice(colonAt + 1)),
    };
  }
  const slash = path === "" || path.startsWith("/") ? path : `/${path}`;
  let clientUrl = netloc !== undefined && netloc !== "" || USES_NETLOC.has(scheme)
    ? `${scheme}://${netloc ?? ""}${slash}${query}`
    : `${scheme}:${path}${query}`;
  if (stub) clientUrl = clientUrl.replaceAll("ssh://", "");
  if ((vcs === "svn" || vcs === "bzr") && clientUrl.startsWith("ssh://")) {
    clientUrl = `${vcs}+${clientUrl}`;
  }
  return {
    vcs,
    url: clientUrl,
    ...(revision === undefined ? {} : { revision }),
    ...(credentials.username === undefined || credentials.username === ""
      ? {}
      : { username: credentials.username }),
    ...(credentials.password === undefined ? {} : { password: credentials.password }),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
