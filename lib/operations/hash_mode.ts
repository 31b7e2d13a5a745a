/**
 * The hash-checking mode error shared by `download` and `install`, and
 * their first rule (every requirement pinned), in a module of its own so
 * that importing it loads nothing else.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import type { RequirementSource } from "../requirements/source.ts";

/** A hash-checking mode rule broken before anything is downloaded, or missing hashes after. */
export class HashRequirementError extends DpipError {
  constructor(message: string, hint: string) {
    super("hash-required", message, { hint });
    this.name = "HashRequirementError";
  }
}

/**
 * Hash-checking mode's first rule: every requirement named on an index is
 * pinned with `==` (or `===`).
 *
 * @throws {HashRequirementError} naming the requirements (as written) that are not.
 */
export function requirePinned(unpinned: readonly string[]): void {
  if (unpinned.length === 0) return;
  throw new HashRequirementError(
    `In --require-hashes mode, all requirements must have their versions pinned with ==. These do not: ${
      unpinned.join(", ")
    }`,
    "pin each requirement with ==, e.g. name==1.0, and give its --hash",
  );
}

/**
 * Hash-checking mode cannot check a project directory (pip refuses them too),
 * and dpip refuses before building anything.
 *
 * @throws {HashRequirementError} naming the directories' `file:` URLs, if any.
 */
export function refuseDirectoryRequirements(urls: readonly string[]): void {
  if (urls.length === 0) return;
  throw new HashRequirementError(
    `Can't verify hashes for these file:// requirements because they point to directories: ${
      urls.join(", ")
    }`,
    "in --require-hashes mode, build a wheel or an sdist of the project and name it with its --hash",
  );
}

/**
 * Hash-checking mode cannot check a VCS checkout (pip refuses them too).
 *
 * @throws {HashRequirementError} naming the VCS requirements (as written), if any.
 */
export function refuseVcsRequirements(requirements: readonly string[]): void {
  if (requirements.length === 0) return;
  throw new HashRequirementError(
    `Can't verify hashes for these requirements because we don't have a way to hash version control repositories: ${
      requirements.join(", ")
    }`,
    "in --require-hashes mode, name a wheel or an sdist with its --hash instead",
  );
}

/**
 * What hash-checking mode cannot check, refused before anything is built or
 * fetched: VCS URLs, then project directories (pip refuses both).
 *
 * @throws {HashRequirementError} naming them, if any.
 */
export function refuseUnhashable(sources: readonly RequirementSource[]): void {
  const vcs: string[] = [];
  const directories: string[] = [];
  for (const source of sources) {
    if (source.kind === "vcs") vcs.push(source.text);
    else if (source.kind === "path" && source.pathKind === "directory") {
      directories.push(source.url.split("#", 1)[0]!);
    }
  }
  refuseVcsRequirements(vcs);
  refuseDirectoryRequirements(directories);
}
