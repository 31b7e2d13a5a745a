/**
 * The packse resolver scenarios (`../shared/packse/scenarios.json`, read at
 * run time and never copied) turned into resolver inputs: an in-memory index
 * per scenario, the target environment, and the outcome to require.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { compatibleTags, parseTag, type TagFacts, tagPriorities } from "../../lib/dists/mod.ts";
import {
  type InMemoryIndex,
  type InMemoryVersion,
  toMetadata,
} from "../../lib/resolver/in_memory_provider.ts";
import { inMemoryProvider } from "../../lib/resolver/in_memory_provider.ts";
import type { UnavailableReason } from "../../lib/resolver/provider.ts";
import { type Resolution, ResolutionImpossibleError, resolve } from "../../lib/resolver/resolve.ts";
import { type IndexFile, wheelFile } from "../helpers/index_server.ts";
import { linuxCpythonFacts } from "../helpers/tag_facts.ts";
import { buildSdist } from "../helpers/wheel_builder.ts";

/** One version of a scenario package, as scenarios.json has it. */
export interface ScenarioVersion {
  requires_prefixed: string[];
  extras_prefixed: Record<string, string[]>;
  requires_python: string | null;
  sdist: boolean;
  wheel: boolean;
  wheel_tags: string[];
  yanked: boolean;
}

/** One scenario, as scenarios.json has it (the fields the tests read). */
export interface Scenario {
  name: string;
  category: string;
  description: string;
  mode: "install" | "compile" | "lock";
  root: { requires_prefixed: string[]; requires_python?: string };
  packages: Record<string, { prefixed_name: string; versions: Record<string, ScenarioVersion> }>;
  environment: { python: string };
  resolver_options: {
    prereleases: boolean;
    no_build: string[];
    no_binary: string[];
    universal?: boolean;
    python?: string | null;
    required_environments?: string[] | null;
  };
  expected: { satisfiable: boolean; packages_prefixed: Record<string, string> };
  pip_policy_differs?: boolean;
  pip_outcome?: { satisfiable: boolean; packages: Record<string, string> };
}

/** Where scenarios.json lives, relative to this repository. */
export const SCENARIOS_PATH = fileURLToPath(
  new URL("../../../shared/packse/scenarios.json", import.meta.url),
);

/** The scenarios, or undefined when the file is absent. */
export async function loadScenarios(): Promise<Scenario[] | undefined> {
  try {
    const data = JSON.parse(await Deno.readTextFile(SCENARIOS_PATH)) as { scenarios: Scenario[] };
    return data.scenarios;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Scenarios whose expected success needs a source distribution. The scenario
 * indexes hold no build backend to build them with, so the resolver tests
 * give these the sdist's metadata as if built (building itself is tested in
 * tests/build and tests/e2e/install_build_test.ts). Every compile-mode
 * scenario is treated so too: `compile` reads an sdist's metadata when no
 * wheel fits the target, and their explanations count on it.
 */
export const NEEDS_SDIST_BUILD = new Set(["no-binary"]);

function sdistsUsable(scenario: Scenario): boolean {
  return scenario.mode === "compile" || NEEDS_SDIST_BUILD.has(scenario.name);
}

/**
 * The Python a scenario resolves for: the target a compile-mode scenario
 * names (`--python-version`), otherwise the environment's.
 */
function scenarioPython(scenario: Scenario): string {
  return scenario.resolver_options.python ?? scenario.environment.python;
}

/** The target's full Python version: `3.12` means `3.12.0`. */
export function targetPython(scenario: Scenario): string {
  const python = scenarioPython(scenario);
  return python.split(".").length === 2 ? `${python}.0` : python;
}

/** CPython of the scenario's version on x86_64 Linux with glibc 2.35 (manylinux2014 fits). */
export function targetFacts(scenario: Scenario): TagFacts {
  const [major, minor] = scenarioPython(scenario).split(".").map(Number) as [number, number];
  return linuxCpythonFacts(major, minor);
}

/** The marker environment of {@link targetFacts}. */
export function targetEnvironment(scenario: Scenario): Record<string, string> {
  const full = targetPython(scenario);
  return {
    implementation_name: "cpython",
    implementation_version: full,
    os_name: "posix",
    platform_machine: "x86_64",
    platform_python_implementation: "CPython",
    platform_system: "Linux",
    python_full_version: full,
    python_version: full.split(".").slice(0, 2).join("."),
    sys_platform: "linux",
  };
}

/**
 * Resolves a scenario for its one target (an install, or a compile for the
 * target Python): the installed set, or the failure report.
 */
export async function resolveScenario(
  scenario: Scenario,
): Promise<{ resolution: Resolution } | { failure: ResolutionImpossibleError }> {
  try {
    const resolution = await resolve(
      { requirements: scenario.root.requires_prefixed },
      {
        provider: inMemoryProvider(scenarioIndex(scenario)),
        environment: targetEnvironment(scenario),
        prerelease: scenario.resolver_options.prereleases ? "allow" : "if-necessary-or-explicit",
      },
    );
    return { resolution };
  } catch (error) {
    if (error instanceof ResolutionImpossibleError) return { failure: error };
    throw error;
  }
}

/** The wheel tags of a scenario version (empty means one `py3-none-any` wheel). */
export function wheelTags(version: ScenarioVersion): string[] {
  return version.wheel_tags.length === 0 ? ["py3-none-any"] : version.wheel_tags;
}

/** What the in-memory index says of any scenario version: its requirements, Requires-Python, yanking. */
function versionEntry(data: ScenarioVersion): InMemoryVersion {
  const entry: InMemoryVersion = { requires: data.requires_prefixed, extras: data.extras_prefixed };
  if (data.requires_python !== null) entry.requiresPython = data.requires_python;
  if (data.yanked) entry.yanked = true;
  return entry;
}

/**
 * An in-memory index for a scenario: a version is usable when one of its
 * wheels fits the target (and binaries are allowed for the package), or, for
 * {@link NEEDS_SDIST_BUILD} and compile-mode scenarios, when it has an sdist
 * that may be built.
 */
export function scenarioIndex(scenario: Scenario): InMemoryIndex {
  const priorities = tagPriorities(compatibleTags(targetFacts(scenario)));
  const noBinary = new Set(scenario.resolver_options.no_binary);
  const noBuild = new Set(scenario.resolver_options.no_build);
  const canBuild = sdistsUsable(scenario);
  const index: Record<string, Record<string, InMemoryVersion>> = {};
  for (const [short, project] of Object.entries(scenario.packages)) {
    const versions: Record<string, InMemoryVersion> = {};
    for (const [version, data] of Object.entries(project.versions)) {
      const entry = versionEntry(data);
      const tags = wheelTags(data);
      const wheelFits = data.wheel && !noBinary.has(short) &&
        tags.some((tag) => parseTag(tag).some((one) => priorities.has(String(one))));
      const sdistUsable = data.sdist && !noBuild.has(short) && canBuild;
      if (!wheelFits && !sdistUsable) entry.unavailable = unavailability(data, short, scenario);
      versions[version] = entry;
    }
    index[project.prefixed_name] = versions;
  }
  return index;
}

/**
 * An in-memory index for a universal (`lock`-mode) scenario: every platform
 * is a target, so a version is usable when it has any file at all.
 */
export function universalScenarioIndex(scenario: Scenario): InMemoryIndex {
  const index: Record<string, Record<string, InMemoryVersion>> = {};
  for (const project of Object.values(scenario.packages)) {
    const versions: Record<string, InMemoryVersion> = {};
    for (const [version, data] of Object.entries(project.versions)) {
      const entry = versionEntry(data);
      if (!data.wheel && !data.sdist) entry.unavailable = { kind: "no-compatible-wheel" };
      versions[version] = entry;
    }
    index[project.prefixed_name] = versions;
  }
  return index;
}

function unavailability(
  data: ScenarioVersion,
  short: string,
  scenario: Scenario,
): UnavailableReason {
  if (data.sdist && scenario.resolver_options.no_build.includes(short)) {
    return { kind: "sdist-only", message: "--only-binary forbids building it" };
  }
  if (data.sdist) return { kind: "sdist-only" };
  return { kind: "no-compatible-wheel", tags: wheelTags(data) };
}

/** The outcomes a scenario accepts: its expectation, and pip's where pip's policy differs. */
export function acceptedOutcomes(
  scenario: Scenario,
): Array<{ satisfiable: boolean; packages: Record<string, string> }> {
  const outcomes = [{
    satisfiable: scenario.expected.satisfiable,
    packages: scenario.expected.packages_prefixed,
  }];
  if (scenario.pip_policy_differs && scenario.pip_outcome !== undefined) {
    outcomes.push(scenario.pip_outcome);
  }
  return outcomes;
}

/** The index files of a scenario; PEP 658 metadata only when `pep658`. */
export function scenarioFiles(scenario: Scenario, pep658: boolean): IndexFile[] {
  const files: IndexFile[] = [];
  for (const project of Object.values(scenario.packages)) {
    for (const [version, data] of Object.entries(project.versions)) {
      const metadata = toMetadata({
        requires: data.requires_prefixed,
        extras: data.extras_prefixed,
        ...(data.requires_python === null ? {} : { requiresPython: data.requires_python }),
      });
      const spec = {
        requiresDist: metadata.requiresDist,
        providesExtra: metadata.providesExtra,
        ...(metadata.requiresPython === undefined
          ? {}
          : { requiresPython: metadata.requiresPython }),
      };
      const extra = data.yanked ? { yanked: true } : {};
      if (data.wheel) {
        for (const tags of wheelTags(data)) {
          const file = wheelFile(
            { name: project.prefixed_name, version, tags, metadata: spec },
            extra,
          );
          files.push(pep658 ? file : { ...file, metadata: undefined });
        }
      }
      if (data.sdist) {
        const sdist = buildSdist({ name: project.prefixed_name, version, metadata: spec });
        files.push({
          filename: sdist.filename,
          bytes: sdist.bytes,
          ...extra,
          ...(spec.requiresPython === undefined ? {} : { requiresPython: spec.requiresPython }),
        });
      }
    }
  }
  return files;
}
