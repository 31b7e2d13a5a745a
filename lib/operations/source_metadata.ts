/**
 * Resolving without building: for `download`, which saves files and needs no
 * wheel, the versions an index offers only as an sdist get their
 * dependencies from the backend's PEP 517 `prepare_metadata_for_build_wheel`
 * (in an isolated build environment, as pip does), and only a backend
 * without that hook builds the wheel. The run's builds (memo, build stack,
 * scratch directory) are those of a {@link BuildDispatch}, closed and
 * removed when the resolution ends, however it ends.
 *
 * @module
 */

import { BuildStack } from "../build/build_stack.ts";
import { bucketDir, CacheBucket } from "../cache/cache_dir.ts";
import type { RequirementSource } from "../requirements/source.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { ResolverProvider } from "../resolver/mod.ts";
import { BuildDispatch, type BuildDispatchOptions, type PreparedSource } from "./build_dispatch.ts";
import { Scratch, tempDirOf } from "./scratch.ts";

/** The build settings: a {@link BuildDispatch}'s, without the run's directories. */
export interface SourceMetadataOptions
  extends Omit<BuildDispatchOptions, "scratch" | "unpackedBucket" | "wheelCache"> {
  /** The cache root (wheels built for lack of the hook are kept there); none: `--no-cache-dir`. */
  readonly cacheRoot?: string;
}

/**
 * Runs `resolve` with `options.provider` made to answer for sdist-only
 * versions and for direct references to sources from their metadata hooks;
 * `prepare` gives the metadata of a project directory, archive or VCS
 * checkout you named, and the directory it was prepared in (which lasts
 * until `resolve` returns).
 *
 * @example
 * ```ts ignore
 * const resolution = await withSourceMetadata(options, (provider) => resolve(input, { provider }));
 * ```
 */
export async function withSourceMetadata<T>(
  options: SourceMetadataOptions,
  resolve: (
    provider: ResolverProvider<IndexSource>,
    prepare: (
      source: RequirementSource & { kind: "path" | "url" | "vcs" },
    ) => Promise<PreparedSource>,
  ) => Promise<T>,
): Promise<T> {
  const { cacheRoot, ...settings } = options;
  const scratch = new Scratch({ tempDir: tempDirOf(options.env) });
  try {
    const dispatch = new BuildDispatch({
      ...settings,
      scratch,
      unpackedBucket: cacheRoot === undefined
        ? await scratch.dir("unpacked")
        : bucketDir(cacheRoot, CacheBucket.unpacked),
      ...(cacheRoot === undefined ? {} : { wheelCache: bucketDir(cacheRoot, CacheBucket.wheels) }),
    });
    try {
      return await resolve(
        dispatch.provider(BuildStack.root(), { metadataOnly: true }),
        (source) => dispatch.sourceMetadata(source, BuildStack.root()),
      );
    } finally {
      await dispatch.close();
    }
  } finally {
    await scratch.remove();
  }
}
