/**
 * What went wrong with a request, for people and for the retry policy: the
 * errors `fetch` and `node:https` throw are sorted into a few kinds, each
 * with one line to show (Deno's and Node's own messages are long, repeat the
 * URL, and differ for the same failure).
 *
 * - `refused`, `dns`: nothing answers there. Retried briefly (a server may
 *   be restarting), then the origin is taken as down for the rest of the run.
 * - `tls`: the certificate or handshake was refused. Never retried; the
 *   error names the host.
 * - `redirect`: a redirect to a URL that is not `http(s)`, or too many.
 *   Never retried.
 * - `timeout`, `dropped`, `other`: transient; retried with backoff.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { redactText, redactUrl } from "./auth.ts";

/** The kinds of failure (see the module doc). */
export type FailureKind = "refused" | "dns" | "tls" | "redirect" | "timeout" | "dropped" | "other";

/** A failure sorted, with one line to show. */
export interface Failure {
  readonly kind: FailureKind;
  readonly reason: string;
  /** The URL that failed, when it is not the one asked for (a redirect's target). */
  readonly at?: string;
}

/**
 * A failure of one hop of a redirect chain, with its URL (the transports'
 * own errors do not always say which request failed).
 */
export class HopError extends Error {
  readonly url: string;
  constructor(url: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "HopError";
    this.url = url;
  }
}

/** rustls' names for certificate problems, said for people. */
const CERTIFICATE_PROBLEMS: Readonly<Record<string, string>> = {
  UnknownIssuer: "its issuer is not a trusted certificate authority",
  CaUsedAsEndEntity: "it is a CA certificate used as the server's own",
  NotValidForName: "it is not valid for this host name",
  NotValidForNameContext: "it is not valid for this host name",
  Expired: "it has expired",
  ExpiredContext: "it has expired",
  NotValidYet: "it is not valid yet",
  NotValidYetContext: "it is not valid yet",
  Revoked: "it has been revoked",
  BadSignature: "its signature is invalid",
  UnsupportedSignatureAlgorithm: "its signature algorithm is not supported",
};

/** Node's TLS error codes, said for people. */
const NODE_CERTIFICATE_CODES: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "it is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "its chain ends in an untrusted self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its issuer is not a trusted certificate authority",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "its issuer is not a trusted certificate authority",
  CERT_HAS_EXPIRED: "it has expired",
  CERT_NOT_YET_VALID: "it is not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "it is not valid for this host name",
};

/** Every message in an error's chain of causes, joined. */
function messages(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ");
}

function nodeCode(error: unknown): string | undefined {
  const value = (error as { code?: unknown } | null)?.code;
  return typeof value === "string" ? value : undefined;
}

/** Node's errno names (`error.code`) by what they mean here. */
const REFUSED_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED"]);
const DNS_CODES: ReadonlySet<string> = new Set(["ENOTFOUND", "EAI_AGAIN"]);
const DROPPED_CODES: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE"]);

/** Whether `code` (possibly undefined) is one of `codes`. */
function codeIn(codes: ReadonlySet<string>, code: string | undefined): boolean {
  return code !== undefined && codes.has(code);
}

/** The last, most specific part of a transport message, on one line. */
function lastPart(text: string): string {
  const line = text.split("\n")[0] ?? "";
  const parts = line.split(/: (?=[a-z])/i).filter((part) =>
    !/^(fetch failed|error sending request|client error)/i.test(part)
  );
  return (parts.at(-1) ?? line).trim();
}

/**
 * Sorts the error a transport threw.
 *
 * @example
 * ```ts
 * import { classifyFailure } from "./net_errors.ts";
 * const error = new TypeError("fetch failed", {
 *   cause: new Error("client error (Connect): tcp connect error: Connection refused (os error 111)"),
 * });
 * classifyFailure(error); // { kind: "refused", reason: "connection refused" }
 * ```
 */
export function classifyFailure(error: unknown): Failure {
  const failure = sortFailure(error);
  const at = error instanceof HopError
    ? error.url
    : /error sending request (?:from \S+ )?for (?:url \()?(https?:\/\/[^\s)]+)/.exec(
      messages(error),
    )?.[1];
  return at === undefined ? failure : { ...failure, at };
}

function sortFailure(error: unknown): Failure {
  const original = error instanceof HopError ? error.cause : error;
  const text = messages(original);
  const code = nodeCode(original);
  if (codeIn(REFUSED_CODES, code) || /connection refused/i.test(text)) {
    return { kind: "refused", reason: "connection refused" };
  }
  if (
    codeIn(DNS_CODES, code) ||
    /dns error|failed to lookup address|name or service not known/i.test(text)
  ) {
    return { kind: "dns", reason: "the host name could not be resolved" };
  }
  const rustls = /invalid peer certificate: (?:Other\(OtherError\()?([A-Za-z]+)/.exec(text);
  if (rustls !== null) {
    const name = rustls[1] ?? "";
    const problem = CERTIFICATE_PROBLEMS[name] ?? "it was refused";
    return { kind: "tls", reason: `the server's certificate was refused: ${problem} (${name})` };
  }
  if (code !== undefined && NODE_CERTIFICATE_CODES[code] !== undefined) {
    return {
      kind: "tls",
      reason: `the server's certificate was refused: ${NODE_CERTIFICATE_CODES[code]} (${code})`,
    };
  }
  if (/certificate ?required/i.test(text)) {
    return { kind: "tls", reason: "the server requires a client certificate" };
  }
  if (/certificate|handshake|tls|ssl/i.test(text) && !/timed out/i.test(text)) {
    return { kind: "tls", reason: `the TLS handshake failed: ${lastPart(text)}` };
  }
  if (/redirect to a non HTTP\(s\) url/i.test(text)) {
    return { kind: "redirect", reason: "it redirects to a URL that is not http or https" };
  }
  if (/maximum number of redirects|more than \d+ redirects/i.test(text)) {
    return { kind: "redirect", reason: "too many redirects" };
  }
  if (/timed out/i.test(text)) return { kind: "timeout", reason: lastPart(text) };
  if (
    codeIn(DROPPED_CODES, code) ||
    /connection (closed|reset|lost)|broken pipe|error reading a body|incomplete/i.test(text)
  ) {
    return { kind: "dropped", reason: lastPart(text) };
  }
  return { kind: "other", reason: lastPart(text) };
}

/** Whether asking again can help. */
export function isRetryable(kind: FailureKind): boolean {
  return kind !== "tls" && kind !== "redirect";
}

/** A request that failed for a reason other than the server's answer. */
export class NetworkError extends DpipError<"network-error"> {
  /** The URL, redacted. */
  readonly url: string;
  readonly kind: FailureKind;
  /** Set when the request was not even tried: its origin failed earlier in the run. */
  readonly repeated: boolean;

  constructor(
    url: string,
    reason: string,
    options: {
      attempts: number;
      kind?: FailureKind;
      repeated?: boolean;
      /** The URL that failed when it is not `url` (a redirect's target). */
      at?: string;
      cause?: unknown;
    },
  ) {
    const kind = options.kind ?? "other";
    const shown = redactUrl(url);
    const tries = options.repeated
      ? " (not tried again: it failed earlier in this run)"
      : options.attempts > 1
      ? ` (after ${options.attempts} attempts)`
      : "";
    const failed = options.at ?? url;
    const message = kind === "tls"
      ? `TLS error with ${hostOf(failed)}: ${redactText(reason)}, fetching ${shown}${tries}`
      : `Could not fetch ${shown}: ${redactText(reason)}${tries}`;
    super("network-error", message, {
      hint: networkHint(failed, kind, reason),
      cause: options.cause,
    });
    this.name = "NetworkError";
    this.url = shown;
    this.kind = kind;
    this.repeated = options.repeated ?? false;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return redactUrl(url);
  }
}

/** What to try after a failed request, by what went wrong. */
function networkHint(url: string, kind: FailureKind, reason: string): string {
  if (kind === "tls" && /client certificate/i.test(reason)) {
    return "the server asks for a client certificate: pass one with --client-cert (a PEM file holding the certificate and its key)";
  }
  if (kind === "tls") {
    return `the server's certificate could not be verified: pass its CA bundle with --cert, or, for a host you trust, --trusted-host ${
      hostOf(url)
    }`;
  }
  if (kind === "redirect") return "check the URL: the server's redirects lead nowhere dpip can go";
  return "check the URL, your network and proxy settings; --retries and --timeout tune retrying";
}

/** The server answered with an error status. */
export class HttpStatusError extends DpipError<"http-status"> {
  /** The URL, redacted. */
  readonly url: string;
  readonly status: number;
  constructor(url: string, status: number, options: { attempts: number; statusText?: string }) {
    const shown = redactUrl(url);
    const tries = options.attempts > 1 ? ` (after ${options.attempts} attempts)` : "";
    const text = options.statusText ? ` ${options.statusText}` : "";
    const local = shown.startsWith("file:");
    const message = status === 404 || status === 410
      ? `Not found: ${shown}${local ? "" : ` (HTTP ${status})`}`
      : `HTTP ${status}${text} for ${shown}${tries}`;
    super("http-status", message, {
      ...(status === 401 || status === 403
        ? {
          hint:
            "the index needs credentials: put them in the URL, in .netrc, or use --keyring-provider subprocess",
        }
        : {}),
    });
    this.name = "HttpStatusError";
    this.url = shown;
    this.status = status;
  }
}
