/**
 * An in-process package index for tests: `Deno.serve` on 127.0.0.1, port 0.
 *
 * It serves a set of wheels and sdists (in memory or from a directory) the way
 * a real index does:
 *
 * - `GET /simple/` lists the projects; `GET /simple/<project>/` lists its files
 *   as PEP 503 HTML or PEP 691 JSON, chosen by the `Accept` header (q-values
 *   honoured; `formats` can switch either off to test fallbacks). HTML anchors
 *   carry `#sha256=` fragments, `data-requires-python` (HTML-escaped),
 *   `data-yanked`, and `data-dist-info-metadata`/`data-core-metadata` when the
 *   file has PEP 658 metadata. JSON carries `hashes`, `requires-python`,
 *   `yanked`, `core-metadata`/`dist-info-metadata`, PEP 700 `size`,
 *   `upload-time` and `versions`.
 * - `GET /files/<filename>` serves the file (with `Range` support, `HEAD`,
 *   `ETag`/`Last-Modified` and 304 revalidation); `GET /files/<filename>.metadata`
 *   serves its PEP 658 metadata.
 * - Optional HTTP basic auth on every path.
 * - Fault injection by path: delays, 5xx statuses, dropped connections,
 *   truncated bodies and corrupted bytes (so the advertised hash is wrong),
 *   each for the first `times` matching requests (default: always).
 * - A request log the tests can assert on (`server.requests`).
 *
 * @example
 * ```ts
 * import { startIndexServer } from "./index_server.ts";
 * const server = await startIndexServer({
 *   files: [{ filename: "demo-1.0-py3-none-any.whl", bytes: new Uint8Array([1, 2, 3]) }],
 *   faults: [{ path: "/files/", kind: "status", status: 503, times: 1 }],
 * });
 * // server.url === "http://127.0.0.1:<port>/simple/"
 * const page = await fetch(server.url + "demo/", {
 *   headers: { accept: "application/vnd.pypi.simple.v1+json" },
 * });
 * await page.json();
 * await server.close();
 * ```
 *
 * @module
 */

import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { buildWheel, formatMetadata, type WheelSpec } from "./wheel_builder.ts";

/** One distribution file the index serves. */
export interface IndexFile {
  /** The file name, e.g. `demo-1.0-py3-none-any.whl` or `demo-1.0.tar.gz`. */
  readonly filename: string;
  readonly bytes: Uint8Array;
  /** The project it belongs to; derived from the filename when omitted. */
  readonly project?: string;
  /** `Requires-Python` to advertise (`data-requires-python`, `requires-python`). */
  readonly requiresPython?: string;
  /** PEP 592: `true`, or the reason as a string. */
  readonly yanked?: boolean | string;
  /**
   * PEP 658 core metadata (the wheel's METADATA). When given, the pages advertise
   * it with its sha256 and `/files/<filename>.metadata` serves it.
   */
  readonly metadata?: string | Uint8Array;
  /**
   * The hashes to advertise instead of the real sha256 (`{ sha256: "00…" }`);
   * `{}` advertises none.
   */
  readonly hashes?: Readonly<Record<string, string>>;
  /** PEP 700 `upload-time` (ISO 8601), JSON only. */
  readonly uploadTime?: string;
  /**
   * PEP 740 provenance (the JSON text): the pages advertise
   * `/files/<filename>.provenance` (`provenance`, `data-provenance`), which serves it.
   */
  readonly provenance?: string;
}

/** A fault to inject into matching requests. */
export interface IndexFault {
  /** The request paths it applies to: a substring of the path, or a RegExp. */
  readonly path: string | RegExp;
  /**
   * - `status`: answer with `status` (default 503) and an empty body.
   * - `delay`: wait `delayMs` before answering normally.
   * - `drop`: send the headers, then abort the connection before any body byte.
   * - `truncate`: announce the full `Content-Length`, send `bytes` (default half)
   *   of the body, then abort the connection.
   * - `corrupt`: serve the body with its last byte flipped (a wrong hash).
   * - `ranges-from`: answer a `Range` request from `replacement` instead (a
   *   server whose parts are not the whole it serves); whole GETs are normal.
   */
  readonly kind: "status" | "delay" | "drop" | "truncate" | "corrupt" | "ranges-from";
  /** The bytes `ranges-from` serves ranges of. */
  readonly replacement?: Uint8Array;
  readonly status?: number;
  readonly delayMs?: number;
  readonly bytes?: number;
  /** How many matching requests get the fault; default every one. */
  readonly times?: number;
}

/** Options for {@link startIndexServer}. */
export interface IndexServerOptions {
  /** The files to serve. */
  readonly files?: readonly IndexFile[];
  /**
   * A directory of wheels and sdists to serve as well; a `<file>.metadata`
   * beside a file becomes its PEP 658 metadata.
   */
  readonly dir?: string;
  /** Require HTTP basic auth with these credentials on every path. */
  readonly auth?: { readonly username: string; readonly password: string };
  readonly faults?: readonly IndexFault[];
  /** The page formats served (default both). With one, `Accept` is ignored. */
  readonly formats?: readonly ("html" | "json")[];
  /** `Cache-Control` of project pages (default `max-age=0, must-revalidate`). */
  readonly pageCacheControl?: string;
  /** `Cache-Control` of files (default `max-age=365000000, immutable`). */
  readonly fileCacheControl?: string;
  /** Serve HTTPS with this certificate and key (PEM); the URLs then start with `https://`. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** PEP 792 statuses by normalized project name (`pypi:project-status`, `project-status`). */
  readonly projectStatuses?: Readonly<Record<string, { status: string; reason?: string }>>;
}

/** One request the server received. */
export interface IndexRequest {
  readonly method: string;
  /** The path with query string, e.g. `/simple/demo/`. */
  readonly path: string;
  readonly accept: string | null;
  readonly authorization: string | null;
  readonly range: string | null;
  readonly ifNoneMatch: string | null;
  readonly userAgent: string | null;
  /** The client's port: requests with the same one came over one connection. */
  readonly clientPort: number;
  /** Every header as received. */
  readonly headers: Headers;
  /** The status answered (0 when the connection was dropped before any header). */
  status: number;
}

/** A running index server. */
export interface IndexServer {
  /** The index URL, `http://127.0.0.1:<port>/simple/`. */
  readonly url: string;
  /** The server root, `http://127.0.0.1:<port>/`; files are under `files/`. */
  readonly origin: string;
  readonly port: number;
  /** Every request so far, in order. */
  readonly requests: IndexRequest[];
  /** The URL of a file: `http://127.0.0.1:<port>/files/<filename>`. */
  fileUrl(filename: string): string;
  /** Replaces the served files (the `dir` ones stay), e.g. to publish a new version. */
  setFiles(files: readonly IndexFile[]): void;
  /** Replaces the faults; the `times` counters start again. */
  setFaults(faults: readonly IndexFault[]): void;
  /** Stops the server. */
  close(): Promise<void>;
}

interface ServedFile {
  readonly file: IndexFile;
  readonly project: string;
  readonly sha256: string;
  readonly metadata?: Uint8Array;
  readonly metadataSha256?: string;
}

const JSON_TYPE = "application/vnd.pypi.simple.v1+json";
const HTML_TYPE = "application/vnd.pypi.simple.v1+html";
const LAST_MODIFIED = "Wed, 01 Jan 2020 00:00:00 GMT";
const encoder = new TextEncoder();

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The project of a distribution file name, canonicalized (wheel: first part; sdist: before the last `-`). */
function projectOf(filename: string): string {
  if (filename.endsWith(".whl")) return canonicalizeName(filename.split("-")[0] ?? filename);
  const stem = filename.replace(/\.(tar\.gz|tar\.bz2|tar\.xz|tgz|tar|zip)$/i, "");
  const dash = stem.lastIndexOf("-");
  return canonicalizeName(dash > 0 ? stem.slice(0, dash) : stem);
}

function versionOf(served: ServedFile): string | undefined {
  const { filename } = served.file;
  if (filename.endsWith(".whl")) return filename.split("-")[1];
  const stem = filename.replace(/\.(tar\.gz|tar\.bz2|tar\.xz|tgz|tar|zip)$/i, "");
  const dash = stem.lastIndexOf("-");
  return dash > 0 ? stem.slice(dash + 1) : undefined;
}

function serve(file: IndexFile): ServedFile {
  const metadata = typeof file.metadata === "string"
    ? encoder.encode(file.metadata)
    : file.metadata;
  return {
    file,
    project: file.project === undefined ? projectOf(file.filename) : canonicalizeName(file.project),
    sha256: sha256(file.bytes),
    ...(metadata === undefined ? {} : { metadata, metadataSha256: sha256(metadata) }),
  };
}

async function readDirFiles(dir: string): Promise<IndexFile[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /\.(whl|tar\.gz|zip|tar\.bz2|tgz)$/i.test(entry.name)) {
      names.push(entry.name);
    }
  }
  names.sort();
  const files: IndexFile[] = [];
  for (const name of names) {
    const bytes = await Deno.readFile(join(dir, name));
    let metadata: Uint8Array | undefined;
    try {
      metadata = await Deno.readFile(join(dir, name + ".metadata"));
    } catch {
      metadata = undefined;
    }
    files.push({ filename: basename(name), bytes, ...(metadata ? { metadata } : {}) });
  }
  return files;
}

/**
 * Builds a wheel from `spec` (see `wheel_builder.ts`) as an {@link IndexFile}
 * whose PEP 658 metadata is the wheel's own METADATA.
 *
 * @example
 * ```ts
 * import { wheelFile } from "./index_server.ts";
 * const file = wheelFile({ name: "demo", version: "1.0", metadata: { requiresDist: ["b>=2"] } });
 * // file.filename === "demo-1.0-py3-none-any.whl", file.metadata holds "Requires-Dist: b>=2"
 * ```
 */
export function wheelFile(
  spec: WheelSpec,
  extra: Omit<Partial<IndexFile>, "filename" | "bytes"> = {},
): IndexFile {
  const built = buildWheel(spec);
  const requiresPython = spec.metadata?.requiresPython;
  return {
    filename: built.filename,
    bytes: built.bytes,
    metadata: formatMetadata(spec.name, spec.version, spec.metadata),
    ...(requiresPython === undefined ? {} : { requiresPython }),
    ...extra,
  };
}

/** A `name` 1.0 wheel for `tags` holding an empty package `name`, requiring `requires`. */
export function packageWheel(
  name: string,
  tags: string,
  requires: readonly string[] = [],
): IndexFile {
  return wheelFile({
    name,
    version: "1.0",
    tags,
    files: { [`${name}/__init__.py`]: "" },
    metadata: { requiresDist: requires },
  });
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function advertisedHashes(served: ServedFile): Record<string, string> {
  return { ...(served.file.hashes ?? { sha256: served.sha256 }) };
}

type StatusOf = (project: string) => { status: string; reason?: string } | undefined;

function projectHtml(project: string, files: readonly ServedFile[], statusOf: StatusOf): string {
  const lines = files.map((served) => {
    const { file } = served;
    const hashes = advertisedHashes(served);
    const firstHash = Object.entries(hashes)[0];
    const href = `../../files/${encodeURIComponent(file.filename)}` +
      (firstHash ? `#${firstHash[0]}=${firstHash[1]}` : "");
    let attrs = `href="${escapeHtml(href)}"`;
    if (file.requiresPython !== undefined) {
      attrs += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
    }
    if (file.yanked !== undefined && file.yanked !== false) {
      attrs += ` data-yanked="${file.yanked === true ? "" : escapeHtml(file.yanked)}"`;
    }
    if (served.metadataSha256 !== undefined) {
      attrs += ` data-dist-info-metadata="sha256=${served.metadataSha256}"`;
      attrs += ` data-core-metadata="sha256=${served.metadataSha256}"`;
    }
    if (file.provenance !== undefined) {
      attrs += ` data-provenance="../../files/${
        escapeHtml(encodeURIComponent(file.filename))
      }.provenance"`;
    }
    return `    <a ${attrs}>${escapeHtml(file.filename)}</a><br />`;
  });
  const status = statusOf(project);
  const statusTags = status === undefined ? [] : [
    `    <meta name="pypi:project-status" content="${escapeHtml(status.status)}">`,
    ...(status.reason === undefined
      ? []
      : [`    <meta name="pypi:project-status-reason" content="${escapeHtml(status.reason)}">`]),
  ];
  return [
    "<!DOCTYPE html>",
    "<html>",
    "  <head>",
    '    <meta name="pypi:repository-version" content="1.1">',
    ...statusTags,
    `    <title>Links for ${escapeHtml(project)}</title>`,
    "  </head>",
    "  <body>",
    `    <h1>Links for ${escapeHtml(project)}</h1>`,
    ...lines,
    "  </body>",
    "</html>",
    "",
  ].join("\n");
}

function projectJson(
  project: string,
  files: readonly ServedFile[],
  origin: string,
  statusOf: StatusOf,
): string {
  const versions = [...new Set(files.map(versionOf).filter((v) => v !== undefined))];
  const status = statusOf(project);
  return JSON.stringify({
    meta: { "api-version": "1.1" },
    name: project,
    versions,
    ...(status === undefined ? {} : { "project-status": status }),
    files: files.map((served) => {
      const { file } = served;
      const metadata = served.metadataSha256 === undefined
        ? false
        : { sha256: served.metadataSha256 };
      return {
        filename: file.filename,
        url: `${origin}files/${encodeURIComponent(file.filename)}`,
        hashes: advertisedHashes(served),
        ...(file.requiresPython === undefined ? {} : { "requires-python": file.requiresPython }),
        yanked: file.yanked ?? false,
        "core-metadata": metadata,
        "dist-info-metadata": metadata,
        size: file.bytes.length,
        ...(file.uploadTime === undefined ? {} : { "upload-time": file.uploadTime }),
        ...(file.provenance === undefined
          ? {}
          : { provenance: `${origin}files/${encodeURIComponent(file.filename)}.provenance` }),
      };
    }),
  });
}

function rootHtml(projects: readonly string[]): string {
  const links = projects.map((p) => `    <a href="${p}/">${p}</a><br />`);
  return [
    "<!DOCTYPE html>",
    "<html><head><title>Simple index</title></head><body>",
    ...links,
    "</body></html>",
    "",
  ].join("\n");
}

function rootJson(projects: readonly string[]): string {
  return JSON.stringify({
    meta: { "api-version": "1.1" },
    projects: projects.map((name) => ({ name })),
  });
}

/** Picks `json` or `html` from an `Accept` header by q-value (ties: the order listed). */
function negotiate(accept: string | null, formats: readonly ("html" | "json")[]): "html" | "json" {
  if (formats.length === 1) return formats[0] ?? "html";
  let best: { format: "html" | "json"; q: number } | undefined;
  for (const part of (accept ?? "").split(",")) {
    const [type = "", ...params] = part.trim().split(";").map((s) => s.trim());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const format = type === JSON_TYPE
      ? "json"
      : type === HTML_TYPE || type === "text/html"
      ? "html"
      : undefined;
    if (format !== undefined && (best === undefined || q > best.q)) best = { format, q };
  }
  return best?.format ?? "html";
}

function etagOf(bytes: Uint8Array): string {
  return `"${sha256(bytes).slice(0, 32)}"`;
}

/**
 * Starts an index server on 127.0.0.1 with a free port.
 *
 * @example
 * ```ts
 * import { startIndexServer } from "./index_server.ts";
 * const server = await startIndexServer({ files: [] });
 * await server.close();
 * ```
 */
export async function startIndexServer(options: IndexServerOptions = {}): Promise<IndexServer> {
  const dirFiles = options.dir === undefined ? [] : (await readDirFiles(options.dir)).map(serve);
  let extraFiles = (options.files ?? []).map(serve);
  let faults = (options.faults ?? []).map((fault) => ({ fault, used: 0 }));
  const formats = options.formats ?? ["html", "json"];
  const requests: IndexRequest[] = [];
  const abort = new AbortController();
  let origin = "";

  const allFiles = () => [...dirFiles, ...extraFiles];
  const expectedAuth = options.auth === undefined
    ? undefined
    : "Basic " + btoa(`${options.auth.username}:${options.auth.password}`);

  const takeFault = (path: string): IndexFault | undefined => {
    for (const entry of faults) {
      const { fault } = entry;
      const matches = typeof fault.path === "string"
        ? path.includes(fault.path)
        : fault.path.test(path);
      if (!matches || entry.used >= (fault.times ?? Infinity)) continue;
      entry.used++;
      return fault;
    }
    return undefined;
  };

  const respond = (
    request: Request,
    body: Uint8Array,
    headers: Record<string, string>,
    fault: IndexFault | undefined,
  ): Response => {
    const etag = etagOf(body);
    const common = { etag, "last-modified": LAST_MODIFIED, "accept-ranges": "bytes", ...headers };
    if (request.headers.get("if-none-match") === etag) {
      return new Response(null, { status: 304, headers: common });
    }
    let status = 200;
    let payload = body;
    const extra: Record<string, string> = {};
    const range = request.headers.get("range");
    const match = range === null ? null : /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (match !== null) {
      if (fault?.kind === "ranges-from" && fault.replacement !== undefined) {
        body = fault.replacement;
      }
      const size = body.length;
      let start: number;
      let end: number;
      if (match[1] === "") {
        start = Math.max(0, size - Number(match[2]));
        end = size - 1;
      } else {
        start = Number(match[1]);
        end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
      }
      if (start >= size || start > end) {
        return new Response(null, {
          status: 416,
          headers: { ...common, "content-range": `bytes */${size}` },
        });
      }
      status = 206;
      payload = body.subarray(start, end + 1);
      extra["content-range"] = `bytes ${start}-${end}/${size}`;
    }
    if (fault?.kind === "corrupt" && payload.length > 0) {
      payload = payload.slice();
      payload[payload.length - 1] = (payload[payload.length - 1] ?? 0) ^ 0xff;
    }
    const allHeaders = { ...common, ...extra, "content-length": String(payload.length) };
    if (request.method === "HEAD") return new Response(null, { status, headers: allHeaders });
    if (fault?.kind === "drop" || fault?.kind === "truncate") {
      const keep = fault.kind === "drop" ? 0 : fault.bytes ?? Math.floor(payload.length / 2);
      const partial = payload.subarray(0, keep);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          if (partial.length > 0) controller.enqueue(partial);
        },
        pull(controller) {
          controller.error(new Error("index server: injected connection drop"));
        },
      });
      return new Response(stream, { status, headers: allHeaders });
    }
    return new Response(payload as Uint8Array<ArrayBuffer>, { status, headers: allHeaders });
  };

  const handle = async (request: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname + url.search;
    const entry: IndexRequest = {
      method: request.method,
      path,
      accept: request.headers.get("accept"),
      authorization: request.headers.get("authorization"),
      range: request.headers.get("range"),
      ifNoneMatch: request.headers.get("if-none-match"),
      userAgent: request.headers.get("user-agent"),
      clientPort: (info.remoteAddr as Deno.NetAddr).port,
      headers: new Headers(request.headers),
      status: 0,
    };
    requests.push(entry);
    const response = await route(request, url.pathname, path);
    entry.status = response.status;
    return response;
  };

  const statusOf: StatusOf = (project) => options.projectStatuses?.[project];

  const route = async (request: Request, pathname: string, path: string): Promise<Response> => {
    if (expectedAuth !== undefined && request.headers.get("authorization") !== expectedAuth) {
      return new Response("unauthorized\n", {
        status: 401,
        headers: { "www-authenticate": 'Basic realm="index"' },
      });
    }
    const fault = takeFault(path);
    if (fault?.kind === "delay") {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 100));
    }
    if (fault?.kind === "status") return new Response(null, { status: fault.status ?? 503 });
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response(null, { status: 405 });
    }
    const files = allFiles();
    if (pathname === "/" || pathname === "/simple") {
      return Response.redirect(`${origin}simple/`, 301);
    }
    if (pathname === "/simple/") {
      const projects = [...new Set(files.map((f) => f.project))].sort();
      const format = negotiate(request.headers.get("accept"), formats);
      const body = encoder.encode(format === "json" ? rootJson(projects) : rootHtml(projects));
      return respond(request, body, {
        "content-type": format === "json" ? JSON_TYPE : "text/html",
        "cache-control": options.pageCacheControl ?? "max-age=0, must-revalidate",
        vary: "Accept",
      }, fault);
    }
    const projectMatch = /^\/simple\/([^/]+)\/?$/.exec(pathname);
    if (projectMatch !== null) {
      const requested = decodeURIComponent(projectMatch[1] ?? "");
      const project = canonicalizeName(requested);
      if (!pathname.endsWith("/")) return Response.redirect(`${origin}simple/${project}/`, 301);
      if (project !== requested) return Response.redirect(`${origin}simple/${project}/`, 301);
      const projectFiles = files.filter((f) => f.project === project);
      if (projectFiles.length === 0) return new Response("not found\n", { status: 404 });
      const format = negotiate(request.headers.get("accept"), formats);
      const body = encoder.encode(
        format === "json"
          ? projectJson(project, projectFiles, origin, statusOf)
          : projectHtml(project, projectFiles, statusOf),
      );
      return respond(request, body, {
        "content-type": format === "json" ? JSON_TYPE : "text/html; charset=utf-8",
        "cache-control": options.pageCacheControl ?? "max-age=0, must-revalidate",
        vary: "Accept",
      }, fault);
    }
    const fileMatch = /^\/files\/([^/]+)$/.exec(pathname);
    if (fileMatch !== null) {
      const name = decodeURIComponent(fileMatch[1] ?? "");
      const fileCacheControl = options.fileCacheControl ?? "max-age=365000000, immutable";
      if (name.endsWith(".provenance")) {
        const served = files.find((f) => f.file.filename === name.slice(0, -".provenance".length));
        if (served?.file.provenance !== undefined) {
          return respond(request, encoder.encode(served.file.provenance), {
            "content-type": "application/json",
            "cache-control": "max-age=0, must-revalidate",
          }, fault);
        }
      }
      if (name.endsWith(".metadata")) {
        const served = files.find((f) => f.file.filename === name.slice(0, -".metadata".length));
        if (served?.metadata !== undefined) {
          return respond(request, served.metadata, {
            "content-type": "application/octet-stream",
            "cache-control": fileCacheControl,
          }, fault);
        }
      }
      const served = files.find((f) => f.file.filename === name);
      if (served !== undefined) {
        return respond(request, served.file.bytes, {
          "content-type": "application/octet-stream",
          "cache-control": fileCacheControl,
        }, fault);
      }
    }
    return new Response("not found\n", { status: 404 });
  };

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: abort.signal,
    onListen: () => {},
    onError: () => new Response(null, { status: 500 }),
    ...(options.tls === undefined ? {} : { cert: options.tls.cert, key: options.tls.key }),
  }, handle);
  const port = server.addr.port;
  origin = `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${port}/`;
  return {
    url: `${origin}simple/`,
    origin,
    port,
    requests,
    fileUrl: (filename) => `${origin}files/${encodeURIComponent(filename)}`,
    setFiles(files) {
      extraFiles = files.map(serve);
    },
    setFaults(next) {
      faults = next.map((fault) => ({ fault, used: 0 }));
    },
    async close() {
      abort.abort();
      await server.finished;
    },
  };
}
