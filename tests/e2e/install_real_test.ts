/**
 * `dpip install` against real indexes of real PyPI files, compared with pip
 * 23.2.1 doing the same into a twin venv: the `../shared/corpus` index
 * served by nginx, and the machine's local mirror (served by nginx too), in
 * fresh venvs of Python 3.11 and 3.12. Both venvs must freeze to the same
 * set, import the same top-level modules, and run the console scripts.
 * Upgrades start from a Debian-era version in the corpus.
 *
 * The heavy sets (jupyterlab, moto[server], scipy, boto3, pydantic,
 * jsonschema and their combination) run only with `DPIP_FULL=1`.
 */

import { join } from "node:path";
import { corpusDir, mirrorIndexUrls } from "../index/corpus.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { pyenvPython, skipUnless } from "../helpers/python.ts";
import { hasCommand, startNginx, type StaticServer } from "./real_servers.ts";
import { dpip, frozen, oracle, pip, run, tempHome } from "./install_support.ts";

const full = Deno.env.get("DPIP_FULL") === "1";
const corpus = await corpusDir();
const mirror = (await mirrorIndexUrls())[0];
const nginx = await hasCommand("nginx", ["-v"]);
const pythons = {
  "3.11": await pyenvPython("3.11"),
  "3.12": await pyenvPython("3.12"),
};

const decoder = new TextDecoder();

async function venv(python: string, dir: string): Promise<{ python: string; bin: string }> {
  const made = await new Deno.Command(python, {
    args: ["-m", "venv", "--without-pip", dir],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!made.success) throw new Error(decoder.decode(made.stderr));
  return { python: join(dir, "bin", "python"), bin: join(dir, "bin") };
}

/** The top-level modules every installed distribution's RECORD declares, and which fail to import. */
const IMPORT_SCRIPT = `
import importlib, json, os, sys, sysconfig, csv
site = sysconfig.get_paths()["purelib"]
names = set()
for entry in os.listdir(site):
    if not entry.endswith(".dist-info"):
        continue
    with open(os.path.join(site, entry, "RECORD"), newline="") as f:
        for row in csv.reader(f):
            path = row[0]
            if path.startswith("..") or ".dist-info/" in path or ".data/" in path:
                continue
            top = path.split("/")[0]
            if "/" in path and path.split("/")[1] == "__init__.py":
                names.add(top)
            elif "/" not in path and path.endswith(".py"):
                names.add(path[:-3])
            elif "/" not in path and path.endswith(".so"):
                names.add(path.split(".")[0])
failed = []
for name in sorted(names):
    if name in ("setup", "conftest", "__editable__") or name.startswith("_distutils"):
        continue
    try:
        importlib.import_module(name)
    except BaseException as e:
        failed.append(name)
print(json.dumps({"modules": len(names), "failed": failed}))
`;

async function imports(python: string): Promise<{ modules: number; failed: string[] }> {
  const result = await run(python, ["-c", IMPORT_SCRIPT]);
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!);
}

interface InstallSet {
  readonly requirements: string[];
  readonly heavy: boolean;
  readonly source: "corpus" | "mirror";
  /** Console scripts to run with `--version`. */
  readonly scripts?: string[];
}

const SETS: InstallSet[] = [
  { requirements: ["requests"], heavy: false, source: "corpus" },
  { requirements: ["flask"], heavy: false, source: "corpus", scripts: ["flask"] },
  { requirements: ["boto3"], heavy: true, source: "corpus" },
  { requirements: ["pydantic"], heavy: true, source: "corpus" },
  { requirements: ["jsonschema"], heavy: true, source: "corpus" },
  { requirements: ["scipy"], heavy: true, source: "corpus" },
  { requirements: ["moto[server]"], heavy: true, source: "corpus" },
  {
    requirements: ["moto[server]", "boto3", "flask", "pydantic", "jsonschema", "scipy"],
    heavy: true,
    source: "corpus",
    scripts: ["flask"],
  },
  { requirements: ["jupyterlab"], heavy: true, source: "mirror", scripts: ["jupyter-lab"] },
];

const ready = skipUnless(corpus && nginx && oracle, "../shared/corpus, nginx and pip 23.2.1");

Deno.test({
  name: "real indexes: dpip installs what pip installs, in fresh Python 3.11 and 3.12 venvs",
  ignore: ready,
  async fn(t) {
    const servers: Record<string, StaticServer> = { corpus: await startNginx(corpus!) };
    if (mirror !== undefined) {
      servers["mirror"] = await startNginx(join(new URL(mirror).pathname, ".."));
    }
    const { home, done } = await tempHome("dpip-real-");
    try {
      for (const set of SETS.filter((s) => full || !s.heavy)) {
        for (const [minor, python] of Object.entries(pythons)) {
          const server = servers[set.source];
          const title = `${set.requirements.join(" ")} (${set.source}, Python ${minor})`;
          await t.step({
            name: title,
            ignore: python === undefined || server === undefined,
            fn: async () => {
              const dir = join(home, `${set.source}-${minor}-${set.requirements.join("_")}`);
              const ours = await venv(python!, join(dir, "dpip"));
              const theirs = await venv(python!, join(dir, "pip"));
              const index = `${server!.origin}simple/`;
              // The indexes hold cp311 wheels; elsewhere pip would build sdists, which dpip
              // cannot yet: compare wheel-only choices there.
              const binary = minor === "3.11" ? [] : ["--only-binary", ":all:"];
              const mine = await dpip([
                "install",
                "--python",
                ours.python,
                "--cache-dir",
                join(home, "cache"),
                "-i",
                index,
                ...binary,
                ...set.requirements,
              ], { home });
              const pips = await pip(theirs.python, [
                "install",
                "--no-cache-dir",
                "--no-compile",
                "-i",
                index,
                ...binary,
                ...set.requirements,
              ]);
              if (pips.status !== 0 && binary.length > 0) {
                assertEquals(mine.status, 1, "pip finds no wheels for this Python, nor does dpip");
                return;
              }
              assertEquals(pips.status, 0, pips.stderr);
              assertEquals(mine.status, 0, mine.stderr);
              assertEquals(await frozen(ours.python), await frozen(theirs.python));
              const installing = (text: string) =>
                text.split("\n").find((line) => line.startsWith("Installing collected packages:"));
              assertEquals(installing(mine.stdout), installing(pips.stdout));
              const [a, b] = await Promise.all([imports(ours.python), imports(theirs.python)]);
              assert(a.modules > 0);
              assertEquals(a, b);
              for (const script of set.scripts ?? []) {
                const result = await run(join(ours.bin, script), ["--version"]);
                assertEquals(result.status, 0, result.stderr);
              }
              assertEquals((await pip(ours.python, ["check"])).status, 0);
              await Deno.remove(dir, { recursive: true });
            },
          });
        }
      }
    } finally {
      for (const server of Object.values(servers)) await server.close();
      await done();
    }
  },
});

Deno.test({
  name:
    "real indexes: upgrading a Debian-era version removes the old files; eager upgrades dependencies",
  ignore: ready || skipUnless(pythons["3.11"], "pyenv Python 3.11"),
  async fn() {
    const server = await startNginx(corpus!);
    const { home, done } = await tempHome("dpip-upgrade-");
    try {
      const index = `${server.origin}simple/`;
      const base = ["--cache-dir", join(home, "cache"), "-i", index];
      const start = ["requests==2.28.1", "urllib3==1.26.12"];
      const ours = await venv(pythons["3.11"]!, join(home, "dpip"));
      const theirs = await venv(pythons["3.11"]!, join(home, "pip"));
      const install = async (args: string[]) => {
        const mine = await dpip(["install", "--python", ours.python, ...base, ...args], { home });
        assertEquals(mine.status, 0, mine.stderr);
        const pips = await pip(theirs.python, ["install", "--no-cache-dir", "-i", index, ...args]);
        assertEquals(pips.status, 0, pips.stderr);
        assertEquals(await frozen(ours.python), await frozen(theirs.python));
      };
      await install(start);
      const site = join(home, "dpip/lib/python3.11/site-packages");
      const oldRecord = await Deno.readTextFile(join(site, "requests-2.28.1.dist-info/RECORD"));
      await install(["-U", "requests"]);
      assert(
        (await frozen(ours.python)).includes("urllib3==1.26.12"),
        "only-if-needed keeps urllib3",
      );
      const newRecord = await Deno.readTextFile(
        join(
          site,
          `${
            (await frozen(ours.python)).find((l) => l.startsWith("requests=="))!.replace("==", "-")
          }.dist-info/RECORD`,
        ),
      );
      const kept = new Set(newRecord.split("\n").map((line) => line.split(",")[0]));
      for (const line of oldRecord.split("\n")) {
        const path = line.split(",")[0]!;
        if (path === "" || kept.has(path)) continue;
        let exists = true;
        try {
          await Deno.lstat(join(site, path));
        } catch {
          exists = false;
        }
        assert(!exists, `${path} of requests 2.28.1 is gone`);
      }
      assertEquals((await pip(ours.python, ["check"])).status, 0);
      await install(["-U", "--upgrade-strategy", "eager", "requests"]);
      assert(!(await frozen(ours.python)).includes("urllib3==1.26.12"), "eager upgrades urllib3");
      assertEquals((await pip(ours.python, ["check"])).status, 0);
    } finally {
      await server.close();
      await done();
    }
  },
});
