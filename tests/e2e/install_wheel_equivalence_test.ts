/**
 * Equivalence with pip on the real wheels of the machine's local mirror:
 * for every wheel compatible with Python 3.11 (one per project), dpip and
 * pip (`--no-deps --no-compile`) must leave the same files (path, content
 * hash, exec bit) in fresh venvs; only `INSTALLER` and the order of RECORD
 * rows may differ.
 *
 * The mirror is found at run time through the oracle pip's configuration
 * (`global.extra-index-url` file:// indexes, whose files sit in a sibling
 * `files/` directory, and `global.find-links` / `PIP_FIND_LINKS`). By
 * default a deterministic sample of 40 wheels keeps the suite fast;
 * `DPIP_FULL=1` runs them all, `DPIP_EQUIVALENCE_FILTER=<regex>` those whose
 * path matches.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertEquals } from "../helpers/assert.ts";
import { runPythonJson, skipUnless } from "../helpers/python.ts";
import {
  dpip,
  installedFiles,
  makeVenv,
  oracle,
  pip,
  python311,
  seededRandom,
  snapshotDiff,
} from "./install_wheel_support.ts";

const decoder = new TextDecoder();

async function pipConfig(key: string): Promise<string[]> {
  if (oracle === undefined) return [];
  const result = await new Deno.Command(oracle, {
    args: ["-m", "pip", "config", "get", key],
    stdout: "piped",
    stderr: "null",
  }).output();
  return result.success ? decoder.decode(result.stdout).trim().split(/\s+/).filter(Boolean) : [];
}

/** Directories holding the mirror's wheel files. */
async function mirrorDirs(): Promise<string[]> {
  const dirs: string[] = [];
  for (const url of await pipConfig("global.extra-index-url")) {
    if (!url.startsWith("file:")) continue;
    dirs.push(join(dirname(fileURLToPath(url).replace(/\/+$/, "")), "files"));
  }
  const findLinks = [
    ...await pipConfig("global.find-links"),
    ...(Deno.env.get("PIP_FIND_LINKS") ?? "").split(/\s+/),
  ];
  for (const link of findLinks) {
    if (link === "") continue;
    dirs.push(link.startsWith("file:") ? fileURLToPath(link) : link);
  }
  return [...new Set(dirs)].filter((dir) => {
    try {
      return Deno.statSync(dir).isDirectory;
    } catch {
      return false;
    }
  });
}

function listWheels(dirs: readonly string[]): string[] {
  const wheels: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory && depth < 2) walk(path, depth + 1);
      else if (entry.isFile && entry.name.endsWith(".whl")) wheels.push(path);
    }
  };
  for (const dir of dirs) walk(dir, 0);
  return wheels.sort();
}

const COMPATIBLE = `
import json, sys
from packaging.tags import sys_tags
from packaging.utils import parse_wheel_filename
from packaging.version import Version
supported = {str(t): i for i, t in enumerate(sys_tags())}
best = {}
for path in json.load(sys.stdin):
    try:
        name, version, _, tags = parse_wheel_filename(path.rsplit("/", 1)[-1])
    except Exception:
        continue
    ranks = [supported[str(t)] for t in tags if str(t) in supported]
    if not ranks:
        continue
    key = (version, -min(ranks))
    if name not in best or key > best[name][0]:
        best[name] = (key, path)
json.dump(sorted(p for _, p in best.values()), sys.stdout)
`;

const wheelDirs = await mirrorDirs();
const full = Deno.env.get("DPIP_FULL") === "1";
const SAMPLE = 40;

Deno.test({
  name: `dpip installs the mirror's wheels exactly as pip does (${
    full ? "all" : `a sample of ${SAMPLE}`
  })`,
  ignore: skipUnless(
    python311 && oracle && wheelDirs.length > 0,
    "Python 3.11, pip and the local wheel mirror",
  ),
  fn: async () => {
    const compatible = await runPythonJson<string[]>(oracle!, COMPATIBLE, listWheels(wheelDirs));
    const only = Deno.env.get("DPIP_EQUIVALENCE_FILTER");
    let chosen = only === undefined
      ? compatible
      : compatible.filter((path) => new RegExp(only).test(path));
    if (!full && only === undefined) {
      const next = seededRandom(4242);
      const shuffled = compatible.map((path) => [next(), path] as const).sort((a, b) =>
        a[0] - b[0]
      );
      chosen = shuffled.slice(0, SAMPLE).map(([, path]) => path).sort();
    }
    const home = await Deno.makeTempDir({ prefix: "dpip-equivalence-" });
    try {
      // Same path length, so the shebang rules apply alike.
      const pipVenv = await makeVenv(join(home, "a", "env"));
      const dpipVenv = await makeVenv(join(home, "b", "env"));
      const pipStart = performance.now();
      const pipResult = await pip(pipVenv, [
        "install",
        "--no-deps",
        "--no-compile",
        "--no-index",
        ...chosen,
      ]);
      const pipTime = performance.now() - pipStart;
      assertEquals(pipResult.status, 0, pipResult.stderr);
      const dpipStart = performance.now();
      const dpipResult = await dpip(
        [
          "install",
          "--no-deps",
          "--no-index",
          "--python",
          dpipVenv.python,
          "--cache-dir",
          join(home, "cache"),
          ...chosen,
        ],
        { home },
      );
      const dpipTime = performance.now() - dpipStart;
      assertEquals(dpipResult.status, 0, dpipResult.stderr);
      // deno-lint-ignore no-console
      console.log(
        `${chosen.length} wheels of ${compatible.length}: pip ${pipTime.toFixed(0)} ms, dpip ${
          dpipTime.toFixed(0)
        } ms (cold cache)`,
      );
      const rewrite = (files: Map<string, string>, from: string, to: string) =>
        new Map([...files].map(([path, entry]) => [path, entry.replaceAll(from, to)]));
      const expected = installedFiles(pipVenv);
      const actual = rewrite(installedFiles(dpipVenv), dpipVenv.root, pipVenv.root);
      assertEquals(snapshotDiff(expected, actual), []);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
