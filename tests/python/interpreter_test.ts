/**
 * Interpreter facts: the probe runs on every pyenv Python (2.7, 3.6–3.13);
 * its marker environment and compatible tags equal `packaging`'s
 * `default_environment()` and `sys_tags()` run inside each interpreter that
 * can import the oracle's `packaging` (3.8+); schemes equal pip's own
 * `get_scheme()`; discovery and cache behave; bad interpreters give one line.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { compatibleTags } from "../../lib/dists/tags.ts";
import {
  findInterpreter,
  InterpreterNotFoundError,
  InterpreterProbeError,
  queryInterpreter,
} from "../../lib/python/mod.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { oraclePython, pyenvInterpreters, runPythonJson, skipUnless } from "../helpers/python.ts";

const interpreters = await pyenvInterpreters();
const oracle = await oraclePython();
const env = Deno.env.toObject();

/** A directory holding a copy of the oracle's `packaging`, to put on other interpreters' path. */
async function packagingCopy(): Promise<string | undefined> {
  if (oracle === undefined) return undefined;
  const location = await runPythonJson<string>(
    oracle,
    "import json, os, packaging; print(json.dumps(os.path.dirname(packaging.__file__)))",
    null,
  );
  const dir = await Deno.makeTempDir({ prefix: "dpip-packaging-" });
  await new Deno.Command("cp", { args: ["-r", location, join(dir, "packaging")] }).output();
  return dir;
}

const ORACLE_SCRIPT = `
import json, sys
sys.path.insert(0, json.load(sys.stdin))
from packaging import tags, markers
print(json.dumps({"env": markers.default_environment(), "tags": [str(t) for t in tags.sys_tags()]}))
`;

Deno.test({
  name: "probe facts equal packaging's default_environment() and sys_tags() in every pyenv Python",
  ignore: skipUnless(interpreters.size > 0 && oracle, "pyenv interpreters and the oracle"),
  async fn() {
    const packaging = await packagingCopy();
    const cacheRoot = await Deno.makeTempDir();
    try {
      for (const [version, python] of interpreters) {
        const interpreter = await queryInterpreter(python, { env, cwd: "/", cacheRoot });
        assertEquals(interpreter.version.join("."), version);
        const tags = compatibleTags(interpreter.tagFacts).map(String);
        assert(tags.length > 0, `${version}: no tags`);
        const [major, minor] = interpreter.version;
        if (major < 3 || minor < 8) continue;
        const expected = await runPythonJson<{ env: Record<string, string>; tags: string[] }>(
          python,
          ORACLE_SCRIPT,
          packaging,
        );
        const { extra: _extra, ...markers } = interpreter.markerEnvironment;
        assertEquals(markers, expected.env, `${version}: marker environment`);
        assertEquals(tags, expected.tags, `${version}: compatible tags`);
      }
    } finally {
      await Deno.remove(cacheRoot, { recursive: true });
      if (packaging !== undefined) await Deno.remove(packaging, { recursive: true });
    }
  },
});

Deno.test({
  name: "install schemes equal pip's get_scheme() for default, user, prefix and root",
  ignore: skipUnless(oracle, "the oracle Python with pip"),
  async fn() {
    const interpreter = await queryInterpreter(oracle!, { env, cwd: "/" });
    const expected = await runPythonJson<Record<string, Record<string, string>>>(
      oracle!,
      `
import json, sys
from pip._internal.locations import get_scheme
def d(s): return {k: getattr(s, k) for k in ("purelib", "platlib", "scripts", "data", "headers")}
print(json.dumps({
  "default": d(get_scheme("")), "user": d(get_scheme("", user=True)),
  "prefix": d(get_scheme("", prefix="/opt/p")), "root": d(get_scheme("", root="/r")),
}))`,
      null,
    );
    const strip = (s: Record<string, string>) => ({ ...s, headers: dirname(s["headers"]!) });
    assertEquals(interpreter.scheme({ kind: "default" }), strip(expected["default"]!));
    assertEquals(interpreter.scheme({ kind: "user" }), strip(expected["user"]!));
    assertEquals(
      interpreter.scheme({ kind: "prefix", prefix: "/opt/p" }),
      strip(expected["prefix"]!),
    );
    assertEquals(interpreter.scheme({ kind: "root", root: "/r" }), strip(expected["root"]!));
    const target = interpreter.scheme({ kind: "target", dir: "/t" });
    assertEquals([target.purelib, target.platlib, target.scripts], ["/t", "/t", "/t/bin"]);
  },
});

Deno.test({
  name: "a fresh cache entry answers without spawning; a changed pyvenv.cfg invalidates it",
  ignore: skipUnless(oracle, "a Python 3"),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const venv = join(dir, "venv");
      await new Deno.Command(oracle!, { args: ["-m", "venv", "--without-pip", venv] }).output();
      const python = join(venv, "bin", "python");
      const cacheRoot = join(dir, "cache");
      const first = await queryInterpreter(python, { env, cwd: dir, cacheRoot });
      assert(first.isVenv);
      assertEquals(first.includeSystemSitePackages, false);
      const bucket = join(cacheRoot, "interpreters-v1");
      // The bucket also keeps the venv as a template for other venvs (`venv-*.json`).
      const [entry] = [...Deno.readDirSync(bucket)].filter((e) => !e.name.startsWith("venv-"));
      const path = join(bucket, entry!.name);
      const cached = JSON.parse(Deno.readTextFileSync(path));
      cached.probe.marker_environment.platform_release = "from-the-cache";
      Deno.writeTextFileSync(path, JSON.stringify(cached));
      const second = await queryInterpreter(python, { env, cwd: dir, cacheRoot });
      assertEquals(second.markerEnvironment.platform_release, "from-the-cache");
      const cfg = join(venv, "pyvenv.cfg");
      Deno.writeTextFileSync(
        cfg,
        Deno.readTextFileSync(cfg).replace(
          "include-system-site-packages = false",
          "include-system-site-packages = true",
        ),
      );
      Deno.utimeSync(cfg, new Date(), new Date(Date.now() + 5000));
      const third = await queryInterpreter(python, { env, cwd: dir, cacheRoot });
      assert(third.markerEnvironment.platform_release !== "from-the-cache");
      assertEquals(third.includeSystemSitePackages, true);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "discovery: --python forms, VIRTUAL_ENV, .venv in a parent, pipX.Y invocation",
  ignore: skipUnless(oracle, "a Python 3"),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const venv = join(dir, ".venv");
      await new Deno.Command(oracle!, { args: ["-m", "venv", "--without-pip", venv] }).output();
      const nested = join(dir, "a", "b");
      Deno.mkdirSync(nested, { recursive: true });
      const base = {
        env: { ...env, VIRTUAL_ENV: "" },
        cacheRoot: false as const,
        invokedAs: "dpip",
      };
      const found = await findInterpreter({ ...base, cwd: nested });
      assertEquals(found.executable, join(venv, "bin", "python3"));
      const byDir = await findInterpreter({ ...base, cwd: "/", python: venv });
      assertEquals(byDir.executable, join(venv, "bin", "python3"));
      const byEnv = await findInterpreter({
        ...base,
        env: { ...env, VIRTUAL_ENV: venv },
        cwd: "/",
      });
      assertEquals(byEnv.prefix, venv);
      const [major, minor] = byEnv.version;
      const byVersion = await findInterpreter({ ...base, cwd: "/", python: `${major}.${minor}` });
      assertEquals(byVersion.version.slice(0, 2), [major, minor]);
      const byPip = await findInterpreter({ ...base, cwd: "/", invokedAs: `pip${major}.${minor}` });
      assertEquals(byPip.version.slice(0, 2), [major, minor]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("bad interpreters: nonexistent --python, deleted venv interpreter, not a Python", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const base = { env: { PATH: "" }, cwd: dir, invokedAs: "dpip", cacheRoot: false as const };
    const missing = await assertRejects(
      () => findInterpreter({ ...base, python: "/nonexistent/python3" }),
      InterpreterNotFoundError,
    );
    assertEquals(
      missing.message,
      "No Python interpreter found for --python /nonexistent/python3 (tried /nonexistent/python3)",
    );
    const venv = join(dir, "venv");
    Deno.mkdirSync(join(venv, "bin"), { recursive: true });
    Deno.writeTextFileSync(join(venv, "pyvenv.cfg"), "home = /gone\n");
    Deno.symlinkSync("/gone/python3", join(venv, "bin", "python3"));
    const deleted = await assertRejects(
      () => findInterpreter({ ...base, env: { VIRTUAL_ENV: venv } }),
      InterpreterNotFoundError,
    );
    assertStringIncludes(deleted.message, `tried ${venv}/bin/python3, ${venv}/bin/python`);
    assert(!deleted.message.includes("\n"));
    const fake = join(dir, "fake-python");
    Deno.writeTextFileSync(fake, "#!/bin/sh\necho 'not python' >&2\nexit 3\n");
    Deno.chmodSync(fake, 0o755);
    const broken = await assertRejects(
      () => findInterpreter({ ...base, python: fake }),
      InterpreterProbeError,
    );
    assertEquals(broken.message, `Could not query Python interpreter ${fake}: not python`);
    const empty = await assertRejects(() => findInterpreter(base), InterpreterNotFoundError);
    assertStringIncludes(empty.message, "the default interpreter");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "the interpreter cache is written without Deno's async writeTextFile (which loads web streams)",
  ignore: skipUnless(interpreters.size > 0, "pyenv interpreters"),
  async fn() {
    const python = [...interpreters.values()][0]!;
    const cacheRoot = await Deno.makeTempDir();
    const writeTextFile = Deno.writeTextFile;
    let asyncWrites = 0;
    Deno.writeTextFile = (...args: Parameters<typeof writeTextFile>) => {
      asyncWrites++;
      return writeTextFile(...args);
    };
    try {
      await queryInterpreter(python, { env, cwd: "/", cacheRoot });
    } finally {
      Deno.writeTextFile = writeTextFile;
    }
    try {
      assertEquals(asyncWrites, 0);
      const cached = [...Deno.readDirSync(cacheRoot)].length;
      assert(cached > 0, "nothing cached");
    } finally {
      await Deno.remove(cacheRoot, { recursive: true });
    }
  },
});
