/**
 * Every `install`-mode packse scenario served over HTTP by the in-process
 * test index (wheels built in memory, sdists too) and resolved through the
 * default provider: index pages, candidate choice, PEP 658 metadata for half
 * the scenarios and ranged reads of the wheel's zip for the other half.
 *
 * `install --dry-run` on top of this comes with the install issue.
 */

import { compatibleTags, tagPriorities } from "../../lib/dists/mod.ts";
import { IndexSet } from "../../lib/index/mod.ts";
import { HttpClient } from "../../lib/net/mod.ts";
import { compareVersions } from "../../lib/pep440/mod.ts";
import { parseFormatControl } from "../../lib/resolver/candidate_selector.ts";
import { defaultProvider } from "../../lib/resolver/default_provider.ts";
import { ResolutionImpossibleError, resolve } from "../../lib/resolver/resolve.ts";
import { assert, assertStringIncludes } from "../helpers/assert.ts";
import { startIndexServer } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import {
  acceptedOutcomes,
  loadScenarios,
  NEEDS_SDIST_BUILD,
  scenarioFiles,
  targetEnvironment,
  targetFacts,
  targetPython,
} from "../resolver/packse.ts";

const scenarios = (await loadScenarios() ?? []).filter((scenario) => scenario.mode === "install");

Deno.test({
  name: "packse scenarios over HTTP through the default provider",
  ignore: skipUnless(scenarios.length > 0, "../shared/packse/scenarios.json"),
  async fn(t) {
    const server = await startIndexServer({
      files: scenarios.flatMap((scenario, i) => scenarioFiles(scenario, i % 2 === 0)),
    });
    const client = new HttpClient({ retries: 0 });
    try {
      const indexes = new IndexSet(client, { indexUrl: server.url, cwd: Deno.cwd(), env: {} });
      for (const scenario of scenarios) {
        await t.step(`${scenario.category}/${scenario.name}`, async () => {
          const options = scenario.resolver_options;
          const prefixed = (short: string) => scenario.packages[short]?.prefixed_name ?? short;
          const provider = defaultProvider({
            indexes,
            client,
            tags: tagPriorities(compatibleTags(targetFacts(scenario))),
            policy: {
              pythonVersion: targetPython(scenario).split(".").map(Number),
              formatControl: parseFormatControl([
                ...options.no_binary.map((name) => ["no-binary", prefixed(name)] as const),
                ...options.no_build.map((name) => ["only-binary", prefixed(name)] as const),
              ]),
            },
          });
          let installed: Record<string, string> | undefined;
          let failure: ResolutionImpossibleError | undefined;
          try {
            const resolution = await resolve({ requirements: scenario.root.requires_prefixed }, {
              provider,
              environment: targetEnvironment(scenario),
              prerelease: options.prereleases ? "allow" : "if-necessary-or-explicit",
            });
            installed = Object.fromEntries(resolution.dists.map((d) => [d.name, d.version]));
          } catch (error) {
            if (!(error instanceof ResolutionImpossibleError)) throw error;
            failure = error;
          }
          if (NEEDS_SDIST_BUILD.has(scenario.name)) {
            // Needs building an sdist, which dpip cannot do yet: it must say so.
            assertStringIncludes(failure?.text ?? "", "only a source distribution");
            return;
          }
          const accepted = acceptedOutcomes(scenario);
          if (failure !== undefined) {
            assert(accepted.some((o) => !o.satisfiable), `expected success:\n${failure.text}`);
            return;
          }
          assert(
            accepted.some((o) =>
              o.satisfiable &&
              Object.entries(o.packages).every(([name, version]) =>
                installed![name] !== undefined && compareVersions(installed![name]!, version) === 0
              )
            ),
            `got ${JSON.stringify(installed)}, accepted ${JSON.stringify(accepted)}`,
          );
        });
      }
      assert(
        server.requests.some((request) => request.range !== null),
        "some metadata was read with range requests",
      );
      assert(server.requests.some((request) => request.path.endsWith(".metadata")));
      assert(
        !server.requests.some((request) =>
          request.range === null && request.path.endsWith(".whl") && request.method === "GET"
        ),
        "no whole wheel was downloaded",
      );
    } finally {
      client.close();
      await server.close();
    }
  },
});
