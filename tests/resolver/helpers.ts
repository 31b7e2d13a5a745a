/**
 * Shared helpers for resolver tests: resolve against an in-memory index and
 * get `name==version` lines or the failure report text.
 *
 * @module
 */

import { type InMemoryIndex, inMemoryProvider } from "../../lib/resolver/in_memory_provider.ts";
import {
  type Manifest,
  type Resolution,
  ResolutionImpossibleError,
  resolve,
  type ResolveOptions,
} from "../../lib/resolver/resolve.ts";

/** CPython 3.12 on Linux. */
export const PY312 = {
  implementation_name: "cpython",
  os_name: "posix",
  platform_system: "Linux",
  sys_platform: "linux",
  python_full_version: "3.12.4",
  python_version: "3.12",
};

/** What a test resolution produced. */
export type Outcome =
  | { ok: true; pins: string[]; resolution: Resolution }
  | { ok: false; report: string; error: ResolutionImpossibleError };

/** Resolves `requirements` (or a whole manifest) against `index`. */
export async function run(
  requirements: readonly string[] | Manifest,
  index: InMemoryIndex,
  options: Partial<ResolveOptions> = {},
): Promise<Outcome> {
  const manifest = Array.isArray(requirements)
    ? { requirements: requirements as readonly string[] }
    : requirements as Manifest;
  try {
    const resolution = await resolve(manifest, {
      provider: inMemoryProvider(index),
      environment: PY312,
      ...options,
    });
    const pins = resolution.dists.map((dist) =>
      `${dist.name}${dist.extras.length > 0 ? `[${dist.extras.join(",")}]` : ""}==${dist.version}`
    );
    return { ok: true, pins, resolution };
  } catch (error) {
    if (error instanceof ResolutionImpossibleError) {
      return { ok: false, report: error.text, error };
    }
    throw error;
  }
}

/** The pins of a successful outcome; throws with the report otherwise. */
export function pins(outcome: Outcome): string[] {
  if (!outcome.ok) throw new Error(`expected a resolution, got:\n${outcome.report}`);
  return outcome.pins;
}

/** The report of a failed outcome; throws otherwise. */
export function report(outcome: Outcome): string {
  if (outcome.ok) throw new Error(`expected a failure, got ${outcome.pins.join(" ")}`);
  return outcome.report;
}
