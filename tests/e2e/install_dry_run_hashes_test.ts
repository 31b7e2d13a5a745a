/**
 * `install --dry-run` in hash-checking mode does what pip 23.2.1's does: it
 * fetches every file it would install and checks its hashes (the user's and
 * the index's), so a file that does not match fails the dry run in one line
 * instead of "Would install" it. Each case runs dpip and pip against the same
 * in-process index; the environment is unchanged either way.
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { assertEquals, assertMatch } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import {
  demoFiles,
  oracle,
  python311,
  treeSnapshot,
  type Venv,
  withIndexEnv,
} from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

const snapshot = (venv: Venv) =>
  treeSnapshot(venv.root, {
    ignore: (path) => path.endsWith("__pycache__"),
  });

const files = demoFiles();
const sha256 = (filename: string) =>
  createHash("sha256").update(files.find((f) => f.filename === filename)!.bytes).digest("hex");
const LIB_1 = sha256("lib-1.0-py3-none-any.whl");
const PINNED = sha256("pinned-1.0-py3-none-any.whl");
const WRONG = "0".repeat(64);

interface Case {
  readonly name: string;
  /** The requirements file's text. */
  readonly requirements: string;
  /** Corrupt this file on the index (so the index's own hash does not match). */
  readonly corrupt?: string;
  /** The error line expected from dpip, or undefined when the dry run succeeds. */
  readonly error?: RegExp;
  readonly wouldInstall?: string;
}

const CASES: readonly Case[] = [
  {
    name: "a --hash that does not match",
    requirements: `lib==1.0 --hash=sha256:${WRONG}\n`,
    error: /^ERROR: Hash mismatch for lib-1\.0-py3-none-any\.whl: the requirement expected/,
  },
  {
    name: "a dependency's --hash that does not match",
    requirements: `pinned==1.0 --hash=sha256:${PINNED}\nlib==1.0 --hash=sha256:${WRONG}\n`,
    error: /^ERROR: Hash mismatch for lib-1\.0-py3-none-any\.whl/,
  },
  {
    name: "a file the index serves corrupted, with the right --hash",
    requirements: `lib==1.0 --hash=sha256:${LIB_1}\n`,
    corrupt: "lib-1.0-py3-none-any.whl",
    error: /^ERROR: Hash mismatch for lib-1\.0-py3-none-any\.whl/,
  },
  {
    name: "matching hashes",
    requirements: `pinned==1.0 --hash=sha256:${PINNED}\nlib==1.0 --hash=sha256:${LIB_1}\n`,
    wouldInstall: "Would install lib-1.0 pinned-1.0",
  },
];

for (const testCase of CASES) {
  Deno.test({
    name: `install --dry-run in hash-checking mode, as pip: ${testCase.name}`,
    ignore: needs,
    fn: () =>
      withIndexEnv({
        venvs: ["venv", "twin"],
        cacheDir: true,
        ...(testCase.corrupt === undefined ? {} : {
          // The file only (not its PEP 658 metadata), so that resolving succeeds.
          faults: [{ path: new RegExp(`/files/${testCase.corrupt}$`), kind: "corrupt" as const }],
        }),
      }, async (env) => {
        const path = join(env.home, "requirements.txt");
        await Deno.writeTextFile(path, testCase.requirements);
        const before = await snapshot(env.venv);
        const { ours, theirs } = await env.both(["--dry-run", "-r", path], {
          theirs: env.venvs.twin,
        });
        assertEquals(await snapshot(env.venv), before);
        assertEquals([ours.status, theirs.status], testCase.error === undefined ? [0, 0] : [1, 1]);
        if (testCase.error !== undefined) {
          const errors = ours.stderr.split("\n").filter((line) => line.startsWith("ERROR:"));
          assertEquals(errors.length, 1, ours.stderr);
          assertMatch(errors[0]!, testCase.error);
          assertEquals(ours.stdout.includes("Would install"), false, ours.stdout);
          assertMatch(theirs.stderr, /DO NOT MATCH THE HASHES/);
        } else {
          assertEquals(ours.stdout.split("\n").at(-2), testCase.wouldInstall, ours.stdout);
          assertEquals(theirs.stdout.trimEnd().split("\n").at(-1), testCase.wouldInstall);
        }
      }),
  });
}
