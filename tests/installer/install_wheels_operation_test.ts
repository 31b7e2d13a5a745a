import { join } from "node:path";
import { installWheels } from "../../lib/operations/install_wheels.ts";
import { DoubleRequirementError } from "../../lib/operations/install_wheels.ts";
import { schemeAt } from "../helpers/installed.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { pyenvPython, skipUnless } from "../helpers/python.ts";

const python311 = await pyenvPython("3.11");

const options = (root: string) => ({
  scheme: schemeAt(root),
  python: "/env/bin/python",
  pythonVersion: [3, 11] as const,
  cacheBucket: join(root, "cache"),
});

Deno.test("a module moving from an upgraded project to a new one in one install stays installed", async () => {
  const root = await Deno.makeTempDir();
  const a1 = await writeWheel(join(root, "w"), {
    name: "a",
    version: "1.0",
    files: { "a/__init__.py": "", "shared/x.py": "from a\n", "a_only.py": "" },
  });
  const a2 = await writeWheel(join(root, "w"), {
    name: "a",
    version: "2.0",
    files: { "a/__init__.py": "" },
  });
  const b1 = await writeWheel(join(root, "w"), {
    name: "b",
    version: "1.0",
    files: { "shared/x.py": "from b\n" },
  });
  await installWheels([{ path: a1.path, requested: true }], options(root));
  const log = await installWheels(
    [{ path: a2.path, requested: true }, { path: b1.path, requested: true }],
    options(root),
  );
  assertEquals(log.installed.map((d) => `${d.name}-${d.version}`), ["a-2.0", "b-1.0"]);
  assertEquals(log.uninstalled.map((d) => `${d.name}-${d.version}`), ["a-1.0"]);
  const site = join(root, "site");
  assertEquals(Deno.readTextFileSync(join(site, "shared/x.py")), "from b\n");
  assertEquals(
    [...Deno.readDirSync(site)].map((e) => e.name).filter((n) => !n.startsWith(".")).sort(),
    ["a", "a-2.0.dist-info", "b-1.0.dist-info", "shared"],
  );
});

Deno.test("a wheel already unpacked, its sha256 and size given, is installed without its file being looked at", async () => {
  const root = await Deno.makeTempDir();
  const wheel = await writeWheel(join(root, "w"), {
    name: "a",
    version: "1.0",
    files: { "a/__init__.py": "" },
    entryPoints: "[console_scripts]\na-tool = a:main\n",
  });
  const cacheBucket = join(root, "cache");
  await installWheels([{ path: wheel.path, requested: true }], {
    ...options(join(root, "first")),
    cacheBucket,
  });
  const sha256 = await crypto.subtle.digest("SHA-256", wheel.bytes as Uint8Array<ArrayBuffer>);
  const hex = [...new Uint8Array(sha256)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const stat = Deno.stat;
  const looked: string[] = [];
  Deno.stat = (path: string | URL) => {
    looked.push(String(path));
    return stat(path);
  };
  try {
    await installWheels(
      [{ path: wheel.path, requested: true, sha256: hex, size: wheel.bytes.length }],
      { ...options(join(root, "second")), cacheBucket },
    );
  } finally {
    Deno.stat = stat;
  }
  assertEquals(looked.filter((path) => path.endsWith(".whl")), []);
  assert(Deno.statSync(join(root, "second/site/a/__init__.py")).isFile);
  assert(Deno.statSync(join(root, "second/bin/a-tool")).isFile);
});

Deno.test("an install into a fresh environment looks up no destination that is not there", async () => {
  const root = await Deno.makeTempDir();
  const wheels = await Promise.all(["a", "b"].map((name) =>
    writeWheel(join(root, "w"), {
      name,
      version: "1.0",
      files: {
        [`${name}/__init__.py`]: "",
        [`${name}_single.py`]: "",
        "shared/x.py": name,
        [`shared/${name}_own.py`]: "",
      },
      entryPoints: `[console_scripts]\n${name}-tool = ${name}:main\n`,
    })
  ));
  // A fresh venv: its scheme directories exist, empty.
  for (const dir of ["site", "bin"]) Deno.mkdirSync(join(root, dir));
  const lstat = Deno.lstatSync;
  const missing: string[] = [];
  Deno.lstatSync = (path: string | URL) => {
    try {
      return lstat(path);
    } catch (error) {
      missing.push(String(path));
      throw error;
    }
  };
  try {
    await installWheels(
      wheels.map((wheel) => ({ path: wheel.path, requested: true })),
      options(root),
    );
  } finally {
    Deno.lstatSync = lstat;
  }
  const site = join(root, "site");
  assertEquals(
    missing.filter((path) => path.startsWith(site) || path.startsWith(join(root, "bin"))),
    [],
  );
  assertEquals(Deno.readTextFileSync(join(site, "shared/x.py")), "b");
  for (
    const path of ["site/a/__init__.py", "site/b_single.py", "site/shared/a_own.py", "bin/b-tool"]
  ) {
    assert(Deno.statSync(join(root, path)).isFile, path);
  }
});

Deno.test("an install stages every wheel in one directory, without a directory per wheel or destination", async () => {
  // Each directory made in the work directory is removed again after the commit, and removing
  // a directory is slow on a file system that discards freed blocks.
  const root = await Deno.makeTempDir();
  const wheels = await Promise.all(["a", "b"].map((name) =>
    writeWheel(join(root, "w"), {
      name,
      version: "1.0",
      files: { [`${name}/__init__.py`]: "", [`${name}/sub/m.py`]: "", [`${name}_single.py`]: "" },
      entryPoints: `[console_scripts]\n${name}-tool = ${name}:main\n`,
    })
  ));
  for (const dir of ["site", "bin"]) Deno.mkdirSync(join(root, dir));
  const mkdir = Deno.mkdirSync;
  const made: string[] = [];
  Deno.mkdirSync = (path: string | URL, options?: Deno.MkdirOptions) => {
    made.push(String(path));
    return mkdir(path, options);
  };
  try {
    await installWheels(
      wheels.map((wheel) => ({ path: wheel.path, requested: true })),
      options(root),
    );
  } finally {
    Deno.mkdirSync = mkdir;
  }
  const inWorkDir = made.flatMap((path) => {
    const match = /\/\.dpip-txn-[^/]+\/(.*)$/.exec(path);
    return match === null ? [] : [match[1]!];
  });
  // The stage directory, then only the wheels' own directories, below their staged names.
  assertEquals(
    [...new Set(inWorkDir.filter((path) => !/^stage\/\d+\.\d+\.[^/]+\//.test(`${path}/`)))],
    ["stage"],
  );
  assertEquals(inWorkDir.filter((path) => path.startsWith("stage/")).sort(), [
    "stage/0.0.a",
    "stage/0.0.a-1.0.dist-info",
    "stage/0.0.a/sub",
    "stage/1.0.b",
    "stage/1.0.b-1.0.dist-info",
    "stage/1.0.b/sub",
  ]);
  assert(Deno.statSync(join(root, "site/b/sub/m.py")).isFile);
  assert(Deno.statSync(join(root, "bin/a-tool")).isFile);
  assertEquals([...Deno.readDirSync(join(root, "site"))].map((e) => e.name).sort(), [
    "a",
    "a-1.0.dist-info",
    "a_single.py",
    "b",
    "b-1.0.dist-info",
    "b_single.py",
  ]);
});

Deno.test("two wheels of one project in one install are refused before anything is read", async () => {
  const root = await Deno.makeTempDir();
  const error = await assertRejects(
    () =>
      installWheels([
        { path: join(root, "a-1.0-py3-none-any.whl"), requested: true },
        { path: join(root, "A-2.0-py3-none-any.whl"), requested: true },
      ], options(root)),
    DoubleRequirementError,
  );
  assert(error.message.includes("A-2.0-py3-none-any.whl"));
});

Deno.test("a wheel is installed over the same version (what to install is the plan's decision)", async () => {
  const root = await Deno.makeTempDir();
  const wheel = await writeWheel(join(root, "w"), {
    name: "c",
    version: "1.0",
    files: { "c.py": "" },
  });
  const first = await installWheels([{ path: wheel.path, requested: false }], options(root));
  assertEquals(first.installed.length, 1);
  const again = await installWheels(
    [{ path: wheel.path, requested: true, directUrl: null }],
    options(root),
  );
  assertEquals(again.installed.map((d) => d.name), ["c"]);
  assertEquals(again.uninstalled.map((d) => `${d.name}-${d.version}`), ["c-1.0"]);
  const distInfo = [...Deno.readDirSync(join(root, "site/c-1.0.dist-info"))].map((e) => e.name)
    .sort();
  assertEquals(distInfo, ["INSTALLER", "METADATA", "RECORD", "REQUESTED", "WHEEL"]);
});

Deno.test({
  name:
    "--compile over several wheels: each wheel's files compiled once as it is staged, RECORD lists them, a broken file is skipped",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  fn: async () => {
    const root = await Deno.makeTempDir();
    try {
      const wheels = [];
      for (const [name, count] of [["big", 90], ["mid", 20], ["one", 1], ["none", 0]] as const) {
        const files: Record<string, string> = { [`${name}/data.txt`]: "not python\n" };
        for (let i = 0; i < count; i++) files[`${name}/m${i}.py`] = `X = ${i}\n`.repeat(i + 1);
        if (name === "mid") files["mid/broken.py"] = "def f(:\n";
        wheels.push(await writeWheel(join(root, "w"), { name, version: "1.0", files }));
      }
      const log = await installWheels(
        wheels.map((wheel) => ({ path: wheel.path, requested: true })),
        { ...options(root), python: python311!, compile: true },
      );
      assertEquals(log.installed.map((d) => d.name), ["big", "mid", "one", "none"]);
      const site = join(root, "site");
      for (const [name, count] of [["big", 90], ["mid", 20], ["one", 1]] as const) {
        const expected = Array.from({ length: count }, (_, i) => `m${i}.cpython-311.pyc`).sort();
        const found = [...Deno.readDirSync(join(site, name, "__pycache__"))].map((e) => e.name);
        assertEquals(found.sort(), expected, `${name}: one .pyc per module, nothing else`);
        const record = Deno.readTextFileSync(join(site, `${name}-1.0.dist-info/RECORD`));
        const rows = record.split("\r\n").filter((row) => row.includes(".pyc"));
        assertEquals(rows.sort(), expected.map((pyc) => `${name}/__pycache__/${pyc},,`).sort());
      }
      assert(!Deno.statSync(join(site, "none")).isFile);
      assertEquals(
        [...Deno.readDirSync(join(site, "none"))].map((e) => e.name),
        ["data.txt"],
      );
      assertEquals(
        [...Deno.readDirSync(site)].filter((e) => e.name.startsWith(".dpip-txn-")).length,
        0,
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
