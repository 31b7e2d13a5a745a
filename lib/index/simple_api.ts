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
  /** Problems that did not stop parsing (e.g. a newer minor API version). */
  readonly warnings: string[];
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
const LEGACY_ENTITIES = new Set(["amp", "lt", "gt", "quot", "nbsp"]);
const ENTITY_RE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[a-zA-Z][a-zA-Z0-9]*;?)/g;

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
  if (!text.includes("&")) return text;
  return text.replace(ENTITY_RE, (match, body: string) => {
    if (body.startsWith("#")) {
      const hex = body[1] === "x" || body[1] === "X";
      const digits = body.slice(hex ? 2 : 1).replace(/;$/, "");
      const code = parseInt(digits, hex ? 16 : 10);
      if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return "\ufffd";
      }
      return code === 0 ? "\ufffd" : String.fromCodePoint(code);
    }
    const terminated = body.endsWith(";");
    const name = terminated ? body.slice(0, -1) : body;
    const value = NAMED_ENTITIES[name];
    if (value === undefined) return match;
    if (!terminated && !LEGACY_ENTITIES.has(name)) return match;
    return value;
  });
}

/** Parses the attributes of a tag (the text between the tag name and `>`). Names lower-cased. */
function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const length = text.length;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    // Skip whitespace and stray slashes.
    while (i < length && (code <= 32 || code === 47)) code = text.charCodeAt(++i);
    if (i >= length) break;
    const nameStart = i;
    while (i < length) {
      code = text.charCodeAt(i);
      if (code <= 32 || code === 61 || code === 47 || code === 62) break;
      i++;
    }
    const name = text.slice(nameStart, i).toLowerCase();
    while (i < length && text.charCodeAt(i) <= 32) i++;
    let value = "";
    if (text.charCodeAt(i) === 61) {
      i++;
      while (i < length && text.charCodeAt(i) <= 32) i++;
      const quote = text[i];
      if (quote === '"' || quote === "'") {
        const end = text.indexOf(quote, i + 1);
        const stop = end < 0 ? length : end;
        value = text.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const valueStart = i;
        while (i < length && text.charCodeAt(i) > 32) i++;
        value = text.slice(valueStart, i);
      }
    } else if (name === "") {
      i++;
      continue;
    }
    if (name !== "") attributes.set(name, unescapeHtml(value));
  }
  return attributes;
}

/** Finds the end of a tag starting at `start` (the index after the tag name): the `>` outside quotes. */
function tagEnd(html: string, start: number): number {
  let quote = 0;
  for (let i = start; i < html.length; i++) {
    const code = html.charCodeAt(i);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === 62) {
      return i;
    } else if ((code === 34 || code === 39) && isAttributeValueStart(html, i)) {
      quote = code;
    }
  }
  return html.length;
}

/** A quote opens a value only right after `=` (and optional spaces), as HTML tokenizers do. */
function isAttributeValueStart(html: string, quoteAt: number): boolean {
  let j = quoteAt - 1;
  while (j >= 0 && html.charCodeAt(j) <= 32) j--;
  return html.charCodeAt(j) === 61;
}

function isNameBoundary(code: number): boolean {
  return Number.isNaN(code) || code <= 32 || code === 62 || code === 47;
}

/** An anchor found in an HTML page: its attributes, unescaped, names lower-cased. */
export interface HtmlAnchor {
  readonly attributes: ReadonlyMap<string, string>;
}

/** The anchors, `<base href>` and `pypi:repository-version` of an HTML page. */
export interface HtmlLinks {
  readonly anchors: HtmlAnchor[];
  readonly baseHref?: string;
  readonly repositoryVersion?: string;
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
      end = tagEnd(html, i + 2);
      anchors.push({ attributes: parseAttributes(html.slice(i + 2, end)) });
    } else if (
      (c1 === 98 /* b */ || c1 === 109 /* m */) &&
      (html.slice(i + 1, i + 5).toLowerCase() === "base" ||
        html.slice(i + 1, i + 5).toLowerCase() === "meta") &&
      isNameBoundary(html.charCodeAt(i + 5))
    ) {
      end = tagEnd(html, i + 5);
      const attributes = parseAttributes(html.slice(i + 5, end));
      if (c1 === 98 && baseHref === undefined && attributes.has("href")) {
        baseHref = attributes.get("href");
      }
      if (c1 === 109 && attributes.get("name")?.toLowerCase() === "pypi:repository-version") {
        repositoryVersion = attributes.get("content");
      }
    }
    i = html.indexOf("<", end < 0 ? i + 1 : end + 1);
  }
  return {
    anchors,
    ...(baseHref === undefined ? {} : { baseHref }),
    ...(repositoryVersion === undefined ? {} : { repositoryVersion }),
  };
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

/** The file name of a URL: its last path segment, percent-decoded. */
export function filenameOfUrl(url: URL): string {
  const segment = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
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
  const { anchors, baseHref, repositoryVersion } = scanHtml(html);
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
  for (const anchor of anchors) {
    const href = anchor.attributes.get("href");
    if (href === undefined || href.trim() === "") continue;
    let link: URL;
    try {
      link = new URL(href.trim(), base);
    } catch {
      warnings.push(`skipped a link with an invalid URL: ${JSON.stringify(href)}`);
      continue;
    }
    const hashes = fragmentHashes(link.hash.slice(1));
    link.hash = "";
    const filename = filenameOfUrl(link);
    if (filename === "") continue;
    const yanked = anchor.attributes.get("data-yanked");
    const requiresPython = anchor.attributes.get("data-requires-python");
    const coreMetadata = metadataAttribute(
      anchor.attributes.get("data-core-metadata") ??
        anchor.attributes.get("data-dist-info-metadata"),
    );
    files.push({
      filename,
      url: link.href,
      hashes,
      ...(requiresPython === undefined || requiresPython.trim() === "" ? {} : { requiresPython }),
      yanked: yanked !== undefined,
      ...(yanked === undefined || yanked === "" ? {} : { yankedReason: yanked }),
      coreMetadata,
    });
  }
  return {
    url,
    files,
    ...(repositoryVersion === undefined ? {} : { apiVersion: repositoryVersion }),
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
  const base = new URL(url);
  const files: ProjectFile[] = [];
  for (const [position, raw] of rawFiles.entries()) {
    if (!isRecord(raw) || typeof raw["url"] !== "string") {
      warnings.push(`skipped files[${position}]: no "url"`);
      continue;
    }
    let link: URL;
    try {
      link = new URL(raw["url"], base);
    } catch {
      warnings.push(`skipped files[${position}]: invalid URL ${JSON.stringify(raw["url"])}`);
      continue;
    }
    const fragment = fragmentHashes(link.hash.slice(1));
    link.hash = "";
    const filename = typeof raw["filename"] === "string" ? raw["filename"] : filenameOfUrl(link);
    const yanked = raw["yanked"];
    const requiresPython = raw["requires-python"];
    const size = raw["size"];
    const uploadTime = raw["upload-time"];
    const coreMetadata = "core-metadata" in raw
      ? jsonMetadata(raw["core-metadata"])
      : jsonMetadata(raw["dist-info-metadata"]);
    files.push({
      filename,
      url: link.href,
      hashes: { ...fragment, ...hashesOf(raw["hashes"]) },
      ...(typeof requiresPython === "string" && requiresPython.trim() !== ""
        ? { requiresPython }
        : {}),
      yanked: yanked === true || (typeof yanked === "string"),
      ...(typeof yanked === "string" && yanked !== "" ? { yankedReason: yanked } : {}),
      coreMetadata,
      ...(typeof size === "number" && Number.isSafeInteger(size) && size >= 0 ? { size } : {}),
      ...(typeof uploadTime === "string" ? { uploadTime } : {}),
    });
  }
  const versions = Array.isArray(data["versions"])
    ? data["versions"].filter((v): v is string => typeof v === "string")
    : undefined;
  return {
    url,
    files,
    ...(versions === undefined ? {} : { versions }),
    ...(apiVersion === undefined ? {} : { apiVersion }),
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
  return `${indexUrl.replace(/\/+$/, "")}/${encodeURIComponent(project)}/`;
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
