/**
 * Sdists whose build needs themselves: one whose `build-system.requires`
 * names itself, and two that need each other, offered only as sdists by
 * `--find-links` (a directory) and by an index. dpip must stop with one
 * error naming the chain, exit non-zero, start a bounded number of builds,
 * install nothing and leave nothing in the temporary directory (its own
 * `TMPDIR`, counted before and after). pip 23.2.1 refuses them too.
 *
 * dpip runs as a subprocess with a time limit: a dpip that starts nested
 * builds without end is killed, and the test fails saying so.
 */

import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { type IndexFile, type IndexServer, startIndexServer } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { dpipProcess, miniBackendWheel, miniSdist, tempEntries } from "./build_support.ts";
import {
  makeVenv,
  oracle,
  pip,
  python311,
  snapshotDiff,
  tempHome,
  treeSnapshot,
} from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

/** The sdists: selfreq needs selfreq to build; ping needs pong, which needs ping. */
function cyclicSdists(): IndexFile[] {
  return [
    miniSdist("selfreq", "1.0", { systemRequires: ["mini-backend", "selfreq"] }),
    miniSdist("ping", "1.0", { systemRequires: ["mini-backend", "pong"] }),
    miniSdist("pong", "1.0", { systemRequires: ["mini-backend"], buildRequires: ["ping"] }),
  ];
}

interface CycleCase {
  readonly project: string;
  readonly chain: string;
}

const CASES: readonly CycleCase[] = [
  { project: "selfreq", chain: "selfreq 1.0 → selfreq 1.0" },
  // pong's own requirement (from get_requires_for_build_wheel) closes the circle.
  { project: "ping", chain: "ping 1.0 → pong 1.0 → ping 1.0" },
];

/** Runs each case against `source` (the arguments naming where packages come from). */
async function checkCycles(
  context: { home: string; source: readonly string[]; server?: IndexServer },
): Promise<void> {
  const { home, source, server } = context;
  for (const testCase of CASES) {
    const tmp = join(home, `tmp-${testCase.project}`);
    await Deno.mkdir(tmp);
    const venv = await makeVenv(join(home, `venv-${testCase.project}`));
    const before = await treeSnapshot(venv.root);
    const requestsBefore = server?.requests.length ?? 0;
    const result = await dpipProcess(
      ["install", "--python", venv.python, "--no-cache-dir", "-v", ...source, testCase.project],
      { home, tmp },
    );
    assertEquals(result.killed, false, `dpip did not stop building ${testCase.project}`);
    assertEquals(result.status, 1, result.stderr);
    const errors = result.stderr.split("\n").filter((line) => line.startsWith("ERROR:"));
    assertEquals(errors, [
      `ERROR: Cyclic build dependency: ${testCase.chain} (each is needed to build the one before it)`,
    ]);
    assertStringIncludes(result.stderr, "hint: one of these must be available as a wheel");
    // Each sdist of the chain is built (started) at most once.
    const builds = result.stdout.split("\n").filter((line) => line.startsWith("Building "));
    assert(builds.length <= 2, builds.join("\n"));
    assertEquals(tempEntries(tmp), [], "dpip left temporary directories");
    if (server !== undefined) {
      // Each sdist is downloaded once: no nested build fetches it again.
      const sdists = server.requests.slice(requestsBefore).map((request) => request.path)
        .filter((path) => path.endsWith(".tar.gz"));
      assertEquals(sdists.length, new Set(sdists).size, sdists.join("\n"));
      assert(sdists.length >= 1);
    }
    assertEquals(snapshotDiff(before, await treeSnapshot(venv.root)), []);

    // pip refuses too ("... is already being built"), in its build subprocess.
    const twin = await makeVenv(join(home, `twin-${testCase.project}`));
    const pips = await pip(
      twin.python,
      ["install", "--no-cache-dir", ...source, testCase.project],
      {
        cwd: home,
      },
    );
    assert(pips.status !== 0, pips.stdout);
    assertMatch(pips.stdout + pips.stderr, /is already being built/);
  }
}

Deno.test({
  name: "sdists that need themselves to build, on --find-links: one error naming the chain",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-cycle-links-");
    try {
      const links = join(home, "links");
      await Deno.mkdir(links);
      for (const file of [miniBackendWheel(), ...cyclicSdists()]) {
        await Deno.writeFile(join(links, file.filename), file.bytes);
      }
      await checkCycles({ home, source: ["--no-index", "--find-links", links] });
    } finally {
      await done();
    }
  },
});

Deno.test({
  name: "sdists that need themselves to build, on an index: one error naming the chain",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-cycle-index-");
    const server = await startIndexServer({ files: [miniBackendWheel(), ...cyclicSdists()] });
    try {
      await checkCycles({ home, source: ["--index-url", server.url], server });
    } finally {
      await server.close();
      await done();
    }
  },
});
