/**
 * The HTTP client every network access goes through: `fetch` with connection
 * reuse (one Deno HTTP client per proxy), a per-read timeout, retries with
 * exponential backoff on connection errors and 5xx answers, credentials
 * (see `auth.ts`), proxies, TLS options, the on-disk HTTP cache, and
 * downloads that stream to disk while hashing, resume with `Range` after a
 * dropped connection, and never leave a partial file behind.
 *
 * `file:` URLs are read from disk, so `file://` indexes and find-links work
 * through the same calls. Every URL in an error is redacted.
 *
 * `--trusted-host` HTTPS hosts skip certificate verification for that host
 * only, through `node:https` (see `unverified_https.ts`); redirects are then
 * followed here, hop by hop, so each hop is verified unless its host is trusted.
 *
 * @module
 */

import { basename, dirname, fileURLToPath, join } from "../paths.ts";
import { DpipError } from "../errors.ts";
import { Authenticator, redactText, redactUrl } from "./auth.ts";
import {
  type HashCheck,
  hashFile,
  HashMismatchError,
  matchesHashes,
  MultiHasher,
  sha256Hex,
} from "./hashes.ts";
import {
  type CacheEntry,
  type HttpCache,
  isFresh,
  isStorable,
  keptHeaders,
  revalidationHeaders,
} from "./http_cache.ts";
import { BodyChunks, ChunkPool } from "./body_chunks.ts";
import { proxyFor } from "./proxy.ts";
import { isTrustedHost, UnverifiedHttps } from "./unverified_https.ts";

/** The `Accept` header for simple API pages: JSON first, then HTML (pip's preference). */
export const SIMPLE_ACCEPT =
  "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

/** A request that failed for a reason other than the server's answer. */
export class NetworkError extends DpipError {
  readonly url: string;
  constructor(url: string, reason: string, options: { attempts: number; cause?: unknown }) {
    const tries = options.attempts > 1 ? ` (after ${options.attempts} attempts)` : "";
    super("network-error", `Could not fetch ${redactUrl(url)}: ${redactText(reason)}${tries}`, {
      hint: networkHint(url, reason),
      cause: options.cause,
    });
    this.name = "NetworkError";
    this.url = redactUrl(url);
  }
}

/** What to try after a failed request, by what went wrong. */
function networkHint(url: string, reason: string): string {
  if (/certificate ?required/i.test(reason)) {
    return "the server asks for a client certificate: pass one with --client-cert (a PEM file holding the certificate and its key)";
  }
  if (/certificate|handshake/i.test(reason)) {
    let host = url;
    try {
      host = new URL(url).host;
    } catch {
      // Not a URL: name it as it is.
    }
    return `the server's certificate could not be verified: pass its CA bundle with --cert, or, for a host you trust, --trusted-host ${host}`;
  }
  return "check the URL, your network and proxy settings; --retries and --timeout tune retrying";
}

/** The server answered with an error status. */
export class HttpStatusError extends DpipError {
  readonly url: string;
  readonly status: number;
  constructor(url: string, status: number, options: { attempts: number; statusText?: string }) {
    const tries = options.attempts > 1 ? ` (after ${options.attempts} attempts)` : "";
    const text = options.statusText ? ` ${options.statusText}` : "";
    super("http-status", `HTTP ${status}${text} for ${redactUrl(url)}${tries}`, {
      ...(status === 401 || status === 403
        ? {
          hint:
            "the index needs credentials: put them in the URL, in .netrc, or use --keyring-provider subprocess",
        }
        : {}),
    });
    this.name = "HttpStatusError";
    this.url = redactUrl(url);
    this.status = status;
  }
}

/** Options for {@link HttpClient}. */
export interface HttpClientOptions {
  /** Seconds to wait for a connection, the headers, or each chunk of a body (default 15). */
  readonly timeout?: number;
  /** How many times to retry after a connection error or a 5xx answer (default 5). */
  readonly retries?: number;
  /** The first retry's delay in ms, doubled each time (default 250, capped at 10 s). */
  readonly backoffMs?: number;
  readonly authenticator?: Authenticator;
  /** `--proxy`. */
  readonly proxy?: string;
  /** The environment, for `HTTP(S)_PROXY` and `NO_PROXY`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra CA certificates (PEM), from `--cert`. */
  readonly caCerts?: readonly string[];
  /** A client certificate and key (PEM), from `--client-cert`. */
  readonly clientCert?: { readonly cert: string; readonly key: string };
  /**
   * `--trusted-host` values (`host` or `host:port`): HTTPS requests to them
   * skip certificate verification (plain HTTP is allowed by the index layer).
   */
  readonly trustedHosts?: readonly string[];
  /** The HTTP cache; none disables caching. */
  readonly cache?: HttpCache;
  readonly userAgent?: string;
}

/** A fetched page or small file. */
export interface FetchedBody {
  /** The URL after redirects, without credentials: relative links resolve against it. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
  readonly fromCache: boolean;
}

export type { HashCheck };

/** Options for {@link HttpClient.download}. */
export interface DownloadOptions {
  /** Every check must pass, or the file is deleted and a {@link HashMismatchError} thrown. */
  readonly checks?: readonly HashCheck[];
  /** Called as bytes arrive: bytes so far and the total when known. */
  readonly onProgress?: (received: number, total: number | undefined) => void;
}

/** A downloaded file. */
export interface DownloadResult {
  readonly path: string;
  readonly size: number;
  /** Hex digests by algorithm (sha256 and every algorithm a check named). */
  readonly digests: Readonly<Record<string, string>>;
  readonly fromCache: boolean;
}

const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

class RetryableError extends Error {
  readonly status?: number;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
  }
}

/**
 * Aborts when nothing happened for `ms`; `touch()` on progress. A touch only
 * records the time (it comes with every read of a body); the timer, when it
 * fires, waits again for whatever is left of `ms` since the last touch.
 */
class IdleTimer {
  readonly controller = new AbortController();
  readonly #ms: number;
  #last = performance.now();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number) {
    this.#ms = ms;
    this.#arm(ms);
  }

  touch(): void {
    this.#last = performance.now();
  }

  clear(): void {
    clearTimeout(this.#timer);
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => {
      const idle = performance.now() - this.#last;
      if (idle >= this.#ms) {
        this.controller.abort(new RetryableError(`timed out after ${this.#ms / 1000} s`));
      } else {
        this.#arm(this.#ms - idle);
      }
    }, delay);
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** One line about what went wrong (Deno's multi-line hints are dropped). */
function describe(error: unknown): string {
  if (error instanceof RetryableError) return error.message;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`.split("\n")[0] ?? "";
  }
  return String(error).split("\n")[0] ?? "";
}

/** `url` without credentials or fragment (itself when it has neither: each change re-parses). */
function stripUrl(url: URL): URL {
  if (url.username === "" && url.password === "" && !url.href.includes("#")) return url;
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  copy.hash = "";
  return copy;
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 12)}.part`);
}

async function writeAll(file: Deno.FsFile, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) offset += await file.write(chunk.subarray(offset));
}

/**
 * The HTTP client. One per run; {@link HttpClient.close} it at the end.
 *
 * @example
 * ```ts ignore
 * const client = new HttpClient({ retries: 2, cache: new HttpCache(dir) });
 * const page = await client.get("https://example.com/simple/demo/", { accept: SIMPLE_ACCEPT });
 * await client.download("https://example.com/files/demo-1.0.tar.gz", "/tmp/demo-1.0.tar.gz");
 * client.close();
 * ```
 */
export class HttpClient {
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #auth: Authenticator;
  readonly #options: HttpClientOptions;
  readonly #clients = new Map<string, Deno.HttpClient>();
  readonly #cache?: HttpCache;
  readonly #trustedHosts: readonly string[];
  /** Read buffers for downloads, reused across them. */
  readonly #chunks = new ChunkPool();
  #unverified: UnverifiedHttps | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.#timeoutMs = Math.max(1, (options.timeout ?? 15) * 1000);
    this.#retries = Math.max(0, Math.floor(options.retries ?? 5));
    this.#backoffMs = options.backoffMs ?? 250;
    this.#auth = options.authenticator ?? new Authenticator();
    this.#options = options;
    this.#trustedHosts = options.trustedHosts ?? [];
    if (options.cache !== undefined) this.#cache = options.cache;
  }

  /** Releases pooled connections. */
  close(): void {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
    this.#unverified?.close();
    this.#unverified = undefined;
  }

  #clientFor(url: URL): Deno.HttpClient {
    const proxy = proxyFor(url, { proxy: this.#options.proxy, env: this.#options.env ?? {} });
    const key = proxy ?? "";
    let client = this.#clients.get(key);
    if (client === undefined) {
      const base: Deno.CreateHttpClientOptions = {
        poolMaxIdlePerHost: 32,
        ...(this.#options.caCerts ? { caCerts: [...this.#options.caCerts] } : {}),
      };
      if (proxy !== undefined) {
        const proxyUrl = new URL(proxy.includes("://") ? proxy : `http://${proxy}`);
        const basicAuth = proxyUrl.username === "" ? undefined : {
          username: decodeURIComponent(proxyUrl.username),
          password: decodeURIComponent(proxyUrl.password),
        };
        proxyUrl.username = "";
        proxyUrl.password = "";
        base.proxy = { url: proxyUrl.href, ...(basicAuth ? { basicAuth } : {}) };
      }
      client = this.#options.clientCert
        ? Deno.createHttpClient({ ...base, ...this.#options.clientCert })
        : Deno.createHttpClient(base);
      this.#clients.set(key, client);
    }
    return client;
  }

  /**
   * One request, redirects followed. Without trusted hosts this is `fetch`;
   * with them each hop picks its transport, so only trusted HTTPS hosts skip
   * verification, and credentials are not sent to another origin.
   */
  async #fetch(
    url: URL,
    init: { headers: Record<string, string>; signal: AbortSignal },
  ): Promise<Response> {
    if (this.#trustedHosts.length === 0) {
      return await fetch(url, { ...init, client: this.#clientFor(url) });
    }
    let current = url;
    let headers = init.headers;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = current.protocol === "https:" && isTrustedHost(current, this.#trustedHosts)
        ? await this.#unverifiedTransport().fetch(current, {
          headers,
          signal: init.signal,
          ...this.#proxyOption(current),
        })
        : await fetch(current, {
          headers,
          signal: init.signal,
          client: this.#clientFor(current),
          redirect: "manual",
        });
      const location = response.headers.get("location");
      if (!REDIRECTS.has(response.status) || location === null) return response;
      await response.body?.cancel();
      const next = new URL(location, current);
      if (next.origin !== current.origin) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"),
        );
      }
      current = next;
    }
    throw new NetworkError(url.href, `more than ${MAX_REDIRECTS} redirects`, { attempts: 1 });
  }

  #unverifiedTransport(): UnverifiedHttps {
    this.#unverified ??= new UnverifiedHttps(
      this.#options.clientCert ? { clientCert: this.#options.clientCert } : {},
    );
    return this.#unverified;
  }

  #proxyOption(url: URL): { proxy?: string } {
    const proxy = proxyFor(url, { proxy: this.#options.proxy, env: this.#options.env ?? {} });
    return proxy === undefined ? {} : { proxy };
  }

  async #sleepBeforeRetry(attempt: number): Promise<void> {
    const ms = Math.min(10_000, this.#backoffMs * 2 ** attempt);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * Runs `operation` until it succeeds, retrying on {@link RetryableError},
   * network failures and timeouts. Turns the last failure into a DpipError.
   */
  async #withRetries<T>(url: URL, operation: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 0;; attempt++) {
      try {
        return await operation(attempt);
      } catch (error) {
        if (error instanceof DpipError) throw error;
        const attempts = attempt + 1;
        // A certificate problem will not go away by asking again.
        const permanent = !(error instanceof RetryableError) &&
          /certificate|handshake/i.test(describe(error));
        if (attempt < this.#retries && !permanent) {
          await this.#sleepBeforeRetry(attempt);
          continue;
        }
        if (error instanceof RetryableError && error.status !== undefined) {
          throw new HttpStatusError(url.href, error.status, { attempts });
        }
        throw new NetworkError(url.href, describe(error), { attempts, cause: error });
      }
    }
  }

  /**
   * Sends one request (with credentials, the proxy and the timer), retrying
   * once with keyring credentials after a 401. 5xx answers throw
   * {@link RetryableError}; other statuses are returned.
   */
  async #send(url: URL, headers: Record<string, string>, timer: IdleTimer): Promise<Response> {
    this.#auth.remember(url);
    const target = stripUrl(url);
    const all: Record<string, string> = {
      "user-agent": this.#options.userAgent ?? "dpip",
      ...headers,
    };
    let authorization = this.#auth.authorization(url);
    for (let round = 0; round < 2; round++) {
      const response = await this.#fetch(target, {
        headers: authorization === undefined ? all : { ...all, authorization },
        signal: timer.controller.signal,
      });
      timer.touch();
      if (response.status === 401 && round === 0) {
        const next = await this.#auth.onUnauthorized(url, authorization);
        if (next !== undefined) {
          await response.body?.cancel();
          authorization = next;
          continue;
        }
      }
      if (isRetryableStatus(response.status)) {
        await response.body?.cancel();
        throw new RetryableError(`HTTP ${response.status}`, { status: response.status });
      }
      return response;
    }
    throw new Error("unreachable: the request loop always returns");
  }

  /**
   * GETs a page or a small file, through the cache: a fresh entry is used as
   * is, a stale one is revalidated (a 304 keeps it). A 404 or other non-5xx
   * error status is returned, not thrown, so callers can treat it as "no such
   * project". `file:` URLs read the file (a directory reads its `index.html`).
   */
  async get(url: string, options: { accept?: string } = {}): Promise<FetchedBody> {
    const parsed = new URL(url);
    const accept = options.accept ?? "*/*";
    if (parsed.protocol === "file:") return await readLocal(parsed);
    const key = stripUrl(parsed).href;
    const cached = await this.#cache?.lookup(key, accept);
    if (cached !== undefined && isFresh(cached, Date.now())) {
      return await fromEntry(cached);
    }
    return await this.#withRetries(parsed, async () => {
      const timer = new IdleTimer(this.#timeoutMs);
      try {
        const headers: Record<string, string> = { accept };
        if (cached !== undefined) Object.assign(headers, revalidationHeaders(cached));
        const response = await this.#send(parsed, headers, timer);
        if (response.status === 304 && cached !== undefined && this.#cache !== undefined) {
          await response.body?.cancel();
          return await fromEntry(await this.#cache.refresh(cached, response.headers, accept));
        }
        const body = await readBody(response, timer);
        const kept = keptHeaders(response.headers);
        const finalUrl = response.url === "" ? key : stripUrl(new URL(response.url)).href;
        if (response.ok && this.#cache !== undefined && isStorable(kept)) {
          const pending = await this.#cache.begin(key, accept);
          try {
            await Deno.writeFile(pending.path, body);
            await pending.commit({
              url: finalUrl,
              status: response.status,
              headers: kept,
              sha256: await sha256Hex(body),
              size: body.length,
            });
          } catch {
            await pending.abort();
          }
        }
        return {
          url: finalUrl,
          status: response.status,
          contentType: response.headers.get("content-type") ?? "",
          body,
          fromCache: false,
        };
      } finally {
        timer.clear();
      }
    });
  }

  /** GETs `range` (e.g. `bytes=-8192`) of a file, uncached. Returns the status and the bytes. */
  async getRange(url: string, range: string): Promise<{ status: number; body: Uint8Array }> {
    const parsed = new URL(url);
    return await this.#withRetries(parsed, async () => {
      const timer = new IdleTimer(this.#timeoutMs);
      try {
        const response = await this.#send(parsed, { range, "accept-encoding": "identity" }, timer);
        return { status: response.status, body: await readBody(response, timer) };
      } finally {
        timer.clear();
      }
    });
  }

  /**
   * Downloads `url` to `dest`: streams into a temporary file next to it while
   * hashing, verifies every check, then renames. A cached copy is used when
   * its sha256 matches a check's or its headers say it is fresh (a stale one
   * is revalidated). A dropped connection resumes with `Range` when the
   * server supports it. On any failure no file is left at `dest`, beside it,
   * or in the cache.
   */
  async download(
    url: string,
    dest: string,
    options: DownloadOptions = {},
  ): Promise<DownloadResult> {
    const parsed = new URL(url);
    const checks = options.checks ?? [];
    const algorithms = checks.flatMap((c) => Object.keys(c.allowed));
    const name = basename(dest);
    const verify = (digests: Record<string, string>) => {
      for (const check of checks) {
        if (!matchesHashes(digests, check.allowed)) {
          throw new HashMismatchError(name, {
            expected: check.allowed,
            got: digests,
            source: check.source,
          });
        }
      }
    };
    if (parsed.protocol === "file:") {
      const result = await copyHashing(fileURLToPath(parsed), dest, algorithms, options);
      try {
        verify(result.digests);
      } catch (error) {
        await Deno.remove(result.path).catch(() => {});
        throw error;
      }
      return await finish(result, dest, false);
    }
    const key = stripUrl(parsed).href;
    const cached = await this.#cache?.lookup(key, "*/*");
    const expectedSha256 = checks.flatMap((c) => c.allowed["sha256"] ?? []).map((h) =>
      h.toLowerCase()
    );
    if (
      cached !== undefined &&
      (isFresh(cached, Date.now()) || expectedSha256.includes(cached.sha256))
    ) {
      // The entry must still be what was stored (a hard-linked copy may have been edited).
      const digests = await hashFile(cached.bodyPath, algorithms).catch(() => undefined);
      if (digests !== undefined && digests["sha256"] === cached.sha256) {
        verify(digests);
        await linkOrCopy(cached.bodyPath, dest);
        options.onProgress?.(cached.size, cached.size);
        return { path: dest, size: cached.size, digests, fromCache: true };
      }
    }
    const pending = await this.#cache?.begin(key, "*/*").catch(() => undefined);
    const tmp = pending?.path ?? tempPathFor(dest);
    let moved = false;
    try {
      const fetched = await this.#fetchToFile(parsed, tmp, {
        algorithms,
        cached,
        onProgress: options.onProgress,
      });
      if (fetched.kind === "not-modified" && cached !== undefined) {
        await pending?.abort();
        return await this.download(url, dest, {
          ...options,
          checks: [...checks, { source: "the cache", allowed: { sha256: [cached.sha256] } }],
        });
      }
      if (fetched.kind === "not-modified") throw new Error("304 without a cached entry");
      verify(fetched.digests);
      const sha256 = fetched.digests["sha256"] ?? "";
      if (pending !== undefined && (isStorable(fetched.headers) || expectedSha256.length > 0)) {
        const entry = await pending.commit({
          url: fetched.url,
          status: 200,
          headers: fetched.headers,
          sha256,
          size: fetched.size,
        });
        moved = true;
        await linkOrCopy(entry.bodyPath, dest);
      } else {
        await moveFile(tmp, dest);
        moved = true;
      }
      return { path: dest, size: fetched.size, digests: fetched.digests, fromCache: false };
    } finally {
      if (!moved) await Deno.remove(tmp).catch(() => {});
    }
  }

  async #fetchToFile(
    url: URL,
    tmp: string,
    options: {
      algorithms: readonly string[];
      cached: CacheEntry | undefined;
      onProgress: DownloadOptions["onProgress"];
    },
  ): Promise<
    | { kind: "not-modified" }
    | {
      kind: "done";
      url: string;
      size: number;
      digests: Record<string, string>;
      headers: Record<string, string>;
    }
  > {
    let hasher = await MultiHasher.create(options.algorithms);
    /** Bytes written and hashed, which a resumed request continues after. */
    let received = 0;
    /** Bytes handed to the file (more than `received` after a failed write). */
    let written = 0;
    let validator: string | undefined;
    using file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    return await this.#withRetries(url, async () => {
      const timer = new IdleTimer(this.#timeoutMs);
      try {
        const headers: Record<string, string> = { "accept-encoding": "identity" };
        if (options.cached !== undefined) {
          Object.assign(headers, revalidationHeaders(options.cached));
        }
        const resuming = received > 0 && validator !== undefined;
        if (resuming) {
          headers["range"] = `bytes=${received}-`;
          headers["if-range"] = validator ?? "";
        }
        const response = await this.#send(url, headers, timer);
        if (response.status === 304 && options.cached !== undefined) {
          await response.body?.cancel();
          return { kind: "not-modified" as const };
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw new HttpStatusError(url.href, response.status, {
            attempts: 1,
            statusText: response.statusText,
          });
        }
        const contentRange = response.headers.get("content-range");
        const resumed = resuming && response.status === 206 &&
          contentRange?.startsWith(`bytes ${received}-`) === true;
        if (!resumed && received > 0) {
          hasher = await MultiHasher.create(options.algorithms);
          received = 0;
        }
        if (!resumed && written > 0) {
          await file.truncate(0);
          await file.seek(0, Deno.SeekMode.Start);
          written = 0;
        }
        const length = Number(response.headers.get("content-length") ?? NaN);
        const total = Number.isFinite(length) ? received + length : undefined;
        const acceptsRanges = response.headers.get("accept-ranges") === "bytes";
        validator = acceptsRanges
          ? response.headers.get("etag") ?? response.headers.get("last-modified") ?? undefined
          : undefined;
        const kept = keptHeaders(response.headers);
        const finalUrl = response.url === "" ? url.href : stripUrl(new URL(response.url)).href;
        if (response.body === null) throw new RetryableError("empty response body");
        const chunks = new BodyChunks(response.body, this.#chunks);
        try {
          for (let chunk = await chunks.next(); chunk !== undefined; chunk = await chunks.next()) {
            timer.touch();
            written += chunk.length;
            try {
              await writeAll(file, chunk);
            } catch (error) {
              validator = undefined; // the file may hold part of the chunk: start over
              throw error;
            }
            // Hashed once written, so what is hashed is what a resumed request continues after.
            hasher.update(chunk);
            received += chunk.length;
            options.onProgress?.(received, total);
          }
        } catch (error) {
          throw new RetryableError(
            `connection lost after ${received} bytes: ${
              describe(timer.controller.signal.reason ?? error)
            }`,
            { cause: error },
          );
        } finally {
          chunks.release();
        }
        if (total !== undefined && received !== total) {
          throw new RetryableError(`received ${received} of ${total} bytes`);
        }
        return {
          kind: "done" as const,
          url: finalUrl,
          size: received,
          digests: hasher.digest(),
          headers: kept,
        };
      } finally {
        timer.clear();
      }
    });
  }
}

async function readBody(response: Response, timer: IdleTimer): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      timer.touch();
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (error) {
    throw new RetryableError(
      `connection lost while reading the body: ${
        describe(timer.controller.signal.reason ?? error)
      }`,
      { cause: error },
    );
  }
  const length = response.headers.get("content-length");
  if (length !== null && response.headers.get("content-encoding") === null) {
    if (Number(length) !== size) throw new RetryableError(`received ${size} of ${length} bytes`);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

async function fromEntry(entry: CacheEntry): Promise<FetchedBody> {
  return {
    url: entry.url,
    status: entry.status,
    contentType: entry.headers["content-type"] ?? "",
    body: await Deno.readFile(entry.bodyPath),
    fromCache: true,
  };
}

async function readLocal(url: URL): Promise<FetchedBody> {
  let path = fileURLToPath(url);
  try {
    const stat = await Deno.stat(path);
    if (stat.isDirectory) {
      path = join(path, "index.html");
      if (!url.pathname.endsWith("/")) url = new URL(url.href + "/");
    }
    const body = await Deno.readFile(path);
    const contentType = path.endsWith(".json")
      ? "application/vnd.pypi.simple.v1+json"
      : path.endsWith(".html") || path.endsWith(".htm")
      ? "text/html"
      : "application/octet-stream";
    return { url: url.href, status: 200, contentType, body, fromCache: false };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return {
        url: url.href,
        status: 404,
        contentType: "",
        body: new Uint8Array(),
        fromCache: false,
      };
    }
    throw new NetworkError(url.href, describe(error), { attempts: 1, cause: error });
  }
}

interface CopiedFile {
  readonly path: string;
  readonly size: number;
  readonly digests: Record<string, string>;
}

/** Copies `source` to a temporary file beside `dest`, hashing as it goes. */
async function copyHashing(
  source: string,
  dest: string,
  algorithms: readonly string[],
  options: DownloadOptions,
): Promise<CopiedFile> {
  const tmp = tempPathFor(dest);
  const hasher = await MultiHasher.create(algorithms);
  let size = 0;
  try {
    using input = await Deno.open(source, { read: true });
    const total = (await input.stat()).size;
    using output = await Deno.open(tmp, { write: true, createNew: true });
    const buffer = new Uint8Array(1 << 20);
    while (true) {
      const n = await input.read(buffer);
      if (n === null) break;
      const chunk = buffer.subarray(0, n);
      hasher.update(chunk);
      await writeAll(output, chunk);
      size += n;
      options.onProgress?.(size, total);
    }
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    if (error instanceof Deno.errors.NotFound) {
      throw new NetworkError(source, "no such file", { attempts: 1, cause: error });
    }
    throw error;
  }
  return { path: tmp, size, digests: hasher.digest() };
}

/**
 * Puts `source` at `dest` as a hard link (no copy: cache entries are
 * re-hashed before reuse), or a copy across file systems. A missing `dest`
 * is linked directly (a link appears whole); otherwise, or for a copy, the
 * file goes beside it first and is renamed over it.
 */
async function linkOrCopy(source: string, dest: string): Promise<void> {
  try {
    await Deno.link(source, dest);
    return;
  } catch {
    // It exists, or links are not possible here: go through a temporary file.
  }
  const tmp = tempPathFor(dest);
  try {
    try {
      await Deno.link(source, tmp);
    } catch {
      await Deno.copyFile(source, tmp);
    }
    await Deno.rename(tmp, dest);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/** Renames `source` to `dest`, copying through a temporary file across file systems. */
async function moveFile(source: string, dest: string): Promise<void> {
  try {
    await Deno.rename(source, dest);
  } catch {
    const copy = tempPathFor(dest);
    try {
      await Deno.copyFile(source, copy);
      await Deno.rename(copy, dest);
    } catch (error) {
      await Deno.remove(copy).catch(() => {});
      throw error;
    }
  }
}

async function finish(
  result: CopiedFile,
  dest: string,
  fromCache: boolean,
): Promise<DownloadResult> {
  try {
    await Deno.rename(result.path, dest);
  } catch (error) {
    await Deno.remove(result.path).catch(() => {});
    throw error;
  }
  return { path: dest, size: result.size, digests: result.digests, fromCache };
}
