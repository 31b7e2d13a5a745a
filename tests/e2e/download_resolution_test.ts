/**
 * `dpip download` with dependencies against pip 23.2.1's on the same
 * in-process index: requested extras (and extras that name other extras)
 * bring their dependencies, as `pip download requests[socks]` saves PySocks,
 * and so do wheel URLs (`name[extra] @ URL`, a bare URL);
 * a resolution that fails says why, with the numbered reasons `install`
 * gives, and saves nothing; `--log` gets the lines.
 */

import { join } from "node:path";
import { assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { startIndexServer } from "../helpers/index_server.ts";
import { demoFiles, demoWheel, dpip, oracle, pip, python311 } from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

/** The demo projects, plus `req` (like requests) whose extras name `socky` and `app[extra]`. */
const FILES = [
  ...demoFiles(),
  demoWheel("socky", "1.0"),
  demoWheel("req", "2.0", {
    metadata: {
      requiresDist: [
        "lib>=1",
        'socky>=1 ; extra == "socks"',
        'app[extra] ; extra == "all"',
        'never ; extra == "socks" and python_version < "3"',
      ],
      providesExtra: ["socks", "all"],
    },
  }),
];

function saved(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}

interface Case {
  readonly args: readonly string[];
  /** A requirements or constraints file the arguments name as `FILE`. */
  readonly file?: string;
  /** What dpip must say on stderr when the resolution fails. */
  readonly failure?: readonly string[];
}

const CASES: readonly Case[] = [
  { args: ["req[socks]"] },
  { args: ["req[all]"] },
  { args: ["req[socks,all]"] },
  { args: ["req", "req[socks]"] },
  { args: ["-r", "FILE"], file: "req[socks] ; python_version >= '3'\n" },
  { args: ["req[socks,all]", "-c", "FILE"], file: "lib<3\nextra-dep==1.0\n" },
  { args: ["app[extra] @ FILES/app-2.0-py3-none-any.whl"] },
  { args: ["FILES/pinned-1.0-py3-none-any.whl", "tool"] },
  {
    args: ["FILES/pinned-1.0-py3-none-any.whl", "app==2.0"],
    failure: ["Because pinned==1.0 depends on lib<2 and app==2.0 depends on lib>=2"],
  },
  {
    args: ["req[socks]", "socky>=2"],
    failure: ["ERROR: Cannot download req[socks], socky>=2: no set of versions satisfies them"],
  },
  {
    args: ["pinned", "app==2.0"],
    failure: [
      "ERROR: Cannot download pinned, app==2.0: no set of versions satisfies them",
      "Because pinned==1.0 depends on lib<2 and app==2.0 depends on lib>=2",
    ],
  },
  {
    args: ["no-such-project"],
    failure: [
      "ERROR: Cannot download no-such-project: no set of versions satisfies them",
      "hint: no index has a project named 'no-such-project'",
    ],
  },
];

Deno.test({
  name:
    "download saves what pip's download saves: extras' dependencies included; failures explained",
  ignore: needs,
  fn: async () => {
    const server = await startIndexServer({ files: FILES });
    const home = await Deno.makeTempDir({ prefix: "dpip-download-resolution-" });
    try {
      for (const [index, testCase] of CASES.entries()) {
        const file = join(home, `input-${index}.txt`);
        if (testCase.file !== undefined) await Deno.writeTextFile(file, testCase.file);
        const args = testCase.args.map((arg) =>
          arg === "FILE" ? file : arg.replace("FILES/", `${server.origin}files/`)
        );
        const ours = join(home, `dpip-${index}`);
        const theirs = join(home, `pip-${index}`);
        const log = join(home, `dpip-${index}.log`);
        const mine = await dpip(
          ["download", "--python", python311!, "-i", server.url, "-d", ours, "--log", log, ...args],
          { home },
        );
        const pips = await pip(python311!, [
          "download",
          "--no-cache-dir",
          "-i",
          server.url,
          "-d",
          theirs,
          ...args,
        ]);
        const label = testCase.args.join(" ");
        assertEquals(saved(ours), saved(theirs), label);
        assertEquals(mine.status, pips.status, `${label}\n${mine.stderr}\n${pips.stderr}`);
        const logged = await Deno.readTextFile(log);
        if (testCase.failure === undefined) {
          assertEquals(mine.status, 0, label);
          assertMatch(logged, /Successfully downloaded /);
          continue;
        }
        assertEquals(saved(ours), [], label);
        for (const line of testCase.failure) {
          assertStringIncludes(mine.stderr, line, label);
          assertStringIncludes(logged, line, label);
        }
      }
    } finally {
      await server.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
