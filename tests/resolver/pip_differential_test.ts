/**
 * Differential test against pip on the machine's local mirror of real PyPI
 * projects: for each requirement set, `pip install --dry-run --report` (the
 * oracle Python 3.11's pip, isolated from the machine's pip configuration)
 * and dpip's resolver (default provider over the same `file://` indexes, the
 * same interpreter's markers and tags) must choose the same versions.
 *
 * The mirror's index URLs are discovered at run time from the oracle pip's
 * configuration; the test skips when there is none.
 */

import { compatibleTags, tagPriorities } from "../../lib/dists/mod.ts";
import { IndexSet } from "../../lib/index/mod.ts";
import { HttpClient } from "../../lib/net/mod.ts";
import { queryInterpreter } from "../../lib/python/mod.ts";
import { defaultProvider } from "../../lib/resolver/default_provider.ts";
import { resolve } from "../../lib/resolver/resolve.ts";
import { assertEquals } from "../helpers/assert.ts";
import { pipChoices, pyenvPython, skipUnless } from "../helpers/python.ts";
import { mirrorIndexUrls } from "../index/corpus.ts";

const REQUIREMENT_SETS: readonly (readonly string[])[] = [
  ["flask"],
  ["requests[socks]"],
  ["boto3"],
  ["scipy<1.12"],
  ["scipy", "numpy<2"],
  ["scipy==1.10.1", "numpy>=1.24"],
  ["pandas", "numpy<2.1"],
  ["fsspec[http]<2026.9"],
  ["jupyterlab"],
];

const python = await pyenvPython("3.11");
const indexes = python === undefined ? [] : await mirrorIndexUrls();

Deno.test({
  name: "the resolver chooses what pip chooses on real projects",
  ignore: skipUnless(
    python !== undefined && indexes.length > 0,
    "Python 3.11 with pip and the local PyPI mirror",
  ),
  sanitizeResources: false,
  async fn(t) {
    const interpreter = await queryInterpreter(python!, { env: {}, cwd: Deno.cwd() });
    const client = new HttpClient({ retries: 0 });
    const [first, ...extra] = indexes;
    const indexSet = new IndexSet(client, {
      indexUrl: first!,
      extraIndexUrls: extra,
      cwd: Deno.cwd(),
      env: {},
    });
    const provider = defaultProvider({
      indexes: indexSet,
      client,
      tags: tagPriorities(compatibleTags(interpreter.tagFacts)),
      policy: { pythonVersion: [...interpreter.version] },
    });
    // pip runs are slow: start them all (three at a time) before comparing.
    const pending = new Map<readonly string[], Promise<string[]>>();
    const chain: Promise<unknown>[] = [Promise.resolve(), Promise.resolve(), Promise.resolve()];
    REQUIREMENT_SETS.forEach((requirements, i) => {
      const lane = i % chain.length;
      const run = chain[lane]!.then(() => pipChoices(python!, requirements, indexes));
      chain[lane] = run.catch(() => {});
      pending.set(requirements, run);
    });
    try {
      for (const requirements of REQUIREMENT_SETS) {
        await t.step(requirements.join(" "), async () => {
          const resolution = await resolve({ requirements }, {
            provider,
            environment: interpreter.markerEnvironment,
          });
          const ours = resolution.dists.map((dist) => `${dist.name}==${dist.version}`).sort();
          assertEquals(ours, await pending.get(requirements)!);
        });
      }
    } finally {
      await Promise.allSettled(chain);
      client.close();
    }
  },
});
