/**
 * An upgrade killed with SIGKILL inside its commit (a real dpip process,
 * killed as soon as its journal appears), then:
 *
 * - each dpip command that reads or changes the environment finishes the
 *   commit first and says so; `check` reports it and exits non-zero;
 * - pip 23.2.1 installs another version before dpip runs again: dpip sees
 *   that the environment is no longer as its journal left it, leaves pip's
 *   install alone (one dist-info of the project), and warns, naming it.
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseRecord } from "../../lib/dists/record.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { bigWheel, copyTree, killInsideCommit, workDirOf } from "./crash_support.ts";
import {
  dpip,
  dpipCommand,
  makeVenv,
  oracle,
  oraclePip,
  python311,
  snapshotDiff,
  treeSnapshot,
  type Venv,
} from "./install_wheel_support.ts";

const MODULES = 600;
const FINISHED = "An interrupted dpip run left replacing crashy 1.0 with crashy 2.0 half done";

interface Fixture {
  readonly home: string;
  readonly venv: Venv;
  readonly wheels: string;
  readonly v2: string;
  /** Puts crashy 1.0 back, then kills an upgrade to 2.0 inside its commit. */
  interruptUpgrade(): Promise<void>;
  /** The venv after an uninterrupted upgrade. */
  readonly upgraded: Map<string, string>;
}

async function withInterruptedUpgrade(fn: (fixture: Fixture) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "dpip-interrupted-" });
  try {
    const wheels = join(home, "wheels");
    const v1 = await writeWheel(wheels, bigWheel("crashy", "1.0", MODULES));
    const v2 = await writeWheel(wheels, bigWheel("crashy", "2.0", MODULES));
    const venv = await makeVenv(join(home, "venv"));
    const install = (wheel: string) =>
      dpipCommand(
        [
          "install",
          "--no-deps",
          "--no-index",
          "--python",
          venv.python,
          "--cache-dir",
          join(
            home,
            "cache",
          ),
          wheel,
        ],
        { home },
      );
    assertEquals((await install(v1.path).output()).code, 0);
    const pristine = join(home, "pristine");
    copyTree(venv.root, pristine);
    const restore = async () => {
      await Deno.remove(venv.root, { recursive: true });
      copyTree(pristine, venv.root);
    };
    assertEquals((await install(v2.path).output()).code, 0);
    const upgraded = treeSnapshot(venv.root);
    await fn({
      home,
      venv,
      wheels,
      v2: v2.path,
      upgraded,
      async interruptUpgrade() {
        // The kill lands within a millisecond or so of the journal; the commit takes longer.
        for (let attempt = 0; attempt < 10; attempt++) {
          await restore();
          if (await killInsideCommit(install(v2.path), venv)) return;
        }
        throw new Error("no kill landed inside the commit in 10 attempts");
      },
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** The distributions' metadata directories of a project in the venv. */
function distInfos(venv: Venv, project: string): string[] {
  return [...Deno.readDirSync(venv.sitePackages)].map((entry) => entry.name)
    .filter((name) => name.startsWith(`${project}-`) && name.endsWith(".dist-info")).sort();
}

Deno.test({
  name: "every command finishes an interrupted commit first, and check reports it",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  fn: () =>
    withInterruptedUpgrade(async ({ home, venv, v2, upgraded, interruptUpgrade }) => {
      const commands: [string[], (result: { stdout: string; stderr: string }) => void][] = [
        [["list"], ({ stdout }) => assertMatch(stdout, /^crashy +2\.0$/m)],
        [["freeze"], ({ stdout }) => assertStringIncludes(stdout, "crashy-2.0-py3-none-any.whl")],
        [["show", "crashy"], ({ stdout }) => assertStringIncludes(stdout, "Version: 2.0")],
        [["inspect"], ({ stdout }) => assertStringIncludes(stdout, '"version": "2.0"')],
        [["install", "--no-deps", "--no-index", v2], ({ stdout }) =>
          assertStringIncludes(stdout, "crashy is already installed with the same version")],
      ];
      for (const [args, check] of commands) {
        await interruptUpgrade();
        const [command, ...rest] = args;
        const result = await dpip([command!, "--python", venv.python, ...rest], { home });
        assertEquals(result.status, 0, `${args[0]}: ${result.stderr}`);
        assertStringIncludes(result.stderr, `WARNING: ${FINISHED}`, args[0]);
        check(result);
        assertEquals(snapshotDiff(upgraded, treeSnapshot(venv.root)), [], args[0]);
      }

      await interruptUpgrade();
      const checked = await dpip(["check", "--python", venv.python], { home });
      assertEquals(checked.status, 1, checked.stdout);
      assertStringIncludes(
        checked.stdout,
        `${FINISHED} in ${venv.sitePackages}; it is now finished`,
      );
      assertEquals(snapshotDiff(upgraded, treeSnapshot(venv.root)), []);
      const again = await dpip(["check", "--python", venv.python], { home });
      assertEquals([again.status, again.stdout], [0, "No broken requirements found.\n"]);

      // Beside a JSON document, on stderr; the exit status says so all the same.
      await interruptUpgrade();
      const json = await dpip(["check", "--format", "json", "--python", venv.python], { home });
      assertEquals(json.status, 1, json.stderr);
      assertEquals(JSON.parse(json.stdout).ok, true);
      assertStringIncludes(json.stderr, `WARNING: ${FINISHED}`);

      await interruptUpgrade();
      const removed = await dpip(["uninstall", "-y", "--python", venv.python, "crashy"], { home });
      assertEquals(removed.status, 0, removed.stderr);
      assertStringIncludes(removed.stderr, `WARNING: ${FINISHED}`);
      assertStringIncludes(removed.stdout, "Successfully uninstalled crashy-2.0");
      assertEquals(distInfos(venv, "crashy"), []);
      assertEquals(workDirOf(venv), undefined);
    }),
});

/** Every file a RECORD lists with a hash has that hash. */
function assertRecordsMatch(venv: Venv): void {
  for (const name of distInfos(venv, "crashy")) {
    const record = Deno.readTextFileSync(join(venv.sitePackages, name, "RECORD"));
    for (const row of parseRecord(record)) {
      if (row.hash === undefined) continue;
      const data = Deno.readFileSync(join(venv.sitePackages, row.path));
      assertEquals(
        `sha256=${createHash("sha256").update(data).digest("base64url")}`,
        `${row.hash.algorithm}=${row.hash.digest}`,
        row.path,
      );
    }
  }
}

Deno.test({
  name: "a stale journal is not replayed over what pip 23.2.1 installed after the crash",
  ignore: skipUnless(python311 && oracle, "pyenv Python 3.11 and pip 23.2.1"),
  fn: () =>
    withInterruptedUpgrade(async ({ home, venv, wheels, interruptUpgrade }) => {
      await writeWheel(wheels, bigWheel("crashy", "3.0", MODULES));
      await interruptUpgrade();
      const pip = (args: string[]) => oraclePip(venv.python, args, { noCache: true });
      const installed = await pip([
        "install",
        "--no-deps",
        "--no-index",
        "--find-links",
        wheels,
        "crashy==3.0",
      ]);
      assertEquals(installed.status, 0, installed.stderr);
      const pipState = treeSnapshot(venv.root, { ignore: (path) => path.includes(".dpip-txn-") });

      // The next dpip run installs something else.
      const other = await writeWheel(wheels, {
        name: "other",
        version: "1.0",
        files: { "other.py": "" },
      });
      const next = await dpip(
        ["install", "--no-deps", "--no-index", "--python", venv.python, other.path],
        { home },
      );
      assertEquals(next.status, 0, next.stderr);
      assertStringIncludes(next.stderr, "another tool changed crashy");
      assertEquals(distInfos(venv, "crashy"), ["crashy-3.0.dist-info"]);
      assertEquals(workDirOf(venv), undefined);
      // Not a file of pip's install touched: only dpip's staging went.
      const ignoreOther = (path: string) => /(^|\/)other[.-]/.test(path);
      assertEquals(snapshotDiff(pipState, treeSnapshot(venv.root, { ignore: ignoreOther })), []);
      const listed = await dpip(["list", "--python", venv.python], { home });
      assertMatch(listed.stdout, /^crashy +3\.0$/m);
      assertRecordsMatch(venv);

      const pipList = await pip(["list", "--format", "freeze"]);
      assertEquals(pipList.stdout.split("\n").filter((line) => line.startsWith("crashy")), [
        "crashy==3.0",
      ]);
      const pipCheck = await pip(["check"]);
      assertEquals([pipCheck.status, pipCheck.stdout], [0, "No broken requirements found.\n"]);
      const dpipCheck = await dpip(["check", "--python", venv.python], { home });
      assertEquals([dpipCheck.status, dpipCheck.stdout], [0, "No broken requirements found.\n"]);
      assert(!pipList.stderr.includes("Error"), pipList.stderr);
    }),
});
