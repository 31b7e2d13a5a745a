/**
 * Which proxy a request goes through: `--proxy` for every URL, else
 * `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` (either case) by scheme, unless
 * `NO_PROXY` names the host.
 *
 * @module
 */

/** Proxy settings, resolved once per run. */
export interface ProxySettings {
  /** `--proxy`: used for every URL. */
  readonly proxy?: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The proxy URL for `url`, or `undefined` for a direct connection.
 *
 * `NO_PROXY` is a comma-separated list of hosts (`example.com` also covers
 * its subdomains, a leading `.` is allowed), `host:port` entries, or `*`.
 *
 * @example
 * ```ts
 * import { proxyFor } from "./proxy.ts";
 * const env = { HTTPS_PROXY: "http://proxy:3128", NO_PROXY: "internal.example" };
 * proxyFor(new URL("https://pypi.org/simple/"), { env }); // "http://proxy:3128"
 * proxyFor(new URL("https://a.internal.example/"), { env }); // undefined
 * ```
 */
export function proxyFor(url: URL, settings: ProxySettings): string | undefined {
  if (settings.proxy !== undefined && settings.proxy !== "") return settings.proxy;
  const env = settings.env;
  const get = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
  const scheme = url.protocol.slice(0, -1);
  const proxy =
    (scheme === "https" ? get("https_proxy") : scheme === "http" ? get("http_proxy") : undefined) ??
      get("all_proxy");
  if (proxy === undefined) return undefined;
  return bypassesProxy(url, get("no_proxy") ?? "") ? undefined : proxy;
}

function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    const entryHost = (portMatch?.[1] ?? entry).replace(/^\./, "").replace(/^\[|\]$/g, "");
    if (portMatch !== null && portMatch[2] !== port) continue;
    if (host === entryHost || host.endsWith("." + entryHost)) return true;
  }
  return false;
}
