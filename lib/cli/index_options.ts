/**
 * What the index options of a command line (and of its requirements files)
 * say, read without opening anything: the index URLs, the sources as
 * `IndexSet` takes them, the foreign target, and the tags and candidate
 * policy. `index_session.ts` opens the HTTP client and the sources over
 * them; a command that may need no index (`install` when everything is
 * already satisfied) reads these alone first.
 *
 * @module
 */

import { lazy } from "../lazy.ts";
import { tagPriorities } from "../dists/tags.ts";
import { UsageError } from "../errors.ts";
import { InvalidUploadTimeError, parseUploadedPriorTo } from "../dists/upload_time.ts";
import type { SourceOptions } from "../index/index_sources.ts";
import {
  isForeignTarget,
  type TargetOptions,
  targetPythonVersion,
  targetTags,
} from "../index/target_tags.ts";
import type { Interpreter } from "../python/mod.ts";
import {
  type CandidatePolicy,
  parseFormatControl,
  type TagRanking,
} from "../resolver/candidate_selector.ts";
import type { CommandContext } from "./context.ts";

/** Index options that requirements files may add to (`--index-url` etc. inside a file). */
export interface ExtraIndexOptions {
  readonly indexUrl?: string;
  readonly extraIndexUrls?: readonly string[];
  readonly noIndex?: boolean;
  readonly findLinks?: readonly string[];
  readonly trustedHosts?: readonly string[];
  readonly noBinary?: readonly string[];
  readonly onlyBinary?: readonly string[];
  readonly preferBinary?: boolean;
  readonly pre?: boolean;
}

/**
 * The index URLs of a run: as pip, a requirements file's `--index-url`
 * replaces the command line's, and its `--extra-index-url`s add to them.
 */
export function indexUrlsOf(
  context: CommandContext,
  extra: ExtraIndexOptions,
): { indexUrl: string | undefined; extraIndexUrls: string[] } {
  const { options } = context;
  return {
    indexUrl: extra.indexUrl ?? options.string("indexUrl"),
    extraIndexUrls: [...options.strings("extraIndexUrls"), ...(extra.extraIndexUrls ?? [])],
  };
}

/** The sources the options name (plus what requirements files add), as `IndexSet` takes them. */
export function sourceOptionsOf(
  context: CommandContext,
  extra: ExtraIndexOptions = {},
): SourceOptions & { indexUrl?: string; extraIndexUrls: string[] } {
  const { io, options } = context;
  const { indexUrl, extraIndexUrls } = indexUrlsOf(context, extra);
  return {
    ...(indexUrl === undefined ? {} : { indexUrl }),
    extraIndexUrls,
    noIndex: options.flag("noIndex") || (extra.noIndex ?? false),
    findLinks: [...options.strings("findLinks"), ...(extra.findLinks ?? [])],
    trustedHosts: [...options.strings("trustedHosts"), ...(extra.trustedHosts ?? [])],
    cwd: io.cwd,
    env: io.env,
  };
}

/** The foreign-target options given on the command line. */
export function targetOptionsOf(context: CommandContext): TargetOptions {
  const { options } = context;
  const pythonVersion = options.string("pythonVersion");
  const implementation = options.string("implementation");
  return {
    platforms: options.strings("platforms"),
    ...(pythonVersion === undefined ? {} : { pythonVersion }),
    ...(implementation === undefined ? {} : { implementation }),
    abis: options.strings("abis"),
  };
}

/** The ranked tags and the candidate policy for `interpreter` (or the foreign target). */
export function candidateSettings(
  context: CommandContext,
  interpreter: Interpreter,
  extra: ExtraIndexOptions = {},
): { tags: TagRanking; policy: CandidatePolicy; foreign: boolean } {
  const { options } = context;
  const target = targetOptionsOf(context);
  const formatValues: ["no-binary" | "only-binary", string][] = [
    ...[...(extra.noBinary ?? []), ...options.strings("noBinary")].map((
      v,
    ): ["no-binary", string] => ["no-binary", v]),
    ...[...(extra.onlyBinary ?? []), ...options.strings("onlyBinary")].map((
      v,
    ): ["only-binary", string] => ["only-binary", v]),
  ];
  return {
    // Built on first use: a run that resolves nothing (a no-op install) never ranks a tag.
    tags: lazy(() => tagPriorities(targetTags(interpreter.tagFacts, target))),
    policy: {
      formatControl: parseFormatControl(formatValues),
      preferBinary: options.flag("preferBinary") || (extra.preferBinary ?? false),
      pre: options.flag("pre") || (extra.pre ?? false),
      pythonVersion: targetPythonVersion(interpreter.version, target),
      ignoreRequiresPython: options.flag("ignoreRequiresPython"),
      ...uploadedPriorTo(options.string("uploadedPriorTo")),
    },
    foreign: isForeignTarget(target),
  };
}

/** `--uploaded-prior-to`/`--exclude-newer` as the policy's cutoff; a bad value is a usage error. */
function uploadedPriorTo(value: string | undefined): { uploadedPriorTo?: number } {
  if (value === undefined) return {};
  try {
    return { uploadedPriorTo: parseUploadedPriorTo(value) };
  } catch (error) {
    if (error instanceof InvalidUploadTimeError) throw new UsageError(error.message);
    throw error;
  }
}
