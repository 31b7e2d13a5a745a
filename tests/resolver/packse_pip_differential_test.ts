/**
 * Differential test against pip on packse scenarios outside install mode
 * that pip can run all the same: `wrong-backtracking-basic` (a lock scenario
 * without markers), resolved for one target as `dpip install` does, must
 * choose what pip 23.2.1 (pyenv 3.12) installs from the scenario's files
 * served over HTTP. (uv's lock of it chooses the same; see
 * `universal_packse_test.ts`.)
 */

import { startIndexServer } from "../helpers/index_server.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { pipChoices, pyenvPython, skipUnless } from "../helpers/python.ts";
import { loadScenarios, resolveScenario, scenarioFiles } from "./packse.ts";

const NAMES = ["wrong-backtracking-basic"];

const scenarios = (await loadScenarios() ?? []).filter((one) => NAMES.includes(one.name));
const python = await pyenvPython("3.12");

for (const name of NAMES) {
  Deno.test({
    name: `packse ${name}, resolved for one target, chooses pip's versions`,
    ignore: skipUnless(
      python !== undefined && scenarios.length === NAMES.length,
      "../shared/packse/scenarios.json and pyenv's Python 3.12 with pip",
    ),
    async fn() {
      const scenario = scenarios.find((one) => one.name === name)!;
      const server = await startIndexServer({ files: scenarioFiles(scenario, true) });
      try {
        const theirs = await pipChoices(python!, scenario.root.requires_prefixed, [server.url]);
        const outcome = await resolveScenario(scenario);
        assert("resolution" in outcome, "dpip found no resolution");
        const ours = outcome.resolution.dists.map((dist) => `${dist.name}==${dist.version}`).sort();
        assertEquals(ours, theirs);
      } finally {
        await server.close();
      }
    },
  });
}
