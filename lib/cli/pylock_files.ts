/**
 * Lock files named with `-r` (`pylock.toml`, `pylock.<name>.toml`): read,
 * validated and selected for the target before anything else happens, and
 * handed to the requirements reader as the pinned, hashed lines they stand
 * for (see `operations/pylock_install.ts`).
 *
 * @module
 */

import { parsePylock } from "../lock/pylock.ts";
import type { InstallServices } from "../operations/install.ts";
import {
  type LockedCandidate,
  lockedProvider,
  lockedRequirements,
} from "../operations/pylock_install.ts";
import type { PackageName } from "../names/mod.ts";
import { checkLocalFileHashes } from "../operations/local_file_hashes.ts";
import type { PinnedIdentities } from "../attest/check.ts";
import type { Interpreter } from "../python/mod.ts";
import type { CommandContext } from "./context.ts";
import { candidateSettings } from "./index_session.ts";
import { readRequirementsLocation } from "./requirement_files.ts";
import { appendAll } from "../lists.ts";

/** The lock files of a command line, turned into requirement lines and locked candidates. */
export interface ReadLocks {
  /** Each lock's requirement lines, by location as named. */
  readonly texts: ReadonlyMap<string, string>;
  readonly candidates: ReadonlyMap<PackageName, LockedCandidate>;
  /** PEP 751 `attestation-identities` the locks pin, with each package's `index`. */
  readonly attestationIdentities: ReadonlyMap<PackageName, PinnedIdentities>;
  /** Validation warnings (a newer minor lock-version). */
  readonly warnings: readonly string[];
}

/**
 * Reads the lock files among `locations` for `interpreter`.
 *
 * @throws {InvalidPylockError} for a lock that does not parse or validate.
 * @throws {UnusablePylockError} for a lock that does not fit the target.
 */
export async function readPylocks(
  context: CommandContext,
  locations: readonly string[],
  interpreter: Interpreter,
): Promise<ReadLocks> {
  const texts = new Map<string, string>();
  const candidates = new Map<PackageName, LockedCandidate>();
  const attestationIdentities = new Map<PackageName, PinnedIdentities>();
  const warnings: string[] = [];
  const ranking = candidateSettings(context, interpreter).tags;
  const tags = [...ranking].sort((a, b) => a[1] - b[1]).map(([tag]) => tag);
  for (const location of locations) {
    const { lock, warnings: found } = parsePylock(
      await readRequirementsLocation(location, context),
      location,
    );
    appendAll(warnings, found);
    const locked = lockedRequirements(lock, {
      file: location,
      cwd: context.io.cwd,
      target: { environment: interpreter.markerEnvironment, tags },
    });
    texts.set(location, locked.lines.join("\n") + "\n");
    for (const [name, candidate] of locked.candidates) candidates.set(name, candidate);
    for (const pkg of lock.packages) {
      if (pkg.attestationIdentities === undefined || !locked.candidates.has(pkg.name)) continue;
      attestationIdentities.set(pkg.name, {
        identities: pkg.attestationIdentities.map((identity) =>
          identity instanceof Map ? Object.fromEntries(identity) : { ...identity }
        ),
        ...(pkg.index === undefined ? {} : { index: pkg.index }),
      });
    }
  }
  return { texts, candidates, attestationIdentities, warnings };
}

/** The services with the locked projects answered from their lock files. */
export function withLocks(
  services: InstallServices,
  locks: ReadLocks | undefined,
): InstallServices {
  return locks === undefined ? services : {
    ...services,
    provider: lockedProvider(
      services.provider,
      locks.candidates,
      (file) => checkLocalFileHashes(file, "the lock"),
    ),
  };
}
