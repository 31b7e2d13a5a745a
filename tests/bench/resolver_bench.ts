/**
 * Resolver benchmarks, in memory (no I/O): the slowest packse install
 * scenario, a large synthetic graph, and a backtracking-heavy pair.
 *
 * Run with `deno bench -A tests/bench/resolver_bench.ts`.
 */

import { type InMemoryIndex, inMemoryProvider } from "../../lib/resolver/in_memory_provider.ts";
import type { MarkerEvaluationEnvironment } from "../../lib/pep508/mod.ts";
import { ResolutionImpossibleError, resolve } from "../../lib/resolver/resolve.ts";
import { Random } from "../helpers/random.ts";
import {
  loadScenarios,
  type Scenario,
  scenarioIndex,
  targetEnvironment,
} from "../resolver/packse.ts";

const ENVIRONMENT: MarkerEvaluationEnvironment = {
  python_full_version: "3.12.4",
  python_version: "3.12",
  sys_platform: "linux",
};

async function attempt(
  requirements: readonly string[],
  index: InMemoryIndex,
  environment: MarkerEvaluationEnvironment = ENVIRONMENT,
) {
  try {
    await resolve({ requirements }, { provider: inMemoryProvider(index), environment });
  } catch (error) {
    if (!(error instanceof ResolutionImpossibleError)) throw error;
  }
}

/**
 * `projects` projects of `versions` versions each; project i's versions
 * depend on up to 4 later projects with ranges that narrow with the version,
 * so newer versions of early projects conflict and force backtracking.
 */
function syntheticGraph(projects: number, versions: number, seed: number): InMemoryIndex {
  const rng = new Random(seed);
  const next = () => rng.next();
  const index: Record<string, Record<string, string[]>> = {};
  for (let p = 0; p < projects; p++) {
    const project: Record<string, string[]> = {};
    for (let v = 1; v <= versions; v++) {
      const dependencies: string[] = [];
      const count = Math.floor(next() * 4);
      for (let d = 0; d < count && p + 1 < projects; d++) {
        const target = p + 1 + Math.floor(next() * Math.min(20, projects - p - 1));
        const low = 1 + Math.floor(next() * versions * (v / versions));
        const high = Math.min(versions + 1, low + 1 + Math.floor(next() * versions / 2));
        dependencies.push(`p${target}>=${low}.0,<${high}.0`);
      }
      project[`${v}.0`] = dependencies;
    }
    index[`p${p}`] = project;
  }
  return index;
}

const scenarios = (await loadScenarios() ?? []).filter((scenario) => scenario.mode === "install");

async function timeScenario(scenario: Scenario): Promise<number> {
  const index = scenarioIndex(scenario);
  const started = performance.now();
  for (let i = 0; i < 5; i++) {
    await attempt(scenario.root.requires_prefixed, index, targetEnvironment(scenario));
  }
  return performance.now() - started;
}

let slowest: Scenario | undefined;
let slowestTime = -1;
for (const scenario of scenarios) {
  const time = await timeScenario(scenario);
  if (time > slowestTime) [slowest, slowestTime] = [scenario, time];
}

if (slowest !== undefined) {
  const scenario = slowest;
  const index = scenarioIndex(scenario);
  Deno.bench(`packse: slowest install scenario (${scenario.name})`, async () => {
    await attempt(scenario.root.requires_prefixed, index, targetEnvironment(scenario));
  });
  const backtracking = scenarios.find((s) => s.category === "backtracking");
  if (backtracking !== undefined && backtracking !== scenario) {
    const backtrackingIndex = scenarioIndex(backtracking);
    Deno.bench(`packse: ${backtracking.name}`, async () => {
      await attempt(
        backtracking.root.requires_prefixed,
        backtrackingIndex,
        targetEnvironment(backtracking),
      );
    });
  }
}

const synthetic = syntheticGraph(400, 40, 1);
Deno.bench("synthetic: 400 projects × 40 versions, random ranges", async () => {
  await attempt(["p0", "p1", "p2", "p3"], synthetic);
});

const range = Array.from({ length: 100 }, (_, i) => i);
const conflicting: InMemoryIndex = {
  a: Object.fromEntries(range.map((i) => [`${i}.0`, [`c==${i}`]])),
  b: Object.fromEntries(range.map((i) => [`${i}.0`, [`c==${i + 1000}`]])),
  c: Object.fromEntries(range.flatMap((i) => [[`${i}`, []], [`${i + 1000}`, []]])),
};
Deno.bench("backtracking: 100 × 100 versions that never agree (unsatisfiable)", async () => {
  await attempt(["a", "b"], conflicting);
});
