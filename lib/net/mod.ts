/**
 * The network layer: an HTTP client with retries, timeouts, proxies, TLS
 * options, credentials and an on-disk cache; hashing; URL redaction. Knows
 * nothing about Python packages.
 *
 * @module
 */

export {
  Authenticator,
  type AuthenticatorOptions,
  type Credentials,
  type KeyringProvider,
  loadNetrc,
  netrcCredentials,
  type NetrcEntry,
  netrcPath,
  parseNetrc,
  redactText,
  redactUrl,
  splitCredentials,
  subprocessKeyring,
} from "./auth.ts";
export {
  type AllowedHashes,
  hashFile,
  HashMismatchError,
  isSupportedHash,
  matchesHashes,
  MultiHasher,
} from "./hashes.ts";
export { HttpCache, isFresh, parseCacheControl } from "./http_cache.ts";
export {
  type DownloadedFile,
  type DownloadOptions,
  type DownloadResult,
  type FetchedBody,
  type GetOptions,
  type HashCheck,
  HttpClient,
  type HttpClientOptions,
  HttpStatusError,
  NetworkError,
  SIMPLE_ACCEPT,
} from "./http_client.ts";
export { proxyFor, type ProxySettings } from "./proxy.ts";
export { isTrustedHost } from "./node_https.ts";
export {
  BODY_LIMIT_VARIABLES,
  type BodyLimits,
  bodyLimitsFromEnv,
  BodyTooLargeError,
  DEFAULT_BODY_LIMITS,
} from "./body_limits.ts";
export { classifyFailure, type FailureKind } from "./net_errors.ts";
