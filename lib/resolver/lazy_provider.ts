/**
 * A provider whose implementation loads on first use: an install whose
 * requirements are all satisfied never asks the provider anything, so it
 * need not load the index client and the metadata readers at all.
 *
 * @module
 */

import type { ResolverProvider } from "./provider.ts";

/**
 * A {@link ResolverProvider} that calls `load` once, on the first request, and
 * forwards every request to what it returns.
 *
 * @example
 * ```ts ignore
 * const provider = lazyProvider(async () =>
 *   (await import("./default_provider.ts")).defaultProvider(options)
 * );
 * ```
 */
export function lazyProvider<S>(load: () => Promise<ResolverProvider<S>>): ResolverProvider<S> {
  let loaded: Promise<ResolverProvider<S>> | undefined;
  const provider = () => loaded ??= load();
  return {
    listVersions: async (name) => (await provider()).listVersions(name),
    getMetadata: async (name, candidate) => (await provider()).getMetadata(name, candidate),
    getDirectMetadata: async (name, url) => {
      const inner = await provider();
      return inner.getDirectMetadata === undefined
        ? { kind: "unavailable", reason: { kind: "other", message: `${url} is not supported` } }
        : await inner.getDirectMetadata(name, url);
    },
  };
}
