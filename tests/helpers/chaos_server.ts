/**
 * A package index that misbehaves on purpose, for tests: a small HTTP/1.1
 * server written on raw TCP (`Deno.listen` on 127.0.0.1, port 0), so that it
 * can do what a well-behaved server library never does: reset or drop a
 * connection, stall, trickle a body, cut it short, lie about its length.
 *
 * Without faults it serves a real PEP 503 index of the files it is given
 * (wheels from `wheel_builder.ts`):
 *
 * - `GET /simple/` lists the projects, `GET /simple/<project>/` a project's
 *   files (`#sha256=` fragments, `data-core-metadata` when a file has PEP 658
 *   metadata, `data-requires-python`);
 * - `GET /files/<filename>` serves a file, honouring `Range`;
 * - `GET /files/<filename>.metadata` serves its PEP 658 metadata.
 *
 * Every connection is closed after one answer. Faults apply to the requests
 * whose path matches, for the first `times` of them (default all); see
 * {@link ChaosFault}. Helpers build the hostile bodies: {@link gzipBomb},
 * {@link manyLinksPage}.
 *
 * @example
 * ```ts ignore
 * const server = await startChaosServer({
 *   files: [wheelFile({ name: "demo", version: "1.0" })],
 *   rules: [{ path: "/simple/demo/", fault: { kind: "status", status: 503 }, times: 1 }],
 * });
 * // dpip install -i server.url demo
 * await server.close();
 * ```
 *
 * @module
 */

import { createHash } from "node:crypto";
import { canonicalizeName } from "../../lib/names/mod.ts";

/** One file the index serves. */
export interface ChaosFile {
  readonly filename: string;
  readonly bytes: Uint8Array;
  /** PEP 658 metadata, served at `<file>.metadata` and advertised with its hash. */
  readonly metadata?: string | Uint8Array;
  /** The hashes to advertise instead of the real sha256 (`{}`: none). */
  readonly hashes?: Readonly<Record<string, string>>;
  readonly requiresPython?: string;
}

/** What to do to a matching request. */
export type ChaosFault =
  /** Close the connection with the request's headers unread (the kernel sends a reset). */
  | { readonly kind: "reset" }
  /** Read the request, then close the connection without a word. */
  | { readonly kind: "close" }
  /** Answer with this status and no body. */
  | { readonly kind: "status"; readonly status: number }
  /** Announce the whole body, send `bytes` of it (default half), close. */
  | { readonly kind: "truncate"; readonly bytes?: number }
  /** Announce one byte more than the body, send the body, close. */
  | { readonly kind: "overlong" }
  /** Read the request and answer nothing until the client gives up. */
  | { readonly kind: "stall" }
  /** Send the headers and `bytes` of the body (default none), then nothing. */
  | { readonly kind: "stall-body"; readonly bytes?: number }
  /** Send the headers, then one byte every `intervalMs` (default 5), for ever. */
  | { readonly kind: "slow-loris"; readonly intervalMs?: number }
  /** Serve the body with its last byte flipped (a wrong hash). */
  | { readonly kind: "corrupt" }
  /** Redirect (default 302) to `location`. */
  | { readonly kind: "redirect"; readonly location: string; readonly status?: number }
  /** Serve `body` instead, with these headers (e.g. a gzip bomb with `content-encoding`). */
  | {
    readonly kind: "body";
    readonly body: Uint8Array;
    readonly headers?: Readonly<Record<string, string>>;
  }
  /** Ignore `Range`: answer 200 with everything. */
  | { readonly kind: "no-ranges" };

/** A fault and the requests it applies to. */
export interface ChaosRule {
  /** A substring of the path, or a RegExp. */
  readonly path: string | RegExp;
  readonly fault: ChaosFault;
  /** How many matching requests get it; default all. */
  readonly times?: number;
}

/** One request the server read. */
export interface ChaosRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The fault applied, if any. */
  readonly fault?: ChaosFault["kind"];
}

/** A running chaos index. */
export interface ChaosServer {
  /** `http://127.0.0.1:<port>/simple/` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/` */
  readonly origin: string;
  readonly port: number;
  readonly requests: ChaosRequest[];
  /** `http://127.0.0.1:<port>/files/<filename>` */
  fileUrl(filename: string): string;
  /** Replaces the faults (their counts start again). */
  setRules(rules: readonly ChaosRule[]): void;
  /** Replaces the files served. */
  setFiles(files: readonly ChaosFile[]): void;
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const MiB = 1 << 20;

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function projectOf(filename: string): string {
  if (filename.endsWith(".whl")) return canonicalizeName(filename.split("-")[0] ?? filename);
  const stem = filename.replace(/\.(tar\.gz|zip|tar)$/i, "");
  const dash = stem.lastIndexOf("-");
  return canonicalizeName(dash > 0 ? stem.slice(0, dash) : stem);
}

function projectPage(project: string, files: readonly ChaosFile[]): Uint8Array {
  const links = files.map((file) => {
    const hashes = file.hashes ?? { sha256: sha256(file.bytes) };
    const first = Object.entries(hashes)[0];
    const href = `../../files/${encodeURIComponent(file.filename)}` +
      (first === undefined ? "" : `#${first[0]}=${first[1]}`);
    let attributes = `href="${escapeHtml(href)}"`;
    if (file.requiresPython !== undefined) {
      attributes += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
    }
    if (file.metadata !== undefined) {
      attributes += ` data-core-metadata="sha256=${sha256(bytesOf(file.metadata))}"`;
    }
    return `<a ${attributes}>${escapeHtml(file.filename)}</a><br/>`;
  });
  return encoder.encode(
    `<!DOCTYPE html><html><head><title>Links for ${project}</title></head><body>\n` +
      `<h1>Links for ${project}</h1>\n${links.join("\n")}\n</body></html>\n`,
  );
}

/**
 * A project page with `count` links to wheels that do not exist (versions
 * `0.0.<n>`), each padded to about `bytesPerLink` bytes, followed by `extra`
 * (real links, e.g. taken from a served page).
 *
 * @example
 * ```ts ignore
 * const page = manyLinksPage("demo", 130_000, { bytesPerLink: 400 }); // about 50 MB
 * ```
 */
export function manyLinksPage(
  project: string,
  count: number,
  options: { bytesPerLink?: number; extra?: string } = {},
): Uint8Array {
  const line = (n: number, note: string) => {
    const filename = `${project}-0.0.${n}-py3-none-any.whl`;
    const hash = n.toString(16).padStart(64, "0");
    return `<a href="../../files/${filename}#sha256=${hash}"${note}>${filename}</a><br/>\n`;
  };
  const padding = Math.max(0, (options.bytesPerLink ?? 0) - line(count, "").length - 13);
  const note = padding > 0 ? ` data-note="${"x".repeat(padding)}"` : "";
  const parts: string[] = [`<!DOCTYPE html><html><body><h1>Links for ${project}</h1>\n`];
  for (let n = 0; n < count; n++) parts.push(line(n, note));
  parts.push(options.extra ?? "", "</body></html>\n");
  return encoder.encode(parts.join(""));
}

const bombs = new Map<number, Promise<Uint8Array>>();

/**
 * A gzip stream of `size` zero bytes (about 1,000 times smaller), made once
 * per size, streaming (the zeros are never held whole).
 */
export function gzipBomb(size: number): Promise<Uint8Array> {
  let bomb = bombs.get(size);
  if (bomb === undefined) {
    const chunk = new Uint8Array(1 << 20);
    let left = size;
    const zeros = new ReadableStream<BufferSource>({
      pull(controller) {
        if (left <= 0) {
          controller.close();
          return;
        }
        const piece = chunk.subarray(0, Math.min(left, chunk.length));
        left -= piece.length;
        controller.enqueue(piece.slice());
      },
    });
    bomb = new Response(zeros.pipeThrough(new CompressionStream("gzip"))).bytes();
    bombs.set(size, bomb);
  }
  return bomb;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  307: "Temporary Redirect",
  404: "Not Found",
  416: "Range Not Satisfiable",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

function head(
  answer: { status: number; headers: Record<string, string> },
  length: number,
): Uint8Array {
  const lines = [`HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? "Status"}`];
  for (const [name, value] of Object.entries(answer.headers)) lines.push(`${name}: ${value}`);
  lines.push(`content-length: ${length}`, "connection: close", "", "");
  return encoder.encode(lines.join("\r\n"));
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/** Reads until `\r\n` (the request line), one byte at a time, so what follows stays unread. */
async function readLine(conn: Deno.Conn): Promise<string | undefined> {
  const bytes: number[] = [];
  const one = new Uint8Array(1);
  while (bytes.length < 8192) {
    const n = await conn.read(one);
    if (n === null) return undefined;
    bytes.push(one[0]!);
    if (bytes.length >= 2 && bytes.at(-2) === 13 && bytes.at(-1) === 10) {
      return new TextDecoder().decode(new Uint8Array(bytes.slice(0, -2)));
    }
  }
  return undefined;
}

/** Reads the header lines up to the blank line. */
async function readHeaders(conn: Deno.Conn): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (let count = 0; count < 200; count++) {
    const line = await readLine(conn);
    if (line === undefined || line === "") break;
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  return headers;
}

/**
 * Starts a chaos index on 127.0.0.1 with a free port.
 *
 * @example
 * ```ts ignore
 * const server = await startChaosServer({ files: [] });
 * await server.close();
 * ```
 */
export function startChaosServer(
  options: { files?: readonly ChaosFile[]; rules?: readonly ChaosRule[] } = {},
): Promise<ChaosServer> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const origin = `http://127.0.0.1:${port}/`;
  let files = [...(options.files ?? [])];
  let rules = (options.rules ?? []).map((rule) => ({ rule, used: 0 }));
  const requests: ChaosRequest[] = [];
  const open = new Set<Deno.Conn>();
  let closing = false;
  let onClose!: () => void;
  const closed = new Promise<void>((resolve) => (onClose = resolve));
  const sleep = (ms: number) =>
    Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, ms))]);

  const faultFor = (path: string): ChaosFault | undefined => {
    for (const entry of rules) {
      const { rule } = entry;
      const matches = typeof rule.path === "string"
        ? path.includes(rule.path)
        : rule.path.test(path);
      if (!matches || entry.used >= (rule.times ?? Infinity)) continue;
      entry.used++;
      return rule.fault;
    }
    return undefined;
  };

  const route = (path: string, headers: Record<string, string>, ranges: boolean): Answer => {
    const notFound = {
      status: 404,
      headers: { "content-type": "text/plain" },
      body: encoder.encode("not found\n"),
    };
    const pathname = decodeURIComponent(path.split("?")[0] ?? "");
    if (pathname === "/simple/") {
      const projects = [...new Set(files.map((f) => projectOf(f.filename)))].sort();
      const links = projects.map((p) => `<a href="${p}/">${p}</a><br/>`).join("\n");
      return {
        status: 200,
        headers: { "content-type": "text/html" },
        body: encoder.encode(`<!DOCTYPE html><html><body>\n${links}\n</body></html>\n`),
      };
    }
    const project = /^\/simple\/([^/]+)\/$/.exec(pathname);
    if (project !== null) {
      const name = canonicalizeName(project[1] ?? "");
      const mine = files.filter((f) => projectOf(f.filename) === name);
      if (mine.length === 0) return notFound;
      return {
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
        body: projectPage(name, mine),
      };
    }
    const file = /^\/files\/([^/]+)$/.exec(pathname);
    if (file === null) return notFound;
    const name = file[1] ?? "";
    const fileHeaders = {
      "content-type": "application/octet-stream",
      "cache-control": "max-age=365000000, immutable",
      "last-modified": "Wed, 01 Jan 2020 00:00:00 GMT",
    };
    const withMetadata = files.find((f) => `${f.filename}.metadata` === name);
    if (withMetadata?.metadata !== undefined) {
      return { status: 200, headers: fileHeaders, body: bytesOf(withMetadata.metadata) };
    }
    const served = files.find((f) => f.filename === name);
    if (served === undefined) return notFound;
    const body = served.bytes;
    const range = /^bytes=(\d*)-(\d*)$/.exec(headers["range"] ?? "");
    if (!ranges || range === null) {
      return { status: 200, headers: { ...fileHeaders, "accept-ranges": "bytes" }, body };
    }
    const start = range[1] === "" ? Math.max(0, body.length - Number(range[2])) : Number(range[1]);
    const end = range[1] === "" || range[2] === ""
      ? body.length - 1
      : Math.min(Number(range[2]), body.length - 1);
    if (start > end || start >= body.length) {
      return {
        status: 416,
        headers: { "content-range": `bytes */${body.length}` },
        body: new Uint8Array(),
      };
    }
    return {
      status: 206,
      headers: {
        ...fileHeaders,
        "accept-ranges": "bytes",
        "content-range": `bytes ${start}-${end}/${body.length}`,
      },
      body: body.subarray(start, end + 1),
    };
  };

  const serveOne = async (conn: Deno.Conn): Promise<void> => {
    const requestLine = await readLine(conn);
    if (requestLine === undefined) return;
    const [method = "", path = ""] = requestLine.split(" ");
    const fault = faultFor(path);
    if (fault?.kind === "reset") {
      requests.push({ method, path, headers: {}, fault: fault.kind });
      return; // closed with the headers unread
    }
    const headers = await readHeaders(conn);
    requests.push({ method, path, headers, ...(fault === undefined ? {} : { fault: fault.kind }) });
    switch (fault?.kind) {
      case "close":
        return;
      case "stall":
        await closed;
        return;
      case "status":
        await writeAll(conn, head({ status: fault.status, headers: {} }, 0));
        return;
      case "redirect":
        await writeAll(
          conn,
          head({ status: fault.status ?? 302, headers: { location: fault.location } }, 0),
        );
        return;
      case "body":
        await writeAll(
          conn,
          head({ status: 200, headers: { ...fault.headers } }, fault.body.length),
        );
        await writeAll(conn, fault.body);
        return;
      case "slow-loris": {
        // A modest announced size (a page, not a bomb), never reached.
        await writeAll(conn, head({ status: 200, headers: { "content-type": "text/html" } }, MiB));
        const space = encoder.encode(" ");
        while (!closing) {
          await writeAll(conn, space);
          await sleep(fault.intervalMs ?? 5);
        }
        return;
      }
      default:
        break;
    }
    const answer = route(path, headers, fault?.kind !== "no-ranges");
    let body = answer.body;
    if (fault?.kind === "corrupt" && body.length > 0) {
      body = body.slice();
      body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0xff;
    }
    await writeAll(conn, head(answer, body.length + (fault?.kind === "overlong" ? 1 : 0)));
    if (method === "HEAD") return;
    if (fault?.kind === "truncate") {
      await writeAll(conn, body.subarray(0, fault.bytes ?? Math.floor(body.length / 2)));
      return;
    }
    if (fault?.kind === "stall-body") {
      await writeAll(conn, body.subarray(0, fault.bytes ?? 0));
      await closed;
      return;
    }
    await writeAll(conn, body);
  };

  const handlers = new Set<Promise<void>>();
  const accepting = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      const handler = serveOne(conn).catch(() => {}).finally(() => {
        open.delete(conn);
        try {
          conn.close();
        } catch {
          // Closed already.
        }
      });
      handlers.add(handler);
      handler.finally(() => handlers.delete(handler));
    }
  })().catch(() => {});

  return Promise.resolve({
    url: `${origin}simple/`,
    origin,
    port,
    requests,
    fileUrl: (filename) => `${origin}files/${encodeURIComponent(filename)}`,
    setRules(next) {
      rules = next.map((rule) => ({ rule, used: 0 }));
    },
    setFiles(next) {
      files = [...next];
    },
    async close() {
      closing = true;
      onClose();
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // Closed already.
        }
      }
      await accepting;
      await Promise.all([...handlers]);
    },
  });
}

/** A port on 127.0.0.1 with nothing listening (connections are refused). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
