/**
 * `dpip install --dry-run --ignore-installed --report -` against
 * `pip install` with the same options (the oracle pip 23.2.1, isolated from
 * the machine's configuration) on `../shared/corpus`, whose projects have
 * several versions (numpy 13, scipy 12, …): 32 requirement sets, most with
 * pins that force older versions and so backtracking, must give the same
 * versions. The corpus index is read through `file://`, as pip reads it.
 */

import { join } from "../../lib/paths.ts";
import { corpusDir } from "../index/corpus.ts";
import { assertEquals } from "../helpers/assert.ts";
import { dryRunReportArgs, pipChoices, reportChoices, skipUnless } from "../helpers/python.ts";
import { dpip, oracle, tempHome } from "./install_support.ts";

const SETS: readonly (readonly string[])[] = [
  ["flask<3"],
  ["flask", "werkzeug<3"],
  ["boto3<1.30"],
  ["boto3", "botocore<1.30", "urllib3<2"],
  ["requests<2.30"],
  ["requests", "urllib3<2"],
  ["jsonschema<4.20"],
  ["pydantic<2"],
  ["pydantic", "typing-extensions<4.5"],
  ["scipy", "numpy<1.25"],
  ["scipy<1.11"],
  ["ipython<9"],
  ["ipython", "traitlets<5.10"],
  ["pytest<8"],
  ["pytest", "pluggy<1.5"],
  ["cryptography<40"],
  ["docker<6"],
  ["hypothesis<6.100"],
  ["jinja2<3.1.5", "markupsafe<3"],
  ["sympy<1.12"],
  ["networkx<3"],
  ["trio<0.30"],
  ["setuptools-scm<8"],
  ["s3transfer<0.10"],
  ["pyyaml<6.0.3", "responses<0.20"],
  ["python-dateutil<2.9", "six<1.17"],
  ["prompt-toolkit<3.0.50", "wcwidth<0.3"],
  ["google-auth<2.30"],
  ["importlib-metadata<5", "zipp<3"],
  ["moto[server]", "werkzeug<3"],
  ["aws-xray-sdk<1"],
  ["graphql-core<3"],
];

const corpus = oracle === undefined ? undefined : await corpusDir();

Deno.test({
  name: "dpip chooses pip's versions on the corpus, pins that force older versions included",
  ignore: skipUnless(corpus, "pip 23.2.1 (pyenv 3.11) and ../shared/corpus"),
  sanitizeResources: false,
  async fn(t) {
    const index = `file://${join(corpus!, "simple")}`;
    const { home, done } = await tempHome("dpip-resolve-corpus-");
    // pip runs are slow: start them all (three at a time) before comparing.
    const lanes: Promise<unknown>[] = [Promise.resolve(), Promise.resolve(), Promise.resolve()];
    const pending = SETS.map((requirements, i) => {
      const run = lanes[i % lanes.length]!.then(() => pipChoices(oracle!, requirements, [index]));
      lanes[i % lanes.length] = run.catch(() => {});
      return run;
    });
    try {
      for (const [i, requirements] of SETS.entries()) {
        await t.step(requirements.join(" "), async () => {
          const ours = await dpip([
            ...dryRunReportArgs(requirements, [index]),
            "--python",
            oracle!,
            "--cache-dir",
            join(home, "cache"),
          ], { home });
          assertEquals(ours.status, 0, ours.stderr);
          assertEquals(reportChoices(ours.stdout), await pending[i]!);
        });
      }
    } finally {
      await Promise.allSettled(lanes);
      await done();
    }
  },
});
