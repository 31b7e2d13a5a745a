/**
 * Small values for the install phases' unit tests: a marker environment,
 * specifications parsed from requirement lines, and resolved distributions.
 *
 * @module
 */

import { canonicalizeName } from "../../lib/names/mod.ts";
import type { IndexSource } from "../../lib/resolver/default_provider.ts";
import type { ResolvedDist } from "../../lib/resolver/mod.ts";
import {
  buildSpecification,
  type RequirementsSpecification,
} from "../../lib/requirements/specification.ts";
import type { Root } from "../../lib/operations/install_roots.ts";
import { PY312 } from "../resolver/helpers.ts";

/** CPython 3.12 on Linux, every marker variable set. */
export const LINUX_312 = {
  ...PY312,
  implementation_version: "3.12.4",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "6.1",
  platform_version: "#1",
  extra: "",
};

/** An interpreter as the pure phases read it. */
export const INTERPRETER = { markerEnvironment: LINUX_312 };

/** The specification of requirement lines (`-c` lines after `constraints`), in `cwd`. */
export async function specOf(
  args: readonly string[],
  options: { cwd?: string; constraints?: string } = {},
): Promise<RequirementsSpecification> {
  return await buildSpecification({
    args,
    constraintFiles: options.constraints === undefined ? [] : ["c.txt"],
  }, {
    cwd: options.cwd ?? "/",
    env: {},
    read: () => Promise.resolve(options.constraints ?? ""),
    stat: (path) => {
      try {
        return Deno.statSync(path).isDirectory ? "directory" : "file";
      } catch {
        return undefined;
      }
    },
  });
}

/** Registry requirements as roots. */
export async function rootsOf(args: readonly string[]): Promise<Root[]> {
  return (await specOf(args)).requirements.map(({ source }) => {
    if (source.kind !== "registry") throw new Error(`${source.text} is not a registry line`);
    return { source, requirement: source.requirement };
  });
}

/** A resolved wheel from an index (`name==version`, its `Requires-Dist`). */
export function resolved(
  pin: string,
  requiresDist: readonly string[] = [],
  extra: Partial<ResolvedDist<IndexSource>> = {},
): ResolvedDist<IndexSource> {
  const [name, version] = pin.split("==") as [string, string];
  const filename = `${name}-${version}-py3-none-any.whl`;
  return {
    name: canonicalizeName(name),
    version,
    extras: [],
    requested: false,
    installed: false,
    metadata: { requiresDist: [...requiresDist], providesExtra: [] },
    source: {
      kind: "index",
      format: "wheel",
      file: {
        filename,
        url: `https://files.example/${filename}`,
        hashes: { sha256: "00" },
        yanked: false,
        coreMetadata: false,
      },
    },
    ...extra,
  };
}
