/**
 * The package sources a run's options name, decided before any of them is
 * read: the index URLs (default PyPI) and the find-links sources, as URLs,
 * without duplicates, less those that may not be used (not a valid URL,
 * plain HTTP to a host that is neither loopback nor trusted), with pip's
 * warning for each one dropped. {@link IndexSet} reads what this keeps; a
 * command that may ask no index anything (a no-op `install`) says which
 * sources it would look in from this alone, without loading the HTTP client.
 *
 * @module
 */

import { pathToFileURL, resolve } from "../paths.ts";
import { redactUrl } from "../net/auth.ts";

/** pip's default index. */
export const DEFAULT_INDEX_URL = "https://pypi.org/simple";

/** The options that name the sources. */
export interface SourceOptions {
  /** `--index-url`; default PyPI. */
  readonly indexUrl?: string;
  readonly extraIndexUrls?: readonly string[];
  readonly noIndex?: boolean;
  readonly findLinks?: readonly string[];
  /** `--trusted-host` values (`host` or `host:port`). */
  readonly trustedHosts?: readonly string[];
  /** For relative paths. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The sources in use, as URLs (not redacted), and the warnings about those dropped. */
export interface IndexSources {
  readonly indexUrls: readonly string[];
  readonly findLinks: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Turns a `--find-links` value into a URL: URLs stay as they are, paths
 * (with `~` expanded) become `file:` URLs relative to `cwd`.
 *
 * @example
 * ```ts
 * import { findLinksUrl } from "./index_sources.ts";
 * findLinksUrl("wheels", { cwd: "/home/u", env: {} }); // "file:///home/u/wheels"
 * findLinksUrl("https://h/links/", { cwd: "/", env: {} }); // "https://h/links/"
 * ```
 */
export function findLinksUrl(
  value: string,
  options: { cwd: string; env: Readonly<Record<string, string>> },
): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  const expanded = value === "~" || value.startsWith("~/")
    ? (options.env["HOME"] ?? "") + value.slice(1)
    : value;
  return pathToFileURL(resolve(options.cwd, expanded)).href;
}

/**
 * Whether `url` may be used: HTTPS and `file:` always; plain HTTP only for
 * localhost, loopback and trusted hosts.
 *
 * @example
 * ```ts
 * import { isSecureOrigin } from "./index_sources.ts";
 * isSecureOrigin(new URL("http://127.0.0.1:8080/simple/"), []); // true
 * isSecureOrigin(new URL("http://example.com/simple/"), ["example.com"]); // true
 * isSecureOrigin(new URL("http://example.com/simple/"), []); // false
 * ```
 */
export function isSecureOrigin(url: URL, trustedHosts: readonly string[]): boolean {
  if (url.protocol !== "http:") return true;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  return trustedHosts.some((trusted) => {
    const value = trusted.toLowerCase();
    return value === host || value === url.host.toLowerCase();
  });
}

/**
 * The sources `options` name (index URLs given as paths become `file:`
 * URLs, as find-links paths do) and why any were dropped.
 *
 * @example
 * ```ts
 * import { indexSources } from "./index_sources.ts";
 * const sources = indexSources({ indexUrl: "http://example.com/simple", cwd: "/", env: {} });
 * sources.indexUrls; // []
 * sources.warnings.length; // 1
 * ```
 */
export function indexSources(options: SourceOptions): IndexSources {
  const trusted = options.trustedHosts ?? [];
  const warnings: string[] = [];
  const allowed = (url: string): boolean => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      warnings.push(`Skipping ${redactUrl(url)}: not a valid URL`);
      return false;
    }
    if (isSecureOrigin(parsed, trusted)) return true;
    warnings.push(
      `The repository located at ${parsed.hostname} is not a trusted or secure host and is being ignored. If this repository is available via HTTPS we recommend you use HTTPS instead, otherwise you may silence this warning and allow it anyway with '--trusted-host ${parsed.hostname}'.`,
    );
    return false;
  };
  const indexes = options.noIndex
    ? []
    : [options.indexUrl ?? DEFAULT_INDEX_URL, ...(options.extraIndexUrls ?? [])];
  const indexUrls: string[] = [];
  for (const index of indexes) {
    const url = findLinksUrl(index, options);
    if (indexUrls.includes(url)) continue;
    if (allowed(url)) indexUrls.push(url);
  }
  const findLinks: string[] = [];
  for (const link of options.findLinks ?? []) {
    const url = findLinksUrl(link, options);
    if (!findLinks.includes(url) && allowed(url)) findLinks.push(url);
  }
  return { indexUrls, findLinks, warnings };
}
