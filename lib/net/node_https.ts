/**
 * HTTPS through `node:https`, for the two cases `fetch` cannot serve, behind
 * a `fetch`-shaped call that returns a standard streaming {@link Response}:
 *
 * - `--trusted-host`: requests to a trusted host skip certificate
 *   verification for that host only, as pip's `verify=False` session
 *   adapter. Deno's `fetch` verifies every certificate, and its one switch
 *   (`--unsafely-ignore-certificate-errors`) is a flag of the whole process
 *   that a compiled binary cannot set for itself; `node:https` with
 *   `rejectUnauthorized: false` skips verification per request.
 * - `--cert` naming a self-signed certificate that is its own CA
 *   (`basicConstraints=CA:TRUE`, what `openssl req -x509` makes): OpenSSL,
 *   and so pip, accepts it as the server's certificate when it is in the
 *   bundle; `fetch` (rustls, webpki) refuses a CA certificate used as an end
 *   entity (`CaUsedAsEndEntity`). `node:tls` verifies against the bundle (`ca`)
 *   and accepts it, checking the host name as usual.
 *
 * Every other host keeps `fetch` and its verification.
 *
 * Limits: no HTTP/2, no content decoding (`accept-encoding: identity` is sent
 * unless the caller sets it), and redirects are returned, not followed (the
 * caller follows them, choosing the transport per hop). A proxy is reached
 * with an HTTP `CONNECT` tunnel.
 *
 * @module
 */

import type * as Http from "node:http";
import type * as Https from "node:https";
import type * as Tls from "node:tls";

/**
 * Whether `url`'s host is one of the `--trusted-host` values: `host` matches
 * any port, `host:port` only that port (the scheme's default port when the
 * URL has none). IPv6 hosts are written in brackets, `[::1]:8443`.
 *
 * @example
 * ```ts
 * import { isTrustedHost } from "./unverified_https.ts";
 * isTrustedHost(new URL("https://mirror.example:8443/simple/"), ["mirror.example"]); // true
 * isTrustedHost(new URL("https://mirror.example/simple/"), ["mirror.example:8443"]); // false
 * isTrustedHost(new URL("https://mirror.example/simple/"), ["mirror.example:443"]); // true
 * ```
 */
export function isTrustedHost(url: URL, trustedHosts: readonly string[]): boolean {
  if (trustedHosts.length === 0) return false;
  const host = unbracket(url.hostname.toLowerCase());
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return trustedHosts.some((entry) => {
    const value = entry.trim().toLowerCase();
    const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(value);
    const hostPort = /^([^:]*):(\d+)$/.exec(value);
    // An unbracketed IPv6 address (several colons) has no port part.
    const [name, wanted] = bracketed !== null
      ? [bracketed[1], bracketed[2]]
      : hostPort !== null
      ? [hostPort[1], hostPort[2]]
      : [value, undefined];
    return name === host && (wanted === undefined || wanted === port);
  });
}

function unbracket(host: string): string {
  return host.replace(/^\[|\]$/g, "");
}

/** What one request needs besides its URL. */
export interface UnverifiedRequest {
  readonly method?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The request body (a POST's). */
  readonly body?: Uint8Array;
  readonly signal: AbortSignal;
  /** The proxy URL, reached with a `CONNECT` tunnel. */
  readonly proxy?: string;
}

/** Options for {@link NodeHttps}. */
export interface NodeHttpsOptions {
  /**
   * `none` skips certificate verification (trusted hosts only); `ca` verifies
   * against these CA certificates (PEM) instead of the system's.
   */
  readonly verify: "none" | { readonly ca: readonly string[] };
  /** A client certificate and key (PEM), from `--client-cert`. */
  readonly clientCert?: { readonly cert: string; readonly key: string };
}

interface NodeModules {
  readonly http: typeof Http;
  readonly https: typeof Https;
  readonly tls: typeof Tls;
  readonly agent: Https.Agent;
}

/**
 * HTTPS requests through `node:https`, verified against given CAs or not at
 * all (trusted hosts only). Connections are kept alive and reused;
 * {@link close} them at the end. `node:https` is loaded on the first request,
 * so runs that need neither case never load it.
 *
 * @example
 * ```ts ignore
 * const transport = new NodeHttps({ verify: "none" });
 * const response = await transport.fetch(new URL("https://self-signed.example/simple/"), {
 *   headers: { accept: "text/html" },
 *   signal: AbortSignal.timeout(15_000),
 * });
 * await response.text();
 * transport.close();
 * ```
 */
export class NodeHttps {
  /** The TLS options of every connection: verification and the client certificate. */
  readonly #tls: Tls.ConnectionOptions;
  #modules: Promise<NodeModules> | undefined;
  #agent: Https.Agent | undefined;

  constructor(options: NodeHttpsOptions) {
    this.#tls = {
      ...(options.verify === "none"
        ? { rejectUnauthorized: false }
        : { rejectUnauthorized: true, ca: [...options.verify.ca] }),
      ...(options.clientCert ?? {}),
    };
  }

  #load(): Promise<NodeModules> {
    this.#modules ??= Promise.all([import("node:http"), import("node:https"), import("node:tls")])
      .then(([http, https, tls]) => {
        this.#agent = new https.Agent({ keepAlive: true, maxSockets: 32, ...this.#tls });
        return { http, https, tls, agent: this.#agent };
      });
    return this.#modules;
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.#agent?.destroy();
    this.#agent = undefined;
    this.#modules = undefined;
  }

  /**
   * Sends one request to an `https:` URL (verified as the options say).
   * Resolves with the response as soon as its headers arrive; the body
   * streams. Redirects are returned as they are.
   */
  async fetch(url: URL, request: UnverifiedRequest): Promise<Response> {
    const modules = await this.#load();
    request.signal.throwIfAborted();
    const headers: Record<string, string> = { "accept-encoding": "identity" };
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name.toLowerCase()] = value;
    }
    const port = Number(url.port || 443);
    const host = unbracket(url.hostname);
    // SNI carries names only.
    const servername = /^[\d.]+$/.test(host) || host.includes(":") ? "" : host;
    const tunnel = request.proxy === undefined
      ? undefined
      : await openTunnel(modules.http, request.proxy, { host: url.host, signal: request.signal });
    const options: Https.RequestOptions = {
      method: request.method ?? "GET",
      host,
      port,
      path: url.pathname + url.search,
      headers,
      signal: request.signal,
      ...this.#tls,
      servername,
      ...(tunnel === undefined ? { agent: modules.agent } : {
        agent: false,
        createConnection: () => modules.tls.connect({ socket: tunnel, servername, ...this.#tls }),
      }),
    };
    return await new Promise<Response>((resolve, reject) => {
      const outgoing = modules.https.request(options, (incoming) => {
        resolve(toResponse(url, incoming, options.method === "HEAD"));
      });
      outgoing.on("error", (error) => {
        tunnel?.destroy();
        reject(error);
      });
      outgoing.end(request.body);
    });
  }
}

/** Opens a `CONNECT` tunnel through `proxy` to `host` (`name:port`). */
function openTunnel(
  http: typeof Http,
  proxy: string,
  target: { host: string; signal: AbortSignal },
): Promise<Http.IncomingMessage["socket"]> {
  const proxyUrl = new URL(proxy.includes("://") ? proxy : `http://${proxy}`);
  const headers: Record<string, string> = { host: target.host };
  if (proxyUrl.username !== "") {
    const user = decodeURIComponent(proxyUrl.username);
    const password = decodeURIComponent(proxyUrl.password);
    headers["proxy-authorization"] = `Basic ${btoa(`${user}:${password}`)}`;
  }
  return new Promise((resolve, reject) => {
    const connect = http.request({
      method: "CONNECT",
      host: proxyUrl.hostname.replace(/^\[|\]$/g, ""),
      port: Number(proxyUrl.port || 80),
      path: target.host,
      headers,
      signal: target.signal,
    });
    connect.on("connect", (response, socket) => {
      if (response.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(new Error(`the proxy answered ${response.statusCode} to CONNECT ${target.host}`));
    });
    connect.on("error", reject);
    connect.end();
  });
}

/** Wraps a `node:http` response as a `fetch` {@link Response} with a streaming body. */
function toResponse(url: URL, incoming: Http.IncomingMessage, head: boolean): Response {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] ?? "", raw[i + 1] ?? "");
  const status = incoming.statusCode ?? 0;
  const bodyless = head || status === 204 || status === 205 || status === 304;
  if (bodyless) incoming.resume();
  const response = new Response(bodyless ? null : bodyStream(incoming), {
    status,
    statusText: incoming.statusMessage ?? "",
    headers,
  });
  Object.defineProperty(response, "url", { value: url.href });
  return response;
}

/**
 * The body as a pull stream. Chunks that arrived before a dropped connection
 * are all delivered before the error, so the caller can resume after them.
 */
function bodyStream(incoming: Http.IncomingMessage): ReadableStream<Uint8Array> {
  const queue: Uint8Array[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  incoming.on("data", (chunk: Uint8Array) => {
    queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (queue.length >= QUEUED_CHUNKS) incoming.pause();
    notify();
  });
  incoming.on("end", () => {
    ended = true;
    notify();
  });
  incoming.on("error", (error) => {
    failure ??= error;
    notify();
  });
  incoming.on("close", () => {
    if (!ended) failure ??= new Error("the connection closed before the end of the body");
    notify();
  });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (queue.length === 0 && !ended && failure === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const chunk = queue.shift();
      if (chunk !== undefined) {
        controller.enqueue(chunk);
        if (queue.length < QUEUED_CHUNKS) incoming.resume();
      } else if (ended) {
        controller.close();
      } else {
        controller.error(failure);
      }
    },
    cancel() {
      incoming.destroy();
    },
  }, { highWaterMark: 0 });
}

const QUEUED_CHUNKS = 16;
