/**
 * POSIX path and `file:` URL helpers with the semantics of Node's `node:path`
 * (posix) and `node:url`, written without importing any `node:` module.
 *
 * The first `node:` import boots Deno's Node compatibility layer (~12 ms), which
 * commands like `list` and `freeze` cannot afford. Everything here is pure
 * string work except {@link resolve} (and {@link relative} and
 * {@link pathToFileURL}, which resolve), which reads `Deno.cwd()` when no
 * absolute segment is given.
 *
 * @module
 */

import { DpipError } from "./errors.ts";

/** The path segment separator. */
export const sep = "/";

/** The separator between entries of `PATH`-like variables. */
export const delimiter = ":";

/** A `file:` URL that names no local path: another scheme, a host, or an encoded `/`. */
export class FileUrlError extends DpipError {
  /** The URL as given. */
  readonly url: string;

  constructor(url: string, problem: string) {
    super("invalid-file-url", `Invalid file URL "${url}": ${problem}`);
    this.name = "FileUrlError";
    this.url = url;
  }
}

/** What {@link foldSegments} would change: `//`, or a `.` or `..` segment. Paths without are normal already. */
const NEEDS_FOLDING = /\/\/|(?:^|\/)\.\.?(?:\/|$)/;

/**
 * Drops empty and `.` segments and folds `..` into its parent. A `..` with no
 * parent is kept when `aboveRoot` is true (relative paths), dropped otherwise.
 */
function foldSegments(path: string, aboveRoot: boolean): string {
  const kept: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") kept.push(segment);
    else if (kept.length > 0 && kept[kept.length - 1] !== "..") kept.pop();
    else if (aboveRoot) kept.push("..");
  }
  return kept.join("/");
}

/**
 * Whether `path` starts at the root.
 *
 * @example
 * ```ts
 * import { isAbsolute } from "./paths.ts";
 * isAbsolute("/usr/lib"); // true
 * isAbsolute("lib/"); // false
 * ```
 */
export function isAbsolute(path: string): boolean {
  return path.startsWith("/");
}

/**
 * Folds `.`, `..` and repeated slashes; keeps one trailing slash if there was
 * one. The empty path becomes `.`.
 *
 * @example
 * ```ts
 * import { normalize } from "./paths.ts";
 * normalize("/a//b/../c/."); // "/a/c"
 * normalize("../a/./b/"); // "../a/b/"
 * normalize(""); // "."
 * ```
 */
export function normalize(path: string): string {
  if (path === "") return ".";
  if (!NEEDS_FOLDING.test(path)) return path;
  const absolute = isAbsolute(path);
  const trailing = path.endsWith("/");
  const folded = foldSegments(path, !absolute);
  if (folded === "") return absolute ? "/" : trailing ? "./" : ".";
  return (absolute ? "/" : "") + folded + (trailing ? "/" : "");
}

/**
 * Joins the non-empty segments with `/` and normalizes the result.
 *
 * @example
 * ```ts
 * import { join } from "./paths.ts";
 * join("/venv", "lib", "../bin/"); // "/venv/bin/"
 * join(); // "."
 * ```
 */
export function join(...segments: string[]): string {
  const joined = segments.filter((segment) => segment !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

/**
 * The absolute, normalized path that the segments name, read right to left
 * up to the first absolute one; `Deno.cwd()` is prepended only when none is
 * absolute. No trailing slash, except for the root.
 *
 * @example
 * ```ts
 * import { resolve } from "./paths.ts";
 * resolve("/srv", "a", "../b/"); // "/srv/b"
 * resolve("/srv", "/etc", "pip.conf"); // "/etc/pip.conf"
 * ```
 */
export function resolve(...segments: string[]): string {
  let joined = "";
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] ?? "";
    if (segment === "") continue;
    joined = joined === "" ? segment : `${segment}/${joined}`;
    if (isAbsolute(segment)) {
      if (NEEDS_FOLDING.test(joined)) return `/${foldSegments(joined, false)}`;
      return joined.length > 1 && joined.endsWith("/") ? joined.slice(0, -1) : joined;
    }
  }
  return `/${foldSegments(`${Deno.cwd()}/${joined}`, false)}`;
}

/**
 * The path without its last segment (trailing slashes ignored); `.` when
 * there is none, `/` for the root.
 *
 * @example
 * ```ts
 * import { dirname } from "./paths.ts";
 * dirname("/a/b/"); // "/a"
 * dirname("file.txt"); // "."
 * ```
 */
export function dirname(path: string): string {
  if (path === "") return ".";
  const rooted = isAbsolute(path);
  let i = path.length - 1;
  while (i >= 1 && path[i] === "/") i--;
  while (i >= 1 && path[i] !== "/") i--;
  if (i < 1) return rooted ? "/" : ".";
  if (rooted && i === 1) return "//";
  return path.slice(0, i);
}

/** Start and end of the last segment of `path`, trailing slashes excluded. */
function lastSegment(path: string): { start: number; end: number } {
  let end = path.length;
  while (end > 0 && path[end - 1] === "/") end--;
  const start = path.lastIndexOf("/", end - 1) + 1;
  return { start, end };
}

/**
 * The last segment of `path`, trailing slashes ignored, without `suffix`
 * when it ends with it (and is longer). As in Node, a path equal to `suffix`
 * gives `""`, and when the segment is only the end of `suffix` (or the path
 * is all slashes), the path is returned from the segment on, slashes kept.
 *
 * @example
 * ```ts
 * import { basename } from "./paths.ts";
 * basename("/site-packages/six.py"); // "six.py"
 * basename("/site-packages/six.py", ".py"); // "six"
 * basename("/dist-info/"); // "dist-info"
 * ```
 */
export function basename(path: string, suffix?: string): string {
  const { start, end } = lastSegment(path);
  const base = path.slice(start, end);
  if (suffix === undefined || suffix === "" || suffix.length > path.length) return base;
  if (suffix === path) return "";
  if (base === "") return path;
  if (base.endsWith(suffix)) return base === suffix ? base : base.slice(0, -suffix.length);
  return suffix.endsWith(base) ? path.slice(start) : base;
}

/**
 * The extension of the last segment, from its last `.`; `""` when there is
 * no dot, the dot starts the name (`.bashrc`), or the name is `..`.
 *
 * @example
 * ```ts
 * import { extname } from "./paths.ts";
 * extname("pkg-1.0.tar.gz"); // ".gz"
 * extname(".bashrc"); // ""
 * ```
 */
export function extname(path: string): string {
  const { start, end } = lastSegment(path);
  const base = path.slice(start, end);
  const dot = base.lastIndexOf(".");
  return dot <= 0 || base === ".." ? "" : base.slice(dot);
}

/**
 * The relative path from `from` to `to`, both resolved first; `""` when they
 * are the same.
 *
 * @example
 * ```ts
 * import { relative } from "./paths.ts";
 * relative("/venv/lib/site-packages", "/venv/bin/pip"); // "../../bin/pip"
 * ```
 */
export function relative(from: string, to: string): string {
  if (from === to) return "";
  const fromPath = resolve(from);
  const toPath = resolve(to);
  // The common case (a path below a directory) without splitting.
  if (fromPath !== "/" && toPath.startsWith(fromPath) && toPath[fromPath.length] === "/") {
    return toPath.slice(fromPath.length + 1);
  }
  const fromParts = fromPath.split("/").filter((part) => part !== "");
  const toParts = toPath.split("/").filter((part) => part !== "");
  let common = 0;
  while (
    common < fromParts.length && common < toParts.length &&
    fromParts[common] === toParts[common]
  ) common++;
  const ups = fromParts.slice(common).map(() => "..");
  return [...ups, ...toParts.slice(common)].join("/");
}

/**
 * Characters the URL parser would drop or misread in a path, plus those Node
 * also encodes, in the order they must be replaced (`%` first).
 */
const FILE_URL_ESCAPES: readonly [string, string][] = [
  ["%", "%25"],
  ["\\", "%5C"],
  ["\n", "%0A"],
  ["\r", "%0D"],
  ["\t", "%09"],
  ["[", "%5B"],
  ["]", "%5D"],
  ["^", "%5E"],
  ["|", "%7C"],
  ["~", "%7E"],
];

/**
 * The `file:` URL of `path`, resolved against the working directory; a
 * trailing slash is kept. `%`, `#`, `?`, backslashes, tabs and newlines are
 * percent-encoded, so {@link fileURLToPath} gives the resolved path back.
 *
 * @example
 * ```ts
 * import { pathToFileURL } from "./paths.ts";
 * pathToFileURL("/tmp/a b#1.whl").href; // "file:///tmp/a%20b%231.whl"
 * ```
 */
export function pathToFileURL(path: string): URL {
  let resolved = resolve(path);
  if (path.endsWith("/") && !resolved.endsWith("/")) resolved += "/";
  for (const [char, escaped] of FILE_URL_ESCAPES) resolved = resolved.replaceAll(char, escaped);
  const url = new URL("file:///");
  url.pathname = resolved;
  return url;
}

/**
 * The local path a `file:` URL names, percent-decoded. `file://localhost/`
 * counts as local; any other host, another scheme, an encoded `/` or a
 * malformed escape throws {@link FileUrlError}.
 *
 * @example
 * ```ts
 * import { fileURLToPath } from "./paths.ts";
 * fileURLToPath("file:///tmp/a%20b%231.whl"); // "/tmp/a b#1.whl"
 * fileURLToPath("file://localhost/etc/pip.conf"); // "/etc/pip.conf"
 * ```
 */
export function fileURLToPath(url: string | URL): string {
  const text = typeof url === "string" ? url : url.href;
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    throw new FileUrlError(text, "not a URL");
  }
  if (parsed.protocol !== "file:") throw new FileUrlError(text, "the scheme must be file");
  if (parsed.hostname !== "") throw new FileUrlError(text, 'the host must be "localhost" or empty');
  if (/%2f/i.test(parsed.pathname)) {
    throw new FileUrlError(text, "the path must not include an encoded /");
  }
  try {
    return decodeURIComponent(parsed.pathname);
  } catch {
    throw new FileUrlError(text, "the path has a malformed percent-encoding");
  }
}
