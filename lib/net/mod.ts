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
  type DownloadOptions,
  type DownloadResult,
  type FetchedBody,
  type HashCheck,
  HttpClient,
  type HttpClientOptions,
  HttpStatusError,
  NetworkError,
  SIMPLE_ACCEPT,
} from "./http_client.ts";
export { proxyFor, type ProxySettings } from "./proxy.ts";
export { isTrustedHost } from "./unverified_https.ts";
