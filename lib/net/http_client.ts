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
 * only, through `node:https` (see `node_https.ts`); hosts whose `--cert`
 * certificate is its own CA (rustls refuses those, OpenSSL and pip accept
 * them) are verified through `node:https` against the bundle. Redirects are
 * then followed here, hop by hop, so each hop is verified unless its host is
 * trusted.
 *
 * Bodies read whole (pages, metadata) are bounded (`body_limits.ts`) as they
 * stream and decode, and must arrive within 8 timeouts; a body checked
 * against hashes enters the cache only once it passed.
 *
 * Failures are sorted (see `net_errors.ts`): certificate problems and bad
 * redirects are not retried; a refused connection or an unknown host is
 * retried at most twice, and once an origin failed that way (or its
 * certificate was refused) every later request to it in the run fails at
 * once, so an index that is down costs one short wait, not one per page.
 *
 * @module
 */

import { basename, dirname, fileURLToPath, join } from "../paths.ts";
import { CancelledError, throwIfCancelled } from "../cancellation.ts";
import { DpipError } from "../errors.ts";
import { Authenticator } from "./auth.ts";
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
import { type BodyLimits, BodyTooLargeError, DEFAULT_BODY_LIMITS } from "./body_limits.ts";
import { proxyFor } from "./proxy.ts";
import { type HeadHeaders, Revalidator } from "./revalidator.ts";
import { isTrustedHost, NodeHttps } from "./node_https.ts";
import {
  classifyFailure,
  type Failure,
  HopError,
  HttpStatusError,
  isRetryable,
  NetworkError,
} from "./net_errors.ts";

export { HttpStatusError, NetworkError } from "./net_errors.ts";

/** The `Accept` header for simple API pages: JSON first, then HTML (pip's preference). */
export const SIMPLE_ACCEPT =
  "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

/** Options for {@link HttpClient}. */
export interface HttpClientOptions {
  /**
   * Seconds to wait for a connection, the headers, or each chunk of a body
   * (default 15). A page or metadata file (a body read whole) must also
   * arrive whole within 8 times this, so a server that trickles it fails.
   */
  readonly timeout?: number;
  /** How many times to retry after a connection error or a 5xx answer (default 5). */
  readonly retries?: number;
  /**
   * Aborted on an interrupt (Ctrl-C): requests in flight stop (a download's
   * partial file is removed), none start, and each fails with
   * `CancelledError`.
   */
  readonly signal?: AbortSignal;
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
  /** The largest bodies read whole (see `body_limits.ts`); defaults for what is not given. */
  readonly limits?: Partial<BodyLimits>;
  /**
   * Called after each successful {@link HttpClient.download}, with the file
   * and the digests its bytes were verified against (e.g. to keep a wheel's
   * metadata by its hash). Its failures are ignored.
   */
  readonly onDownloaded?: (file: DownloadedFile) => Promise<void>;
}

/** A file {@link HttpClient.download} wrote, for {@link HttpClientOptions.onDownloaded}. */
export interface DownloadedFile {
  /** The URL asked for, without credentials. */
  readonly url: string;
  readonly path: string;
  /** Hex digests of the file's bytes by algorithm (sha256 always). */
  readonly digests: Readonly<Record<string, string>>;
}

/** One request's headers, signal and (for a POST) method and body. */
interface SendInit {
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal;
  readonly method?: string;
  readonly body?: Uint8Array<ArrayBuffer>;
}

/** Options for {@link HttpClient.get}. */
export interface GetOptions {
  /** The `Accept` header (default `*\/*`). */
  readonly accept?: string;
  /** Which of the client's {@link BodyLimits} bounds the decoded body (default `page`). */
  readonly limit?: keyof BodyLimits;
  /**
   * Hashes the body must match: a body that does not is a
   * {@link HashMismatchError}, and is neither cached nor taken from the cache.
   */
  readonly checks?: readonly HashCheck[];
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
  /**
   * Stops this download when aborted, as the client's own signal stops all:
   * the partial file is removed and it fails with `CancelledError`.
   */
  readonly signal?: AbortSignal;
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
/** Retries after a refused connection or an unknown host name (at most; `retries` may say fewer). */
const UNREACHABLE_RETRIES = 2;
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
 *
 * The timers are `AbortSignal.timeout` signals, not `setTimeout`: Deno's
 * global `setTimeout` is Node's, and its first use loads Deno's Node timers
 * (~5 ms, a tenth of a warm `lock`'s page revalidations). Such a signal
 * cannot be cancelled, but one without a listener neither keeps the process
 * alive nor does anything when it fires: {@link IdleTimer.clear} removes the
 * listeners.
 */
class IdleTimer {
  readonly controller = new AbortController();
  readonly #ms: number;
  #last = performance.now();
  #idle: AbortSignal | undefined;
  #deadline: AbortSignal | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onInterrupt = () => this.controller.abort(new CancelledError());
  readonly #onIdle = () => {
    const idle = performance.now() - this.#last;
    if (idle >= this.#ms) {
      this.controller.abort(new RetryableError(`timed out after ${this.#ms / 1000} s`));
    } else {
      this.#arm(this.#ms - idle);
    }
  };
  readonly #onDeadline: () => void = () => {};

  /**
   * With `deadlineMs`, the request is also aborted that long after it
   * started, busy or not; with `signal`, as soon as that is aborted.
   */
  constructor(ms: number, options: { deadlineMs?: number; signal?: AbortSignal } = {}) {
    this.#ms = ms;
    this.#signal = options.signal;
    if (this.#signal?.aborted === true) this.#onInterrupt();
    this.#signal?.addEventListener("abort", this.#onInterrupt, { once: true });
    this.#arm(ms);
    const deadline = options.deadlineMs;
    if (deadline !== undefined) {
      this.#onDeadline = () => this.controller.abort(new DeadlineExceeded(deadline));
      this.#deadline = AbortSignal.timeout(Math.ceil(deadline));
      this.#deadline.addEventListener("abort", this.#onDeadline, { once: true });
    }
  }

  touch(): void {
    this.#last = performance.now();
  }

  clear(): void {
    this.#idle?.removeEventListener("abort", this.#onIdle);
    this.#deadline?.removeEventListener("abort", this.#onDeadline);
    this.#signal?.removeEventListener("abort", this.#onInterrupt);
  }

  #arm(delay: number): void {
    this.#idle = AbortSignal.timeout(Math.max(1, Math.ceil(delay)));
    this.#idle.addEventListener("abort", this.#onIdle, { once: true });
  }
}

/**
 * A body read whole took longer than its deadline (a server trickling it, a
 * "slow loris"): not retried, since the same server will do it again.
 */
class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(
      `the answer did not arrive whole within ${ms / 1000} s (${BODY_DEADLINE_FACTOR} × --timeout)`,
    );
  }
}

/** How many `--timeout`s a page or metadata file may take to arrive whole. */
const BODY_DEADLINE_FACTOR = 8;

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
  /** The longest a body read whole may take, from the request to its last byte. */
  readonly #bodyDeadlineMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #auth: Authenticator;
  readonly #options: HttpClientOptions;
  readonly #clients = new Map<string, Deno.HttpClient>();
  readonly #cache?: HttpCache;
  readonly #trustedHosts: readonly string[];
  /** Read buffers for downloads, reused across them. */
  readonly #chunks = new ChunkPool();
  /** Conditional GETs of cached `http:` pages, without `fetch`. */
  #revalidator: Revalidator | undefined;
  #unverified: NodeHttps | undefined;
  #caVerified: NodeHttps | undefined;
  /** Origins whose `--cert` certificate is its own CA: served by {@link NodeHttps}. */
  readonly #caOrigins = new Set<string>();
  /** Origins that could not be reached in this run, with the failure. */
  readonly #down = new Map<string, Failure>();
  /** The largest bodies read whole. */
  readonly limits: BodyLimits;

  constructor(options: HttpClientOptions = {}) {
    this.limits = { ...DEFAULT_BODY_LIMITS, ...options.limits };
    this.#timeoutMs = Math.max(1, (options.timeout ?? 15) * 1000);
    this.#bodyDeadlineMs = this.#timeoutMs * BODY_DEADLINE_FACTOR;
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
    this.#revalidator?.close();
    this.#revalidator = undefined;
    this.#unverified?.close();
    this.#unverified = undefined;
    this.#caVerified?.close();
    this.#caVerified = undefined;
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
   * One request, redirects followed. Without trusted hosts or `--cert` this
   * is `fetch`; with them each hop picks its transport, so only trusted
   * HTTPS hosts skip verification, and credentials are not sent to another
   * origin.
   */
  async #fetch(url: URL, init: SendInit): Promise<Response> {
    if (this.#trustedHosts.length === 0 && this.#options.caCerts === undefined) {
      return await fetch(url, { ...init, client: this.#clientFor(url) });
    }
    let current = url;
    let headers = init.headers;
    let payload = init.body === undefined ? {} : { method: init.method, body: init.body };
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const target = current;
      const response = await this.#hop(target, { headers, signal: init.signal, ...payload }).catch(
        (error: unknown) => {
          throw hop === 0 || init.signal.aborted ? error : new HopError(target.href, error);
        },
      );
      const location = response.headers.get("location");
      if (!REDIRECTS.has(response.status) || location === null) return response;
      await response.body?.cancel();
      const next = new URL(location, current);
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        throw new TypeError("Can not redirect to a non HTTP(s) url");
      }
      // As fetch: a 301, 302 or 303 answer to a POST is followed with a GET.
      if (response.status <= 303) payload = {};
      if (next.origin !== current.origin) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"),
        );
      }
      current = next;
    }
    throw new TypeError(`more than ${MAX_REDIRECTS} redirects`);
  }

  /** One hop, redirects returned: through the transport its origin needs. */
  async #hop(url: URL, init: SendInit): Promise<Response> {
    const https = url.protocol === "https:";
    if (https && isTrustedHost(url, this.#trustedHosts)) {
      return await this.#nodeTransport("none").fetch(url, { ...init, ...this.#proxyOption(url) });
    }
    const caCerts = this.#options.caCerts;
    if (https && caCerts !== undefined && this.#caOrigins.has(url.origin)) {
      return await this.#nodeTransport(caCerts).fetch(url, { ...init, ...this.#proxyOption(url) });
    }
    try {
      return await fetch(url, { ...init, client: this.#clientFor(url), redirect: "manual" });
    } catch (error) {
      // A self-signed certificate that is its own CA, named by --cert: OpenSSL (pip) takes it.
      if (!https || caCerts === undefined || !/CaUsedAsEndEntity/.test(describe(error))) {
        throw error;
      }
      this.#caOrigins.add(url.origin);
      return await this.#nodeTransport(caCerts).fetch(url, { ...init, ...this.#proxyOption(url) });
    }
  }

  #nodeTransport(verify: "none" | readonly string[]): NodeHttps {
    const clientCert = this.#options.clientCert ? { clientCert: this.#options.clientCert } : {};
    if (verify === "none") {
      this.#unverified ??= new NodeHttps({ verify: "none", ...clientCert });
      return this.#unverified;
    }
    this.#caVerified ??= new NodeHttps({ verify: { ca: verify }, ...clientCert });
    return this.#caVerified;
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
   * network failures and timeouts as their kind allows (see the module doc).
   * Turns the last failure into a DpipError. A request to an origin that
   * could not be reached earlier in the run fails at once.
   */
  async #withRetries<T>(
    url: URL,
    operation: (attempt: number) => Promise<T>,
    signal: AbortSignal | undefined = this.#options.signal,
  ): Promise<T> {
    const down = this.#down.get(url.origin);
    if (down !== undefined) {
      throw new NetworkError(url.href, down.reason, {
        attempts: 0,
        kind: down.kind,
        repeated: true,
      });
    }
    for (let attempt = 0;; attempt++) {
      throwIfCancelled(signal);
      try {
        return await operation(attempt);
      } catch (error) {
        if (signal?.aborted === true) throw new CancelledError({ cause: error });
        if (error instanceof DpipError) throw error;
        const attempts = attempt + 1;
        if (error instanceof DeadlineExceeded) {
          throw new NetworkError(url.href, error.message, { attempts, kind: "timeout" });
        }
        const failure: Failure = error instanceof RetryableError
          ? { kind: error.status === undefined ? "dropped" : "other", reason: error.message }
          : classifyFailure(error);
        const unreachable = failure.kind === "refused" || failure.kind === "dns";
        const allowed = unreachable ? Math.min(this.#retries, UNREACHABLE_RETRIES) : this.#retries;
        if (attempt < allowed && isRetryable(failure.kind)) {
          await this.#sleepBeforeRetry(attempt);
          continue;
        }
        if (error instanceof RetryableError && error.status !== undefined) {
          throw new HttpStatusError(url.href, error.status, { attempts });
        }
        if (unreachable || failure.kind === "tls") {
          this.#down.set(new URL(failure.at ?? url.href).origin, failure);
        }
        throw new NetworkError(url.href, failure.reason, {
          attempts,
          kind: failure.kind,
          ...(failure.at === undefined || failure.at === url.href ? {} : { at: failure.at }),
          cause: error,
        });
      }
    }
  }

  /**
   * What every request to `url` carries: the user agent and `headers`, and
   * the credentials known for it (its own, which are remembered for its host,
   * or the host's).
   */
  #headersFor(
    url: URL,
    headers: Record<string, string>,
  ): { all: Record<string, string>; authorization: string | undefined } {
    this.#auth.remember(url);
    return {
      all: { "user-agent": this.#options.userAgent ?? "dpip", ...headers },
      authorization: this.#auth.authorization(url),
    };
  }

  /**
   * Sends one request (with credentials, the proxy and the timer), retrying
   * once with keyring credentials after a 401. 5xx answers throw
   * {@link RetryableError}; other statuses are returned.
   */
  async #send(
    url: URL,
    headers: Record<string, string>,
    timer: IdleTimer,
    body?: Uint8Array<ArrayBuffer>,
  ): Promise<Response> {
    const target = stripUrl(url);
    const { all, authorization: known } = this.#headersFor(url, headers);
    let authorization = known;
    for (let round = 0; round < 2; round++) {
      const response = await this.#fetch(target, {
        headers: authorization === undefined ? all : { ...all, authorization },
        signal: timer.controller.signal,
        ...(body === undefined ? {} : { method: "POST", body }),
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
   * Asks whether a cached page changed without `fetch`, for an `http:` URL
   * reached without a proxy (see `revalidator.ts`): the 304's headers, or
   * undefined when the answer must be asked for through `fetch`.
   */
  async #revalidate(
    url: URL,
    headers: Record<string, string>,
    timer: IdleTimer,
  ): Promise<HeadHeaders | undefined> {
    if (url.protocol !== "http:" || this.#proxyOption(url).proxy !== undefined) return undefined;
    const { all, authorization } = this.#headersFor(url, {
      // What fetch sends besides: the server picks the representation whose validator is held.
      "accept-encoding": "gzip,br",
      "accept-language": "*",
      ...headers,
    });
    this.#revalidator ??= new Revalidator();
    const answer = await this.#revalidator.notModified(
      stripUrl(url),
      authorization === undefined ? all : { ...all, authorization },
      timer.controller.signal,
    );
    timer.touch();
    return answer;
  }

  /**
   * A 304's answer from the cache: `cached` refreshed with the 304's headers,
   * served from its stored body; undefined if that body went missing.
   */
  async #keepCached(
    cached: CacheEntry,
    headers: Pick<Headers, "get">,
    accept: string,
  ): Promise<FetchedBody | undefined> {
    const refreshed = await this.#cache!.refresh(cached, headers, accept);
    const body = await readCached(refreshed);
    return body === undefined ? undefined : fromEntry(refreshed, body);
  }

  /**
   * GETs a page or a small file, through the cache: a fresh entry is used as
   * is, a stale one is revalidated (a 304 keeps it). A 404 or other non-5xx
   * error status is returned, not thrown, so callers can treat it as "no such
   * project". `file:` URLs read the file (a directory reads its `index.html`).
   * A body bigger than `maxBytes` is a {@link BodyTooLargeError}; one that
   * fails `checks` a {@link HashMismatchError}, before anything is cached.
   */
  async get(url: string, options: GetOptions = {}): Promise<FetchedBody> {
    const parsed = new URL(url);
    const accept = options.accept ?? "*/*";
    const limit = { kind: options.limit ?? "page", bytes: this.limits[options.limit ?? "page"] };
    const checks = options.checks ?? [];
    const verify = async (body: Uint8Array): Promise<void> => {
      if (checks.length === 0) return;
      const problem = await failedCheck(body, checks, filenameOf(parsed));
      if (problem !== undefined) throw problem;
    };
    if (parsed.protocol === "file:") {
      const local = await readLocal(parsed, limit);
      if (local.status === 200) await verify(local.body);
      return local;
    }
    const key = stripUrl(parsed).href;
    let cached = await this.#cache?.lookup(key, accept);
    if (cached !== undefined && (cached.size > limit.bytes || checks.length > 0)) {
      // An entry that cannot be what is asked for is not revalidated but fetched again.
      const body = cached.size > limit.bytes ? undefined : await readCached(cached);
      if (body === undefined || await failedCheck(body, checks, "") !== undefined) {
        cached = undefined;
      }
    }
    if (cached !== undefined && isFresh(cached, Date.now())) {
      const body = await readCached(cached);
      if (body !== undefined) return fromEntry(cached, body);
      cached = undefined;
    }
    return await this.#withRetries(parsed, async () => {
      const timer = new IdleTimer(this.#timeoutMs, {
        deadlineMs: this.#bodyDeadlineMs,
        signal: this.#options.signal,
      });
      try {
        const headers: Record<string, string> = { accept };
        if (cached !== undefined) {
          const validators = revalidationHeaders(cached);
          Object.assign(headers, validators);
          const notModified = await this.#revalidate(parsed, headers, timer);
          if (notModified !== undefined) {
            const kept = await this.#keepCached(cached, notModified, accept);
            if (kept !== undefined) return kept;
            // The body went missing since the lookup: ask for it whole.
            cached = undefined;
            for (const name of Object.keys(validators)) delete headers[name];
          }
        }
        const response = await this.#send(parsed, headers, timer);
        if (response.status === 304 && cached !== undefined) {
          await response.body?.cancel();
          const kept = await this.#keepCached(cached, response.headers, accept);
          if (kept === undefined) throw new RetryableError("the cached body went missing");
          return kept;
        }
        const body = await readBody(response, timer, { url: parsed.href, ...limit });
        const finalUrl = response.url === "" ? key : stripUrl(new URL(response.url)).href;
        if (response.ok) await verify(body);
        const kept = keptHeaders(response.headers);
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

  /**
   * POSTs `body` (e.g. a JSON query to an API), uncached, retried as a GET
   * is (use it for queries that change nothing). Returns the status and the
   * answer, bounded by the client's `page` limit.
   */
  async post(
    url: string,
    body: Uint8Array<ArrayBuffer>,
    options: { contentType: string; accept?: string },
  ): Promise<{ status: number; contentType: string; body: Uint8Array }> {
    const parsed = new URL(url);
    const headers = { "content-type": options.contentType, accept: options.accept ?? "*/*" };
    return await this.#withRetries(parsed, async () => {
      const timer = new IdleTimer(this.#timeoutMs, {
        deadlineMs: this.#bodyDeadlineMs,
        signal: this.#options.signal,
      });
      try {
        const response = await this.#send(parsed, headers, timer, body);
        return {
          status: response.status,
          contentType: response.headers.get("content-type") ?? "",
          body: await readBody(response, timer, {
            url: parsed.href,
            kind: "page",
            bytes: this.limits.page,
          }),
        };
      } finally {
        timer.clear();
      }
    });
  }

  /**
   * GETs `range` (e.g. `bytes=-8192`) of a file, uncached. Returns the status
   * and, for a 206, the bytes; a server that ignores the range (200) or
   * refuses it gets its body cancelled, not read, and the body is empty.
   */
  async getRange(
    url: string,
    range: string,
    options: { limit?: keyof BodyLimits } = {},
  ): Promise<{ status: number; body: Uint8Array }> {
    const parsed = new URL(url);
    const kind = options.limit ?? "page";
    return await this.#withRetries(parsed, async () => {
      const timer = new IdleTimer(this.#timeoutMs, {
        deadlineMs: this.#bodyDeadlineMs,
        signal: this.#options.signal,
      });
      try {
        const response = await this.#send(parsed, { range, "accept-encoding": "identity" }, timer);
        if (response.status !== 206) {
          await response.body?.cancel();
          return { status: response.status, body: new Uint8Array() };
        }
        return {
          status: response.status,
          body: await readBody(response, timer, {
            url: parsed.href,
            kind,
            bytes: this.limits[kind],
          }),
        };
      } finally {
        timer.clear();
      }
    });
  }

  /**
   * Downloads `url` to `dest`: streams into a temporary file next to it while
   * hashing, verifies every check, then renames. A cached copy is used when
   * its sha256 matches a check's or its headers say it is fresh (a stale one
   * is revalidated), and only when it still has the bytes it was stored with
   * and passes every check (else it is fetched again, and replaced). A
   * dropped connection resumes with `Range` when the server supports it. On
   * any failure no file is left at `dest`, beside it, or in the cache.
   */
  async download(
    url: string,
    dest: string,
    options: DownloadOptions = {},
  ): Promise<DownloadResult> {
    const result = await this.#download(url, dest, options);
    try {
      await this.#options.onDownloaded?.({
        url: stripUrl(new URL(url)).href,
        path: result.path,
        digests: result.digests,
      });
    } catch {
      // A hook that fails costs only what it would have saved.
    }
    return result;
  }

  async #download(url: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
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
    const signal = options.signal === undefined || this.#options.signal === undefined
      ? options.signal ?? this.#options.signal
      : AbortSignal.any([this.#options.signal, options.signal]);
    const expectedSha256 = checks.flatMap((c) => c.allowed["sha256"] ?? []).map((h) =>
      h.toLowerCase()
    );
    /** The cached copy at `dest`, when it still is what was stored and passes every check. */
    const useCached = async (entry: CacheEntry): Promise<DownloadResult | undefined> => {
      // The entry must still be what was stored (a hard-linked copy may have been edited).
      const digests = await hashFile(entry.bodyPath, algorithms).catch(() => undefined);
      if (digests === undefined || digests["sha256"] !== entry.sha256) return undefined;
      if (!checks.every((check) => matchesHashes(digests, check.allowed))) return undefined;
      await linkOrCopy(entry.bodyPath, dest);
      options.onProgress?.(entry.size, entry.size);
      return { path: dest, size: entry.size, digests, fromCache: true };
    };
    let cached = await this.#cache?.lookup(key, "*/*");
    if (cached !== undefined) {
      const usable = isFresh(cached, Date.now()) || expectedSha256.includes(cached.sha256);
      const hit = usable ? await useCached(cached) : undefined;
      if (hit !== undefined) return hit;
      // A stale entry is revalidated unless it cannot pass the checks anyway.
      if (usable || (expectedSha256.length > 0 && !expectedSha256.includes(cached.sha256))) {
        cached = undefined;
      }
    }
    for (let round = 0;; round++) {
      const pending = await this.#cache?.begin(key, "*/*").catch(() => undefined);
      const tmp = pending?.path ?? tempPathFor(dest);
      let moved = false;
      try {
        const fetched = await this.#fetchToFile(parsed, tmp, {
          algorithms,
          cached,
          onProgress: options.onProgress,
          signal,
        });
        if (fetched.kind === "not-modified") {
          await pending?.abort();
          const hit = cached === undefined ? undefined : await useCached(cached);
          if (hit !== undefined) return hit;
          if (round > 0) throw new Error("304 without a usable cached entry");
          cached = undefined; // the entry went bad: fetch it whole
          continue;
        }
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
  }

  async #fetchToFile(
    url: URL,
    tmp: string,
    options: {
      algorithms: readonly string[];
      cached: CacheEntry | undefined;
      onProgress: DownloadOptions["onProgress"];
      signal: AbortSignal | undefined;
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
    /** The URL and headers of the answer the file's bytes started with. */
    let delivered: { url: string; headers: Record<string, string> } | undefined;
    using file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    return await this.#withRetries(url, async () => {
      const timer = new IdleTimer(this.#timeoutMs, { signal: options.signal });
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
        if (resuming && response.status === 416) {
          // Nothing left after what arrived (the connection failed after the last byte):
          // done, if the server's size is what we have (the hashes then say if it is right).
          await response.body?.cancel();
          const size = /^bytes \*\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1];
          if (size !== undefined && Number(size) === received && delivered !== undefined) {
            return {
              kind: "done" as const,
              size: received,
              digests: hasher.digest(),
              ...delivered,
            };
          }
          validator = undefined;
          throw new RetryableError(`the server refused to resume after ${received} bytes`);
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
        if (!resumed) delivered = { url: finalUrl, headers: kept };
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
    }, options.signal);
  }
}

/** A limit on a body read whole: its size class and its bytes. */
interface ReadLimit {
  readonly kind: keyof BodyLimits;
  readonly bytes: number;
}

/**
 * The whole body (decoded as it streams), failing with a
 * {@link BodyTooLargeError} as soon as it passes the limit (or when its
 * `Content-Length` announces more), so a compression bomb is never held.
 */
async function readBody(
  response: Response,
  timer: IdleTimer,
  limit: ReadLimit & { url: string },
): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array();
  const tooLarge = () => new BodyTooLargeError(limit.url, { limit: limit.bytes, kind: limit.kind });
  const length = response.headers.get("content-length");
  const encoded = response.headers.get("content-encoding") !== null;
  if (length !== null && !encoded && Number(length) > limit.bytes) {
    await response.body.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      timer.touch();
      size += value.length;
      if (size > limit.bytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    const reason = timer.controller.signal.reason;
    if (reason instanceof DeadlineExceeded) throw reason;
    throw new RetryableError(
      `connection lost while reading the body: ${
        describe(timer.controller.signal.reason ?? error)
      }`,
      { cause: error },
    );
  } finally {
    reader.releaseLock();
  }
  if (length !== null && !encoded) {
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

/** The last part of a URL's path, decoded (for messages about a file). */
function filenameOf(url: URL): string {
  const last = url.pathname.split("/").filter((part) => part !== "").at(-1) ?? url.host;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The first check `body` fails, as the error to throw; undefined when all pass. */
async function failedCheck(
  body: Uint8Array,
  checks: readonly HashCheck[],
  name: string,
): Promise<HashMismatchError | undefined> {
  if (checks.length === 0) return undefined;
  const hasher = await MultiHasher.create(checks.flatMap((c) => Object.keys(c.allowed)));
  hasher.update(body);
  const digests = hasher.digest();
  const failed = checks.find((check) => !matchesHashes(digests, check.allowed));
  return failed === undefined ? undefined : new HashMismatchError(name, {
    expected: failed.allowed,
    got: digests,
    source: failed.source,
  });
}

/**
 * A cache entry's body, if it is still there with the size recorded. One
 * read of the whole file (a single operation, where a bounded read takes
 * four): `lookup` found the file at the recorded size, and callers read only
 * entries within their size limit; a file that changed since is not used.
 */
async function readCached(entry: CacheEntry): Promise<Uint8Array | undefined> {
  const body = await Deno.readFile(entry.bodyPath).catch(() => undefined);
  return body?.length === entry.size ? body : undefined;
}

function fromEntry(entry: CacheEntry, body: Uint8Array): FetchedBody {
  return {
    url: entry.url,
    status: entry.status,
    contentType: entry.headers["content-type"] ?? "",
    body,
    fromCache: true,
  };
}

/**
 * Reads a file whole, refusing one bigger than `limit` bytes (checked
 * before reading, and again while reading, for a file that grows).
 */
async function readFileBounded(path: string, limit: number): Promise<Uint8Array | undefined> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  if (size > limit) return undefined;
  const body = new Uint8Array(size);
  let read = 0;
  while (read < size) {
    const count = await file.read(body.subarray(read));
    if (count === null) break;
    read += count;
  }
  return read === size ? body : body.subarray(0, read);
}

async function readLocal(url: URL, limit: ReadLimit): Promise<FetchedBody> {
  let path = fileURLToPath(url);
  try {
    const stat = await Deno.stat(path);
    if (stat.isDirectory) {
      path = join(path, "index.html");
      if (!url.pathname.endsWith("/")) url = new URL(url.href + "/");
    }
    const body = await readFileBounded(path, limit.bytes);
    if (body === undefined) {
      throw new BodyTooLargeError(url.href, { limit: limit.bytes, kind: limit.kind });
    }
    const contentType = path.endsWith(".json")
      ? "application/vnd.pypi.simple.v1+json"
      : path.endsWith(".html") || path.endsWith(".htm")
      ? "text/html"
      : "application/octet-stream";
    return { url: url.href, status: 200, contentType, body, fromCache: false };
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
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
