/**
 * The simple repository API: PEP 503 HTML pages and PEP 691 JSON pages →
 * {@link ProjectFile} lists.
 *
 * - HTML is parsed tolerantly, as real indexes write it: relative and
 *   absolute hrefs, `<base href>`, entities (named, decimal, hex, and the
 *   legacy ones without `;`), any case, attributes in any order and any
 *   quoting, comments skipped, no closing tags needed.
 * - Hash fragments (`#sha256=…`, any hashlib algorithm; `&`-separated ones too).
 * - PEP 592 yanked with reason (`data-yanked`, `yanked`), `data-requires-python`
 *   (HTML-unescaped), PEP 658/714 metadata (`data-core-metadata`, falling back
 *   to `data-dist-info-metadata`; `true` or `<alg>=<hex>`), PEP 700 `size`,
 *   `upload-time` and `versions`.
 * - A page declaring an API major version other than 1 is refused.
 *
 * The parsers are pure; {@link fetchProjectPage} is the one function with I/O.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { redactUrl } from "../net/auth.ts";
import { isSupportedHash } from "../net/hashes.ts";
import { type HttpClient, HttpStatusError, SIMPLE_ACCEPT } from "../net/http_client.ts";
import { trimEndChars } from "../trim.ts";

/** One file an index (or find-links source) offers. */
export interface ProjectFile {
  /** The file name: the last path segment of the URL, percent-decoded. */
  readonly filename: string;
  /** The absolute URL, without the hash fragment. */
  readonly url: string;
  /** Hex digests by hashlib algorithm name (lower case). */
  readonly hashes: Readonly<Record<string, string>>;
  /** The `Requires-Python` the index gives, unescaped (unparsed; may be invalid). */
  readonly requiresPython?: string;
  /** PEP 592: the file is yanked. */
  readonly yanked: boolean;
  /** The yank reason, when one was given. */
  readonly yankedReason?: string;
  /**
   * PEP 658/714: `false` when the index serves no metadata file, else the
   * metadata file's hashes (possibly empty when the index gave none).
   */
  readonly coreMetadata: false | Readonly<Record<string, string>>;
  /** PEP 700 size in bytes. */
  readonly size?: number;
  /** PEP 700 upload time (ISO 8601). */
  readonly uploadTime?: string;
  /** PEP 740: the URL of the file's provenance object (its attestations), absolute. */
  readonly provenance?: string;
}

/** PEP 792: a project's status on an index (`active` when the page gives none). */
export interface ProjectStatus {
  readonly status: "active" | "archived" | "quarantined" | "deprecated";
  /** Free text the index gives, bounded. */
  readonly reason?: string;
}

/** A parsed project page. */
export interface ProjectPage {
  /** The page's URL (after redirects), against which the file URLs were resolved. */
  readonly url: string;
  readonly files: ProjectFile[];
  /** PEP 700 `versions` (JSON pages with API version 1.1+). */
  readonly versions?: string[];
  /** The declared API version (`1.0`, `1.1`), when the page declares one. */
  readonly apiVersion?: string;
  /** PEP 792 status, when the page gives a known one. */
  readonly status?: ProjectStatus;
  /** Problems that did not stop parsing (e.g. a newer minor API version). */
  readonly warnings: string[];
}

const STATUSES = new Set<string>(["active", "archived", "quarantined", "deprecated"]);
const MAX_STATUS_REASON = 1000;

/** A PEP 792 status from untrusted text: a known status, and a bounded reason. */
export function readProjectStatus(status: unknown, reason: unknown): ProjectStatus | undefined {
  if (typeof status !== "string") return undefined;
  const normalized = status.trim().toLowerCase();
  if (!STATUSES.has(normalized)) return undefined;
  const text = typeof reason === "string" ? reason.trim().slice(0, MAX_STATUS_REASON) : "";
  return {
    status: normalized as ProjectStatus["status"],
    ...(text === "" ? {} : { reason: text }),
  };
}

/** A page that cannot be understood. */
export class IndexPageError extends DpipError {
  readonly url: string;
  constructor(url: string, problem: string, options: { cause?: unknown } = {}) {
    super("invalid-index-page", `Invalid index page ${redactUrl(url)}: ${problem}`, options);
    this.name = "IndexPageError";
    this.url = redactUrl(url);
  }
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  equals: "=",
  num: "#",
  sol: "/",
  colon: ":",
  plus: "+",
  percnt: "%",
  lowbar: "_",
  period: ".",
  commat: "@",
  quest: "?",
  excl: "!",
  comma: ",",
  semi: ";",
  tilde: "~",
  ast: "*",
  lpar: "(",
  rpar: ")",
};
/** Entities HTML accepts without a trailing `;` (the legacy ones that matter here). */
const LEGACY_ENTITIES = ["amp", "lt", "gt", "quot", "nbsp"];

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 0x20) >= 97 && (code | 0x20) <= 122);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 0x20) >= 97 && (code | 0x20) <= 102);
}

function codePointText(code: number): string {
  if (
    !Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)
  ) {
    return "\ufffd";
  }
  return String.fromCodePoint(code);
}

/** Decodes the character reference at `at` (an `&`): its text and length, or undefined. */
function entityAt(text: string, at: number): { value: string; length: number } | undefined {
  let i = at + 1;
  if (text.charCodeAt(i) === 35 /* # */) {
    i++;
    const hex = (text.charCodeAt(i) | 0x20) === 120 /* x */;
    if (hex) i++;
    const digitsStart = i;
    const digit = hex ? isHexDigit : isDigit;
    while (i < text.length && digit(text.charCodeAt(i))) i++;
    if (i === digitsStart) return undefined;
    const code = parseInt(text.slice(digitsStart, i), hex ? 16 : 10);
    if (text.charCodeAt(i) === 59 /* ; */) i++;
    return { value: codePointText(code), length: i - at };
  }
  const nameStart = i;
  if (!isAlphanumeric(text.charCodeAt(i)) || isDigit(text.charCodeAt(i))) return undefined;
  while (i < text.length && isAlphanumeric(text.charCodeAt(i))) i++;
  const name = text.slice(nameStart, i);
  if (text.charCodeAt(i) === 59) {
    const value = NAMED_ENTITIES[name];
    if (value !== undefined) return { value, length: i + 1 - at };
  }
  // Legacy entities also match without `;`, as the longest prefix of the name.
  for (const legacy of LEGACY_ENTITIES) {
    if (name.startsWith(legacy)) {
      return { value: NAMED_ENTITIES[legacy] ?? "", length: legacy.length + 1 };
    }
  }
  return undefined;
}

/**
 * Decodes HTML character references as browsers (and Python's `html.unescape`) do.
 *
 * @example
 * ```ts
 * import { unescapeHtml } from "./simple_api.ts";
 * unescapeHtml("&gt;=3.8&#44;&#x21;&lt"); // ">=3.8,!<"
 * ```
 */
export function unescapeHtml(text: string): string {
  let amp = text.indexOf("&");
  if (amp < 0) return text;
  let out = "";
  let last = 0;
  while (amp >= 0) {
    const entity = entityAt(text, amp);
    if (entity === undefined) {
      amp = text.indexOf("&", amp + 1);
      continue;
    }
    out += text.slice(last, amp) + entity.value;
    last = amp + entity.length;
    amp = text.indexOf("&", last);
  }
  return out + text.slice(last);
}

/**
 * Parses a tag's attributes from `start` (just after the tag name) to its
 * closing `>` (outside quoted values). Names are lower-cased, values
 * unescaped, and a repeated attribute keeps its last value, as pip's parser
 * does. Returns where the tag ends (the text's length when it never does).
 */
function parseTag(html: string, start: number): { attributes: Map<string, string>; end: number } {
  const attributes = new Map<string, string>();
  const length = html.length;
  let i = start;
  while (i < length) {
    let code = html.charCodeAt(i);
    // Skip whitespace and stray slashes.
    while (i < length && (code <= 32 || code === 47)) code = html.charCodeAt(++i);
    if (i >= length) break;
    if (code === 62 /* > */) return { attributes, end: i };
    const nameStart = i;
    while (i < length) {
      code = html.charCodeAt(i);
      if (code <= 32 || code === 61 || code === 47 || code === 62) break;
      i++;
    }
    const name = html.slice(nameStart, i).toLowerCase();
    while (i < length && html.charCodeAt(i) <= 32) i++;
    let value = "";
    if (html.charCodeAt(i) === 61 /* = */) {
      i++;
      while (i < length && html.charCodeAt(i) <= 32) i++;
      const quote = html.charCodeAt(i);
      if (quote === 34 || quote === 39) {
        const close = html.indexOf(quote === 34 ? '"' : "'", i + 1);
        const stop = close < 0 ? length : close;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const valueStart = i;
        while (i < length) {
          code = html.charCodeAt(i);
          if (code <= 32 || code === 62) break;
          i++;
        }
        value = html.slice(valueStart, i);
      }
    }
    if (name !== "") attributes.set(name, unescapeHtml(value));
  }
  return { attributes, end: length };
}

function isNameBoundary(code: number): boolean {
  return Number.isNaN(code) || code <= 32 || code === 62 || code === 47;
}

/** An anchor found in an HTML page: its attributes, unescaped, names lower-cased. */
export interface HtmlAnchor {
  readonly attributes: ReadonlyMap<string, string>;
}

/** The anchors, `<base href>` and `pypi:*` meta tags of an HTML page. */
export interface HtmlLinks {
  readonly anchors: HtmlAnchor[];
  readonly baseHref?: string;
  readonly repositoryVersion?: string;
  /** `pypi:project-status` and `pypi:project-status-reason` (PEP 792), as written. */
  readonly projectStatus?: string;
  readonly projectStatusReason?: string;
}

/**
 * Scans an HTML page for `<a>` tags, the first `<base href>` and the
 * `pypi:repository-version` meta tag. Linear in the page size; never throws.
 *
 * @example
 * ```ts
 * import { scanHtml } from "./simple_api.ts";
 * const { anchors } = scanHtml('<A HREF="x-1.0.tar.gz" data-yanked>x</a>');
 * anchors[0]?.attributes.get("href"); // "x-1.0.tar.gz"
 * ```
 */
export function scanHtml(html: string): HtmlLinks {
  const anchors: HtmlAnchor[] = [];
  let baseHref: string | undefined;
  let repositoryVersion: string | undefined;
  let projectStatus: string | undefined;
  let projectStatusReason: string | undefined;
  let i = html.indexOf("<");
  while (i >= 0 && i < html.length) {
    if (html.startsWith("<!--", i)) {
      const end = html.indexOf("-->", i + 4);
      if (end < 0) break;
      i = html.indexOf("<", end + 3);
      continue;
    }
    const c1 = html.charCodeAt(i + 1) | 0x20;
    let end = -1;
    if (c1 === 97 /* a */ && isNameBoundary(html.charCodeAt(i + 2))) {
      const tag = parseTag(html, i + 2);
      end = tag.end;
      anchors.push({ attributes: tag.attributes });
    } else if (
      (c1 === 98 /* b */ || c1 === 109 /* m */) &&
      (html.slice(i + 1, i + 5).toLowerCase() === "base" ||
        html.slice(i + 1, i + 5).toLowerCase() === "meta") &&
      isNameBoundary(html.charCodeAt(i + 5))
    ) {
      const tag = parseTag(html, i + 5);
      end = tag.end;
      const attributes = tag.attributes;
      if (c1 === 98 && baseHref === undefined && attributes.has("href")) {
        baseHref = attributes.get("href");
      }
      const meta = c1 === 109 ? attributes.get("name")?.toLowerCase() : undefined;
      if (meta === "pypi:repository-version") repositoryVersion = attributes.get("content");
      else if (meta === "pypi:project-status") projectStatus ??= attributes.get("content");
      else if (meta === "pypi:project-status-reason") {
        projectStatusReason ??= attributes.get("content");
      }
    }
    i = html.indexOf("<", end < 0 ? i + 1 : end + 1);
  }
  return {
    anchors,
    ...(baseHref === undefined ? {} : { baseHref }),
    ...(repositoryVersion === undefined ? {} : { repositoryVersion }),
    ...(projectStatus === undefined ? {} : { projectStatus }),
    ...(projectStatusReason === undefined ? {} : { projectStatusReason }),
  };
}

/** A PEP 740 provenance URL, resolved against the page; undefined when absent or invalid. */
function provenanceUrl(value: unknown, base: string): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === "https:" || url.protocol === "http:" || url.protocol === "file:"
      ? url.href
      : undefined;
  } catch {
    return undefined;
  }
}

/** Hex digests from a URL fragment: `sha256=…`, possibly several joined by `&`. */
function fragmentHashes(fragment: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const part of fragment.split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const algorithm = part.slice(0, eq).toLowerCase();
    const value = part.slice(eq + 1);
    if (isSupportedHash(algorithm) && /^[0-9a-fA-F]+$/.test(value)) {
      hashes[algorithm] = value.toLowerCase();
    }
  }
  return hashes;
}

/** A resolved link: the URL without its fragment, the fragment, and the file name. */
interface ResolvedLink {
  readonly url: string;
  readonly fragment: string;
  readonly filename: string;
}

/** Characters a URL path segment may hold as they are (so appending needs no escaping). */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/;

/**
 * Resolves links against one base, fast: the directory part of each href is
 * resolved once (`new URL` per distinct directory) and the file name is
 * appended, falling back to a full parse for anything unusual. Real pages
 * have thousands of links sharing one or two directories.
 */
class LinkResolver {
  readonly #base: URL;
  readonly #directories = new Map<string, string>();

  constructor(base: URL) {
    this.#base = base;
  }

  /** Resolves `href`; throws a TypeError for an invalid URL. */
  resolve(href: string): ResolvedLink {
    const hashAt = href.indexOf("#");
    const withoutFragment = hashAt < 0 ? href : href.slice(0, hashAt);
    const fragment = hashAt < 0 ? "" : href.slice(hashAt + 1);
    const slash = withoutFragment.lastIndexOf("/");
    const segment = withoutFragment.slice(slash + 1);
    if (segment !== "" && segment !== "." && segment !== ".." && PLAIN_SEGMENT.test(segment)) {
      const directoryPart = withoutFragment.slice(0, slash + 1);
      let directory = this.#directories.get(directoryPart);
      if (directory === undefined) {
        const resolved = new URL(directoryPart === "" ? "./" : directoryPart, this.#base);
        resolved.search = "";
        resolved.hash = "";
        directory = resolved.href.endsWith("/") ? resolved.href : undefined;
        if (directory !== undefined) this.#directories.set(directoryPart, directory);
      }
      if (directory !== undefined) {
        return { url: directory + segment, fragment, filename: decodeSegment(segment) };
      }
    }
    const link = new URL(href, this.#base);
    const slow = link.hash.slice(1);
    link.hash = "";
    return { url: link.href, fragment: slow, filename: filenameOfUrl(link) };
  }
}

function decodeSegment(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The file name of a URL: its last path segment, percent-decoded. */
export function filenameOfUrl(url: URL): string {
  return decodeSegment(url.pathname.slice(url.pathname.lastIndexOf("/") + 1));
}

/** Parses an HTML metadata attribute (`true`, `sha256=<hex>`); `false` for absent or `false`. */
function metadataAttribute(value: string | undefined): ProjectFile["coreMetadata"] {
  if (value === undefined) return false;
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === "false") return false;
  const eq = trimmed.indexOf("=");
  if (eq > 0) {
    const algorithm = trimmed.slice(0, eq).toLowerCase();
    const digest = trimmed.slice(eq + 1);
    if (isSupportedHash(algorithm) && /^[0-9a-fA-F]+$/.test(digest)) {
      return { [algorithm]: digest.toLowerCase() };
    }
  }
  return {};
}

function checkApiVersion(url: string, version: string | undefined, warnings: string[]): void {
  if (version === undefined) return;
  const match = /^\s*(\d+)(?:\.(\d+))?/.exec(version);
  if (match === null) {
    warnings.push(
      `${redactUrl(url)} declares an unreadable API version ${JSON.stringify(version)}`,
    );
    return;
  }
  if (match[1] !== "1") {
    throw new IndexPageError(url, `API version ${version} is not supported (dpip reads 1.x)`);
  }
  if (Number(match[2] ?? 0) > 1) {
    warnings.push(`${redactUrl(url)} uses API version ${version}, newer than the 1.1 dpip knows`);
  }
}

/**
 * Parses a PEP 503 HTML page fetched from `url`.
 *
 * @example
 * ```ts
 * import { parseHtmlPage } from "./simple_api.ts";
 * const page = parseHtmlPage(
 *   '<a href="../../f/demo-1.0.tar.gz#sha256=ab" data-requires-python="&gt;=3.8">x</a>',
 *   "https://example.com/simple/demo/",
 * );
 * page.files[0]?.url; // "https://example.com/f/demo-1.0.tar.gz"
 * page.files[0]?.requiresPython; // ">=3.8"
 * ```
 */
export function parseHtmlPage(html: string, url: string): ProjectPage {
  const { anchors, baseHref, repositoryVersion, projectStatus, projectStatusReason } = scanHtml(
    html,
  );
  const warnings: string[] = [];
  checkApiVersion(url, repositoryVersion, warnings);
  let base: URL;
  try {
    base = new URL(url);
    if (baseHref !== undefined) base = new URL(baseHref.trim(), base);
  } catch {
    base = new URL(url);
  }
  const files: ProjectFile[] = [];
  const resolver = new LinkResolver(base);
  for (const anchor of anchors) {
    const href = anchor.attributes.get("href")?.trim();
    if (href === undefined || href === "") continue;
    let link: ResolvedLink;
    try {
      link = resolver.resolve(href);
    } catch {
      warnings.push(`skipped a link with an invalid URL: ${JSON.stringify(href)}`);
      continue;
    }
    const hashes = fragmentHashes(link.fragment);
    const filename = link.filename;
    if (filename === "") continue;
    const yanked = anchor.attributes.get("data-yanked");
    const requiresPython = anchor.attributes.get("data-requires-python");
    const coreMetadata = metadataAttribute(
      anchor.attributes.get("data-core-metadata") ??
        anchor.attributes.get("data-dist-info-metadata"),
    );
    const provenance = provenanceUrl(anchor.attributes.get("data-provenance"), base.href);
    files.push({
      filename,
      url: link.url,
      hashes,
      ...(requiresPython === undefined || requiresPython.trim() === "" ? {} : { requiresPython }),
      yanked: yanked !== undefined,
      ...(yanked === undefined || yanked === "" ? {} : { yankedReason: yanked }),
      coreMetadata,
      ...(provenance === undefined ? {} : { provenance }),
    });
  }
  const status = readProjectStatus(projectStatus, projectStatusReason);
  return {
    url,
    files,
    ...(repositoryVersion === undefined ? {} : { apiVersion: repositoryVersion }),
    ...(status === undefined ? {} : { status }),
    warnings,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hashesOf(value: unknown): Record<string, string> {
  const hashes: Record<string, string> = {};
  if (!isRecord(value)) return hashes;
  for (const [algorithm, digest] of Object.entries(value)) {
    if (typeof digest === "string" && /^[0-9a-fA-F]+$/.test(digest)) {
      hashes[algorithm.toLowerCase()] = digest.toLowerCase();
    }
  }
  return hashes;
}

function jsonMetadata(value: unknown): ProjectFile["coreMetadata"] {
  if (value === true) return {};
  if (isRecord(value)) return hashesOf(value);
  return false;
}

/**
 * Parses a PEP 691 JSON project page fetched from `url`.
 *
 * @example
 * ```ts
 * import { parseJsonPage } from "./simple_api.ts";
 * const page = parseJsonPage(
 *   JSON.stringify({
 *     meta: { "api-version": "1.1" },
 *     name: "demo",
 *     versions: ["1.0"],
 *     files: [{ filename: "demo-1.0.tar.gz", url: "demo-1.0.tar.gz", hashes: {}, yanked: "broken" }],
 *   }),
 *   "https://example.com/simple/demo/",
 * );
 * page.files[0]?.yankedReason; // "broken"
 * ```
 */
export function parseJsonPage(text: string, url: string): ProjectPage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new IndexPageError(url, "the JSON does not parse", { cause: error });
  }
  if (!isRecord(data)) throw new IndexPageError(url, "the JSON is not an object");
  const warnings: string[] = [];
  const meta = data["meta"];
  const apiVersion = isRecord(meta) && typeof meta["api-version"] === "string"
    ? meta["api-version"]
    : undefined;
  checkApiVersion(url, apiVersion, warnings);
  const rawFiles = data["files"];
  if (!Array.isArray(rawFiles)) throw new IndexPageError(url, `"files" is not a list`);
  const resolver = new LinkResolver(new URL(url));
  const files: ProjectFile[] = [];
  for (const [position, raw] of rawFiles.entries()) {
    if (!isRecord(raw) || typeof raw["url"] !== "string") {
      warnings.push(`skipped files[${position}]: no "url"`);
      continue;
    }
    let link: ResolvedLink;
    try {
      link = resolver.resolve(raw["url"]);
    } catch {
      warnings.push(`skipped files[${position}]: invalid URL ${JSON.stringify(raw["url"])}`);
      continue;
    }
    const fragment = fragmentHashes(link.fragment);
    const filename = typeof raw["filename"] === "string" ? raw["filename"] : link.filename;
    const yanked = raw["yanked"];
    const requiresPython = raw["requires-python"];
    const size = raw["size"];
    const uploadTime = raw["upload-time"];
    const coreMetadata = "core-metadata" in raw
      ? jsonMetadata(raw["core-metadata"])
      : jsonMetadata(raw["dist-info-metadata"]);
    const provenance = provenanceUrl(raw["provenance"], url);
    files.push({
      filename,
      url: link.url,
      hashes: { ...fragment, ...hashesOf(raw["hashes"]) },
      ...(typeof requiresPython === "string" && requiresPython.trim() !== ""
        ? { requiresPython }
        : {}),
      yanked: yanked === true || (typeof yanked === "string"),
      ...(typeof yanked === "string" && yanked !== "" ? { yankedReason: yanked } : {}),
      coreMetadata,
      ...(typeof size === "number" && Number.isSafeInteger(size) && size >= 0 ? { size } : {}),
      ...(typeof uploadTime === "string" ? { uploadTime } : {}),
      ...(provenance === undefined ? {} : { provenance }),
    });
  }
  const versions = Array.isArray(data["versions"])
    ? data["versions"].filter((v): v is string => typeof v === "string")
    : undefined;
  const rawStatus = data["project-status"];
  const status = isRecord(rawStatus)
    ? readProjectStatus(rawStatus["status"], rawStatus["reason"])
    : undefined;
  return {
    url,
    files,
    ...(versions === undefined ? {} : { versions }),
    ...(apiVersion === undefined ? {} : { apiVersion }),
    ...(status === undefined ? {} : { status }),
    warnings,
  };
}

/** The charset of a `Content-Type` header, when TextDecoder knows it. */
function charsetOf(contentType: string): string {
  const match = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType);
  const label = match?.[1];
  if (label === undefined) return "utf-8";
  try {
    new TextDecoder(label);
    return label;
  } catch {
    return "utf-8";
  }
}

/**
 * Parses a fetched page by its `Content-Type`: PEP 691 JSON, else HTML.
 * Undecodable bytes become U+FFFD (a page with a wrong charset still parses).
 */
export function parseProjectPage(
  body: Uint8Array,
  options: { url: string; contentType: string },
): ProjectPage {
  const contentType = options.contentType.toLowerCase();
  if (contentType.startsWith("application/vnd.pypi.simple.v1+json")) {
    return parseJsonPage(new TextDecoder("utf-8").decode(body), options.url);
  }
  return parseHtmlPage(new TextDecoder(charsetOf(contentType)).decode(body), options.url);
}

/** The URL of `project`'s page under `indexUrl` (normalized name, trailing slash). */
export function projectPageUrl(indexUrl: string, project: string): string {
  return `${trimEndChars(indexUrl, "/")}/${encodeURIComponent(project)}/`;
}

/**
 * Fetches and parses `project`'s page on the index at `indexUrl` (whose URL may
 * carry credentials). `undefined` when the index does not know the project (404/410).
 */
export async function fetchProjectPage(
  client: HttpClient,
  indexUrl: string,
  project: string,
): Promise<ProjectPage | undefined> {
  const url = projectPageUrl(indexUrl, project);
  const response = await client.get(url, { accept: SIMPLE_ACCEPT });
  if (response.status === 404 || response.status === 410) return undefined;
  if (response.status < 200 || response.status >= 300) {
    throw new HttpStatusError(url, response.status, { attempts: 1 });
  }
  return parseProjectPage(response.body, { url: response.url, contentType: response.contentType });
}
