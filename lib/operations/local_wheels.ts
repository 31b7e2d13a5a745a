/**
 * The wheel files your requirements name (local wheels, and wheels just
 * built from sources), unpacked into the cache before resolving, and the
 * provider answering their metadata from the unpacked trees instead of
 * reading the archives again.
 *
 * @module
 */

import { fileURLToPath, join, pathToFileURL } from "../paths.ts";
import { parseCoreMetadata } from "../dists/core_metadata.ts";
import { archiveSha256, type DirectUrl } from "../dists/direct_url.ts";
import type { UnpackedWheel } from "../installer/prepare.ts";
import type { IndexSource, SdistOrigin } from "../resolver/default_provider.ts";
import type { DirectResult, ResolverProvider } from "../resolver/mod.ts";
import type { BuiltRequirement } from "./build_sources.ts";
import { appendAll } from "../lists.ts";

/** A local or built wheel named by a direct reference, unpacked. */
export interface LocalReference extends UnpackedWheel {
  /** The wheel file's own URL (a built wheel's differs from the reference). */
  readonly fileUrl: string;
  /** What `direct_url.json` records, for built wheels. */
  readonly directUrl?: DirectUrl;
}

/** The core metadata of an unpacked wheel. */
export async function unpackedMetadata(wheel: UnpackedWheel): Promise<string> {
  return await Deno.readTextFile(join(wheel.tree, wheel.manifest.distInfo, "METADATA"));
}

/**
 * Unpacks the wheel files among `roots` (local wheels, and wheels built from
 * sources) into the cache, on two threads when that is worth it.
 */
export async function unpackLocalWheels(
  roots: readonly { readonly url?: string }[],
  builtByUrl: ReadonlyMap<string, BuiltRequirement>,
  options: { bucket: string; tags: ReadonlySet<string>; warnings: string[] },
): Promise<Map<string, LocalReference>> {
  const wheels: { url: string; path: string; build?: BuiltRequirement; size: number }[] = [];
  for (const root of roots) {
    if (root.url === undefined) continue;
    const build = builtByUrl.get(root.url);
    if (build === undefined && !root.url.startsWith("file:")) continue;
    const path = build?.wheelPath ?? fileURLToPath(root.url);
    const size = await Deno.stat(path).then((info) => info.size, () => 0);
    wheels.push({ url: root.url, path, size, ...(build === undefined ? {} : { build }) });
  }
  const localWheels = new Map<string, LocalReference>();
  if (wheels.length === 0) return localWheels;
  const { unpackLocalWheel } = await import("../installer/prepare.ts");
  const { ExtractPool, allInOrder, largestFirst } = await import("../installer/extract_pool.ts");
  const { fileSha256 } = await import("../installer/wheel_cache.ts");
  const warnings = new Map<string, string[]>(wheels.map((wheel) => [wheel.url, []]));
  const pool = new ExtractPool({
    totalBytes: wheels.reduce((sum, wheel) => sum + wheel.size, 0),
    jobs: wheels.length,
  });
  try {
    // Largest first, each unpacking as soon as its digest is known: the long jobs start
    // early, and hashing overlaps unpacking. (Only the digest is kept: the bytes are read
    // again when unpacked, so a long list of wheels is not held in memory.)
    const unpacking = new Map<string, Promise<UnpackedWheel>>();
    for (const wheel of largestFirst(wheels, (wheel) => wheel.size)) {
      const sha256 = await fileSha256(wheel.path, { bucket: options.bucket })
        .then((digest) => digest.sha256, () => undefined); // unpackLocalWheel reports it
      const task = unpackLocalWheel(wheel.path, {
        bucket: options.bucket,
        compatibleTags: options.tags,
        onWarning: (message) => warnings.get(wheel.url)!.push(message),
        pool,
        ...(sha256 === undefined ? {} : { known: { sha256, size: wheel.size } }),
      });
      task.catch(() => {}); // reported by allInOrder, in order
      unpacking.set(wheel.url, task);
    }
    const unpacked = await allInOrder(wheels.map((wheel) => unpacking.get(wheel.url)!));
    wheels.forEach((wheel, i) => {
      appendAll(options.warnings, warnings.get(wheel.url)!);
      localWheels.set(wheel.url, {
        ...unpacked[i]!,
        fileUrl: wheel.build === undefined ? wheel.url : pathToFileURL(wheel.path).href,
        ...(wheel.build === undefined ? {} : { directUrl: wheel.build.directUrl }),
      });
    });
  } finally {
    pool.close();
  }
  return localWheels;
}

/**
 * The provider, answering direct references to local wheels from their
 * unpacked (validated) trees instead of reading the archives again.
 */
export function withLocalWheels(
  provider: ResolverProvider<IndexSource>,
  local: ReadonlyMap<string, LocalReference>,
): ResolverProvider<IndexSource> {
  if (local.size === 0) return provider;
  return {
    listVersions: (name) => provider.listVersions(name),
    getMetadata: (name, candidate) => provider.getMetadata(name, candidate),
    getDirectMetadata: async (name, url): Promise<DirectResult<IndexSource>> => {
      const wheel = local.get(url);
      if (wheel === undefined) {
        return provider.getDirectMetadata === undefined
          ? { kind: "unavailable", reason: { kind: "other", message: `${url} is not supported` } }
          : await provider.getDirectMetadata(name, url);
      }
      const meta = parseCoreMetadata(await unpackedMetadata(wheel));
      const file: IndexSource["file"] = {
        filename: wheel.manifest.filename,
        url: wheel.fileUrl,
        hashes: { sha256: wheel.sha256 },
        yanked: false,
        coreMetadata: false,
      };
      const builtFrom = archiveOrigin(wheel.directUrl);
      return {
        kind: "metadata",
        version: wheel.manifest.version,
        metadata: {
          requiresDist: meta.requiresDist,
          providesExtra: meta.providesExtra,
          ...(meta.requiresPython === undefined ? {} : { requiresPython: meta.requiresPython }),
        },
        source: { kind: "index", file, format: "wheel", ...(builtFrom ? { builtFrom } : {}) },
      };
    },
  };
}

/**
 * The archive a wheel was built from (or fetched as), with the sha256 it was
 * read with: the hashes you give for a direct reference are that file's.
 */
function archiveOrigin(directUrl: DirectUrl | undefined): SdistOrigin | undefined {
  const sha256 = directUrl === undefined ? undefined : archiveSha256(directUrl.info);
  if (directUrl === undefined || sha256 === undefined) return undefined;
  const filename = decodeURIComponent(directUrl.url.split("/").at(-1) ?? "");
  return { filename, sha256 };
}
