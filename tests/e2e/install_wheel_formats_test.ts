/**
 * Wheels pip 23.2.1 installs that are not quite 1.0 wheels with a full
 * RECORD: other Wheel-Versions (0.x, 1.x, newer minors warn, a newer major
 * or an unreadable version refuses), RECORDs that leave files out or list
 * them without a hash (installed, with a warning), RECORD rows for files the
 * archive lacks (ignored), build tags. dpip and pip install the same files,
 * or both refuse. Where RECORD gave no hash, pip's new RECORD has an empty
 * one and dpip's the file's sha256: the rows are compared by path there; a
 * row for a file the archive lacks pip keeps and dpip drops.
 */

import { join } from "node:path";
import { createHash } from "node:crypto";
import { buildWheel, type WheelSpec } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import {
  dpip,
  installedFiles,
  makeVenv,
  oracle,
  pip,
  python311,
  snapshotDiff,
  treeSnapshot,
} from "./install_wheel_support.ts";

const wheelSpec = (name: string, extra: Partial<WheelSpec> = {}): WheelSpec => ({
  name,
  version: "1.0",
  files: { [`${name}/__init__.py`]: "X = 1\n", [`${name}/data.txt`]: "data\n" },
  entryPoints: { console_scripts: { [`${name}-cli`]: `${name}:main` } },
  ...extra,
});
const withoutHash = (path: string) => (lines: { path: string; hash: string; size: string }[]) =>
  lines.map((line) => line.path === path ? { ...line, hash: "", size: "" } : line);

/** Wheels both install, and the warning dpip prints for each, if any. */
const ACCEPTED: [WheelSpec, RegExp | undefined][] = [
  [wheelSpec("wv01", { wheelVersion: "0.1" }), undefined],
  [wheelSpec("wv1", { wheelVersion: "1" }), undefined],
  [wheelSpec("wvspaced", { wheelVersion: " 1 . 0 " }), undefined],
  [wheelSpec("wv11", { wheelVersion: "1.1" }), /Installing from a newer Wheel-Version \(1\.1\)/],
  [
    wheelSpec("wv101", { wheelVersion: "1.0.1" }),
    /Installing from a newer Wheel-Version \(1\.0\.1\)/,
  ],
  [
    wheelSpec("unlisted", { record: { omit: ["unlisted/data.txt"] } }),
    /its RECORD does not list "unlisted\/data\.txt"; installed without a check/,
  ],
  [
    wheelSpec("unhashed", { record: { edit: withoutHash("unhashed/data.txt") } }),
    /its RECORD gives no hash for "unhashed\/data\.txt"; installed without a check/,
  ],
  [
    wheelSpec("ghost", {
      record: {
        edit: (lines) => [...lines, { path: "ghost/ghost.py", hash: "sha256=AAAA", size: "3" }],
      },
    }),
    undefined,
  ],
  [wheelSpec("tagged", { build: "1" }), undefined],
  [wheelSpec("tagged_word", { build: "2abc" }), undefined],
  [
    wheelSpec("oldstyle", {
      wheelVersion: "0.1",
      build: "7",
      record: { omit: ["oldstyle/data.txt"] },
    }),
    /its RECORD does not list "oldstyle\/data\.txt"/,
  ],
];

/** Wheels both refuse, and dpip's reason. */
const REFUSED: [WheelSpec, RegExp][] = [
  [wheelSpec("wv20", { wheelVersion: "2.0" }), /its Wheel-Version 2\.0 is not supported/],
  [wheelSpec("wvunder", { wheelVersion: "1_0.0" }), /its Wheel-Version 10\.0 is not supported/],
  [wheelSpec("wvbad", { wheelVersion: "1.x" }), /has an invalid Wheel-Version \("1\.x"\)/],
  [
    wheelSpec("wvnone", { wheelFile: "Root-Is-Purelib: true\nTag: py3-none-any\n" }),
    /WHEEL has no Wheel-Version/,
  ],
  [
    wheelSpec("norecord", { record: { absent: true } }),
    /norecord-1\.0\.dist-info\/RECORD is missing/,
  ],
];

/**
 * A venv's files for comparison, with the RECORD rows of the files RECORD did
 * not vouch for reduced to their paths (pip leaves their hash empty).
 */
function comparable(root: string, unchecked: readonly string[]): Map<string, string> {
  const files = installedFiles({ root, python: "", sitePackages: "", bin: "" });
  for (const [path, entry] of files) {
    if (!entry.startsWith("record ")) continue;
    const [kind, exec, rows] = entry.split(" ", 3) as [string, string, string];
    const normalized = rows.split("|")
      // pip keeps RECORD's row for a file the archive lacks; dpip does not (its old hash
      // vouches for nothing, and uninstalling would delete whatever is at that path).
      .filter((row) => row.split(",")[0] !== "ghost/ghost.py")
      .map((row) => unchecked.includes(row.split(",")[0]!) ? row.split(",")[0]! : row);
    files.set(path, `${kind} ${exec} ${normalized.join("|")}`);
  }
  return files;
}

Deno.test({
  name: "wheels of other Wheel-Versions, partial RECORDs and build tags install as pip's do",
  ignore: skipUnless(python311 && oracle, "pyenv Python 3.11 and the oracle pip"),
  fn: async (t) => {
    const home = await Deno.makeTempDir({ prefix: "dpip-formats-" });
    try {
      const dir = join(home, "wheels");
      await Deno.mkdir(dir);
      const write = async (spec: WheelSpec) => {
        const wheel = buildWheel(spec);
        await Deno.writeFile(join(dir, wheel.filename), wheel.bytes);
        return join(dir, wheel.filename);
      };
      const accepted = await Promise.all(ACCEPTED.map(([spec]) => write(spec)));
      // Same path length, so the shebang rules apply alike.
      const theirs = await makeVenv(join(home, "a", "env"));
      const ours = await makeVenv(join(home, "b", "env"));

      await t.step(
        "accepted: the same installed files, and a warning where pip warns",
        async () => {
          const pipResult = await pip(theirs, [
            "install",
            "--no-deps",
            "--no-compile",
            ...accepted,
          ]);
          assertEquals(pipResult.status, 0, pipResult.stderr);
          const result = await dpip(
            ["install", "--no-deps", "--python", ours.python, "--no-cache-dir", ...accepted],
            { home },
          );
          assertEquals(result.status, 0, result.stderr);
          for (const [spec, warning] of ACCEPTED) {
            if (warning === undefined) continue;
            const line = result.stderr.split("\n").find((line) => warning.test(line));
            assert(line?.startsWith("WARNING: "), `${spec.name}: ${result.stderr}`);
          }
          // pip warns of newer Wheel-Versions too (in its words, which dpip uses).
          assertStringIncludes(pipResult.stderr, "Installing from a newer Wheel-Version (1.1)");
          assertStringIncludes(pipResult.stderr, "Installing from a newer Wheel-Version (1.0.1)");
          const unchecked = [
            "unlisted/data.txt",
            "unhashed/data.txt",
            "oldstyle/data.txt",
          ];
          const actual = new Map(
            [...comparable(ours.root, unchecked)].map(([path, entry]) => [
              path,
              entry.replaceAll(ours.root, theirs.root),
            ]),
          );
          assertEquals(snapshotDiff(comparable(theirs.root, unchecked), actual), []);
          // dpip's RECORD gives the unchecked file the hash of what it installed.
          const record = await Deno.readTextFile(
            join(ours.sitePackages, "unlisted-1.0.dist-info", "RECORD"),
          );
          const digest = createHash("sha256").update("data\n").digest("base64url");
          assertStringIncludes(record, `unlisted/data.txt,sha256=${digest},5`);
          const ghost = await Deno.readTextFile(
            join(ours.sitePackages, "ghost-1.0.dist-info", "RECORD"),
          );
          assert(!ghost.includes("ghost/ghost.py"), ghost);
        },
      );

      await t.step("from the cache, a second install warns again, as pip does", async () => {
        const warned = ACCEPTED.filter(([, warning]) => warning !== undefined);
        const paths = warned.map(([spec]) => accepted[ACCEPTED.findIndex(([s]) => s === spec)]!);
        const cache = join(home, "cache");
        for (const name of ["first", "second"]) {
          const venv = await makeVenv(join(home, name, "env"));
          const result = await dpip(
            ["install", "--no-deps", "--python", venv.python, "--cache-dir", cache, ...paths],
            { home },
          );
          assertEquals(result.status, 0, result.stderr);
          for (const [spec, warning] of warned) {
            assert(warning!.test(result.stderr), `${name} install, ${spec.name}: ${result.stderr}`);
          }
        }
      });

      await t.step("refused by both, in one line, with nothing changed", async () => {
        for (const [spec, reason] of REFUSED) {
          const path = await write(spec);
          const pipResult = await pip(theirs, ["install", "--no-deps", "--no-compile", path]);
          assertEquals(pipResult.status, 1, `pip installed ${spec.name}: ${pipResult.stdout}`);
          const before = treeSnapshot(ours.root);
          const result = await dpip(
            ["install", "--no-deps", "--python", ours.python, "--no-cache-dir", path],
            { home },
          );
          assertEquals(result.status, 1, result.stdout);
          const lines = result.stderr.trimEnd().split("\n");
          assertEquals(lines.length, 1, result.stderr);
          assertStringIncludes(lines[0]!, `ERROR: Cannot install ${path.split("/").at(-1)}: `);
          assert(reason.test(lines[0]!), lines[0]);
          assertEquals(snapshotDiff(before, treeSnapshot(ours.root)), []);
        }
      });
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
