/**
 * Every `install`-mode packse scenario through the resolver with an
 * in-memory index built from the scenario (the e2e variant in
 * `tests/e2e/packse_test.ts` serves the same data over HTTP).
 */

import { compareVersions } from "../../lib/pep440/mod.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { acceptedOutcomes, loadScenarios, resolveScenario } from "./packse.ts";

const scenarios = await loadScenarios();
const install = (scenarios ?? []).filter((scenario) => scenario.mode === "install");

function sameVersions(actual: Record<string, string>, expected: Record<string, string>): boolean {
  const names = Object.keys(expected);
  return names.length === Object.keys(actual).length &&
    names.every((name) =>
      actual[name] !== undefined && compareVersions(actual[name]!, expected[name]!) === 0
    );
}

Deno.test({
  name: "packse scenarios are present",
  ignore: skipUnless(scenarios, "../shared/packse/scenarios.json"),
  fn() {
    assert(install.length > 0);
  },
});

for (const scenario of install) {
  Deno.test(`packse ${scenario.category}/${scenario.name}`, async () => {
    const outcome = await resolveScenario(scenario);
    const accepted = acceptedOutcomes(scenario);
    if ("failure" in outcome) {
      assert(
        accepted.some((expected) => !expected.satisfiable),
        `expected success, got:\n${outcome.failure.text}`,
      );
      assert(outcome.failure.text.includes("we can conclude that"), outcome.failure.text);
      return;
    }
    const installed = Object.fromEntries(
      outcome.resolution.dists.map((dist) => [dist.name, dist.version]),
    );
    const ok = accepted.some((expected) =>
      expected.satisfiable &&
      (Object.keys(expected.packages).length === 0 || sameVersions(installed, expected.packages))
    );
    assertEquals(
      ok ? "as expected" : installed,
      "as expected",
      `accepted outcomes: ${JSON.stringify(accepted)}`,
    );
  });
}
