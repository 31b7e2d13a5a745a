/**
 * Revalidates cached pages over plain HTTP/1.1 without `fetch`.
 *
 * A warm resolution asks the index again for every page it uses, and almost
 * every answer is a `304 Not Modified`: a status line and a few headers,
 * never a body (RFC 9110 §15.4.5). Going through `fetch` costs ~0.3 ms of CPU
 * a request (its `Request` and `Headers` objects, its streams), and its first
 * use loads Deno's fetch implementation; for the 91 pages of a warm `lock` of
 * jupyterlab that was a tenth of the run. Here a conditional GET is written
 * on a kept-alive TCP connection and only the answer's head is read.
 *
 * Only a 304 is taken. Anything else (a changed page, a redirect, a 401, a
 * head that is malformed or over {@link MAX_HEAD_BYTES}, a connection that
 * fails) gives `undefined`, and the caller asks again through `fetch`, which
 * handles all of it; the connection is then closed, since its unread body
 * would be read as the next answer. A connection is kept for the next
 * request only after an HTTP/1.1 304 that ended exactly at its head.
 *
 * Used for `http:` URLs reached without a proxy; `https:` keeps `fetch` (its
 * TLS settings, HTTP/2).
 *
 * @module
 */

/** The largest answer head read; a bigger one is left to `fetch`. */
export const MAX_HEAD_BYTES = 16 * 1024;

/** The most idle connections kept per origin. */
const MAX_IDLE_PER_ORIGIN = 16;

/**
 * A header value taken or written here: printable ASCII and tab. Anything else
 * (control characters, or bytes that text and bytes could disagree on) is
 * left to `fetch`.
 */
const SAFE_VALUE = /^[\t\x20-\x7e]*$/;
/** An HTTP token (a header name). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [\t\x20-\x7e]*)?$/;

/** The headers of a 304 answer, lower-cased names; what `keptHeaders` reads. */
export class HeadHeaders {
  readonly #values = new Map<string, string>();

  /** Adds a header; a repeated one is joined with ", ", as `Headers` does. */
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const before = this.#values.get(key);
    this.#values.set(key, before === undefined ? value : `${before}, ${value}`);
  }

  /** The header's value, or null. */
  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }
}

/** The head of an answer, parsed: its status, headers, and whether the connection can be kept. */
interface Head {
  readonly status: number;
  readonly headers: HeadHeaders;
  readonly keepAlive: boolean;
}

/**
 * Parses an answer's head (the bytes before the blank line, without it), or
 * gives undefined for one that is not plain HTTP/1.x. Linear in its length.
 */
export function parseHead(text: string): Head | undefined {
  const lines = text.split("\r\n");
  const match = STATUS_LINE.exec(lines[0] ?? "");
  if (match === null) return undefined;
  const headers = new HeadHeaders();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined; // also a folded line (leading space): not taken
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (!TOKEN.test(name) || !SAFE_VALUE.test(value)) return undefined;
    headers.append(name, value);
  }
  const connection = (headers.get("connection") ?? "").toLowerCase();
  const keepAlive = match[1] === "1" && !/(^|,)\s*close\s*(,|$)/.test(connection);
  return { status: Number(match[2]), headers, keepAlive };
}

/**
 * Conditional GETs over kept-alive HTTP/1.1 connections, answering only
 * 304s (see the module doc).
 *
 * @example
 * ```ts ignore
 * const revalidator = new Revalidator();
 * const head = await revalidator.notModified(new URL("http://127.0.0.1:8080/simple/demo/"),
 *   { "if-none-match": '"abc"' }, AbortSignal.timeout(15_000));
 * revalidator.close();
 * ```
 */
export class Revalidator {
  readonly #idle = new Map<string, Deno.TcpConn[]>();
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder();

  /**
   * Sends a GET for `url` (an `http:` URL) with `headers`; the answer's
   * headers if it is a 304, else undefined (ask again with `fetch`). Throws
   * `signal`'s reason once it is aborted.
   */
  async notModified(
    url: URL,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<HeadHeaders | undefined> {
    const request = this.#request(url, headers);
    if (request === undefined) return undefined;
    const origin = url.host;
    // A kept connection the server has closed meanwhile fails at once: then one new one is tried.
    for (let fresh = false; !fresh;) {
      let conn = this.#idle.get(origin)?.pop();
      if (conn === undefined) {
        fresh = true;
        conn = await this.#connect(url, signal);
        if (conn === undefined) return undefined;
      }
      const head = await this.#exchange(conn, request, signal);
      if (head === undefined) {
        close(conn);
        continue;
      }
      if (head.status !== 304) {
        close(conn);
        return undefined;
      }
      if (head.keepAlive) this.#keep(origin, conn);
      else close(conn);
      return head.headers;
    }
    return undefined;
  }

  /** Closes every kept connection. */
  close(): void {
    for (const conns of this.#idle.values()) conns.forEach(close);
    this.#idle.clear();
  }

  #request(url: URL, headers: Readonly<Record<string, string>>): Uint8Array | undefined {
    let text = `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      // A validator or credential that cannot be written as is goes through fetch, which refuses it.
      if (!TOKEN.test(name) || !SAFE_VALUE.test(value)) return undefined;
      text += `${name}: ${value}\r\n`;
    }
    return this.#encoder.encode(text + "\r\n");
  }

  async #connect(url: URL, signal: AbortSignal): Promise<Deno.TcpConn | undefined> {
    signal.throwIfAborted();
    const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = url.port === "" ? 80 : Number(url.port);
    try {
      return await Deno.connect({ hostname, port, signal });
    } catch {
      signal.throwIfAborted();
      return undefined; // fetch will say what is wrong, with its retries
    }
  }

  /** Writes the request and reads the answer's head; undefined when that fails or it is no 304 we can use. */
  async #exchange(
    conn: Deno.TcpConn,
    request: Uint8Array,
    signal: AbortSignal,
  ): Promise<Head | undefined> {
    const onAbort = () => close(conn);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      for (let written = 0; written < request.length;) {
        written += await conn.write(request.subarray(written));
      }
      const buffer = new Uint8Array(MAX_HEAD_BYTES);
      let filled = 0;
      for (;;) {
        const read = await conn.read(buffer.subarray(filled));
        if (read === null) return undefined;
        const from = Math.max(0, filled - 3);
        filled += read;
        const end = headEnd(buffer, from, filled);
        if (end !== -1) {
          const head = parseHead(this.#decoder.decode(buffer.subarray(0, end)));
          // Bytes after a 304's head are not an answer to anything: the connection is not reused.
          if (head !== undefined && filled > end + 4) return { ...head, keepAlive: false };
          return head;
        }
        if (filled === buffer.length) return undefined;
      }
    } catch {
      signal.throwIfAborted();
      return undefined;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  #keep(origin: string, conn: Deno.TcpConn): void {
    let conns = this.#idle.get(origin);
    if (conns === undefined) this.#idle.set(origin, conns = []);
    if (conns.length < MAX_IDLE_PER_ORIGIN) conns.push(conn);
    else close(conn);
  }
}

/** Where `\r\n\r\n` starts in `bytes[from, to)`, or -1. */
function headEnd(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 3 < to; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

function close(conn: Deno.TcpConn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
