/**
 * `--universal` for `dpip lock` and `dpip compile`: the options that set
 * the environments to cover (`--python-version` as the lowest Python,
 * `--python-platform` as a platform limit). The work is
 * `operations/universal_lock.ts`.
 *
 * @module
 */

import { DpipError } from "../../errors.ts";
import { parsePythonVersionOption } from "../../index/target_tags.ts";
import type { UniversalTargetOptions } from "../../operations/universal_lock.ts";
import { pythonPlatformValues } from "../../pep508/python_platform.ts";
import {
  type CandidatePolicy,
  everyTag,
  type TagRanking,
} from "../../resolver/candidate_selector.ts";
import type { CommandContext } from "../context.ts";
import type { IndexSession } from "../index_session.ts";

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

/** The tags to build the provider with: every tag with `--universal`, else the target's. */
export function providerTags(context: CommandContext, tags: TagRanking): TagRanking {
  return context.options.flag("universal") ? everyTag(tags) : tags;
}

/** What the universal operations need from the command line and the index session. */
export function universalOptions(
  context: CommandContext,
  interpreterVersion: readonly number[],
  session: IndexSession,
  policy: CandidatePolicy,
): UniversalTargetOptions {
  return {
    ...universalTarget(context, interpreterVersion),
    filesOf: async (name) => (await session.indexes.projectFiles(name)).files,
    policy,
  };
}
