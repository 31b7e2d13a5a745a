/**
 * `--universal` for `dpip lock` and `dpip compile`: the options that set
 * the environments to cover (`--python-version` as the lowest Python,
 * `--python-platform` as a platform limit), the universal resolution over
 * the indexes, and, for `lock`, its PEP 751 lock. The work is
 * `operations/universal_lock.ts`.
 *
 * @module
 */

import { DpipError } from "../../errors.ts";
import { parsePythonVersionOption } from "../../index/target_tags.ts";
import type { Pylock } from "../../lock/pylock.ts";
import { withoutRequested } from "../../operations/only_deps.ts";
import { type Overrides, overridingProvider } from "../../operations/overrides.ts";
import {
  everyTag,
  resolveSpecUniversally,
  universalPylock,
} from "../../operations/universal_lock.ts";
import { pythonPlatformValues } from "../../pep508/python_platform.ts";
import type { IndexFile, IndexSource } from "../../resolver/default_provider.ts";
import type { UniversalResolution } from "../../resolver/universal.ts";
import type { RequirementsSpecification } from "../../requirements/specification.ts";
import type { CommandContext } from "../context.ts";
import { releaseControlOf } from "../extra_requirements.ts";
import { candidateSettings, type ExtraIndexOptions, openIndexSession } from "../index_session.ts";
import { resolutionBounds, ResolutionStatus } from "../resolution_progress.ts";
import { targetInterpreter } from "./installed_environment.ts";

/** `--python-version`/`--python-platform` given without `--universal`, as a usage error. */
export function checkUniversalOptions(context: CommandContext): void {
  if (context.options.flag("universal")) return;
  for (
    const [id, flag] of [
      ["pythonVersion", "--python-version"],
      ["pythonPlatform", "--python-platform"],
    ] as const
  ) {
    if (context.options.string(id) !== undefined) {
      throw new DpipError("usage", `${flag} needs --universal`);
    }
  }
}

/** The environments `--universal` covers: a Requires-Python range and a platform limit. */
export interface UniversalTarget {
  /** `>=3.9`: from `--python-version`, else the target interpreter's minor version. */
  readonly requiresPython: string;
  /** The marker values `--python-platform` fixes; undefined for every platform. */
  readonly platform?: Readonly<Record<string, string>>;
}

/** The environments the options ask to cover. */
export function universalTarget(
  context: CommandContext,
  interpreterVersion: readonly number[],
): UniversalTarget {
  const given = context.options.string("pythonVersion");
  const version = given === undefined
    ? interpreterVersion.slice(0, 2)
    : parsePythonVersionOption(given);
  const floor = version.length < 2 ? `${version[0]}` : version.slice(0, 3).join(".");
  const platform = context.options.string("pythonPlatform");
  return {
    requiresPython: `>=${floor}`,
    ...(platform === undefined ? {} : { platform: pythonPlatformValues(platform) }),
  };
}

/** What a command does with a universal resolution, while the index session is open. */
export interface UniversalUse {
  /** Every file the indexes list for a project. */
  readonly filesOf: (name: string) => Promise<readonly IndexFile[]>;
  /** The lock of the resolution (files listed through {@link filesOf}). */
  readonly lock: (resolution: UniversalResolution<IndexSource>) => Promise<Pylock>;
}

/**
 * Resolves `spec` universally over the indexes (every distribution's
 * dependencies under `overrides`; with `--only-deps`, without the projects
 * named) and hands the result to `use` before the session closes.
 */
export async function withUniversalResolution<T>(
  context: CommandContext,
  spec: RequirementsSpecification,
  overrides: Overrides,
  use: (resolution: UniversalResolution<IndexSource>, tools: UniversalUse) => Promise<T>,
): Promise<T> {
  const { io, options } = context;
  const interpreter = await targetInterpreter(context);
  const target = universalTarget(context, interpreter.version);
  const extra: ExtraIndexOptions = spec.fileOptions;
  const session = await openIndexSession(context, extra);
  const { tags, policy } = candidateSettings(context, interpreter, extra);
  const status = io.stderr.isTerminal && options.count("quiet") === 0
    ? new ResolutionStatus(io.stderr)
    : undefined;
  const { timeoutMs } = resolutionBounds(context);
  const { defaultProvider } = await import("../../resolver/default_provider.ts");
  const releaseControl = releaseControlOf(context, options.flag("pre"));
  const filesOf = async (name: string) => (await session.indexes.projectFiles(name)).files;
  try {
    let resolution = await resolveSpecUniversally(spec, {
      provider: overridingProvider(
        defaultProvider({
          indexes: session.indexes,
          client: session.client,
          tags: everyTag(tags),
          policy,
          ...(session.metadataStore === undefined ? {} : { metadataStore: session.metadataStore }),
        }),
        overrides,
      ),
      requiresPython: target.requiresPython,
      ...(target.platform === undefined ? {} : { platform: target.platform }),
      pre: options.flag("pre") || spec.fileOptions.pre,
      ...(releaseControl === undefined ? {} : { releaseControl }),
      noDeps: options.flag("noDeps"),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(status === undefined ? {} : { reporter: { onDecision: (e) => status.onDecision(e) } }),
    });
    status?.finish();
    if (options.flag("onlyDeps")) {
      resolution = { ...resolution, dists: withoutRequested(resolution.dists, spec) };
    }
    return await use(resolution, {
      filesOf,
      lock: (resolved) =>
        universalPylock(resolved, {
          filesOf,
          policy,
          createdBy: "dpip",
          ...(target.platform === undefined ? {} : { platform: target.platform }),
        }),
    });
  } finally {
    status?.finish();
    session.client.close();
  }
}
