/**
 * `dpip lock --universal` and `dpip compile --universal` on an index served
 * here, where one project needs different versions per Python, one exists
 * only for Windows, and one has a wheel per Python: the lock lists each with
 * the marker saying where it applies and every wheel some covered Python
 * can use, and `dpip install -r pylock.toml` on Python 3.8 and on 3.12
 * installs what applies to each, from the right wheel. pip 26's `pip lock`
 * has no universal mode (it locks for the running interpreter only), so
 * there is no oracle for the lock itself; pip 26 does install the lock on
 * 3.12, giving the same environment.
 *
 * @module
 */

import { join } from "node:path";
import { parsePylock } from "../../lib/lock/pylock.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { type IndexFile, startIndexServer, wheelFile } from "../helpers/index_server.ts";
import { pip26, runPip26 } from "../helpers/pip26.ts";
import { pyenvPython, skipUnless } from "../helpers/python.ts";
import { mirrorIndexUrls } from "../index/corpus.ts";
import { dpip, frozen, python311, run, tempHome } from "./install_support.ts";
import { miniBackendWheel, miniSdist } from "./build_support.ts";
import { DEFAULT_MARKER_ENVIRONMENT, parseMarker } from "../../lib/pep508/mod.ts";
import { schemaErrors } from "../helpers/json_schema.ts";

const python38 = await pyenvPython("3.8");
const python312 = await pyenvPython("3.12");
const oracle = await pip26();
const pythons = python38 !== undefined && python312 !== undefined ? true : undefined;
const mirror = await mirrorIndexUrls();
/** The mirror as index options: the first URL is the index, the rest extra ones. */
const mirrorIndex = mirror.flatMap((url, i) => [i ? "--extra-index-url" : "--index-url", url]);

/** A wheel of `native` whose module says which wheel it came from. */
function nativeWheel(tags: string): IndexFile {
  return wheelFile({
    name: "native",
    version: "1.0",
    tags,
    files: { "native_tag.py": `TAG = ${JSON.stringify(tags)}\n` },
  });
}

function indexFiles(): IndexFile[] {
  return [
    wheelFile({
      name: "app",
      version: "1.0",
      metadata: { requiresDist: ["lib", 'winonly; sys_platform == "win32"', "native"] },
    }),
    wheelFile({ name: "lib", version: "1.0", metadata: { requiresPython: ">=3.8" } }),
    wheelFile({ name: "lib", version: "2.0", metadata: { requiresPython: ">=3.10" } }),
    wheelFile({ name: "winonly", version: "1.0", tags: "cp38-abi3-win_amd64" }),
    nativeWheel("cp38-cp38-manylinux_2_17_x86_64"),
    nativeWheel("cp312-cp312-manylinux_2_17_x86_64"),
    nativeWheel("cp312-cp312-win_amd64"),
    nativeWheel("cp27-cp27mu-manylinux1_x86_64"),
    wheelFile({ name: "kept", version: "1.0" }),
    wheelFile({ name: "kept", version: "2.0" }),
    // Only an sdist: built (with the backend from this index) for its metadata.
    miniBackendWheel(),
    miniSdist("oldpure", "1.0"),
  ];
}

/**
 * Runs `body` in a fresh home with this file's index served, `index` being
 * the options that name it; both are cleaned up afterwards.
 */
async function withIndex(
  prefix: string,
  body: (home: string, index: string[]) => Promise<void>,
): Promise<void> {
  const server = await startIndexServer({ files: indexFiles(), formats: ["json"] });
  const { home, done } = await tempHome(prefix);
  try {
    await body(home, ["--index-url", server.url, "--trusted-host", "127.0.0.1"]);
  } finally {
    await done();
    await server.close();
  }
}

async function venv(python: string, dir: string): Promise<string> {
  const made = await run(python, ["-m", "venv", "--without-pip", dir]);
  assertEquals(made.status, 0, made.stderr);
  return join(dir, "bin", "python");
}

Deno.test({
  name: "lock --universal: markers per Python and platform, and each Python installs its part",
  ignore: skipUnless(pythons, "pyenv's Python 3.8 and 3.12"),
  sanitizeResources: false,
  async fn() {
    await withIndex("dpip-universal-", async (home, index) => {
      const locked = await dpip([
        "lock",
        "--universal",
        "--python-version",
        "3.8",
        "--python",
        python312!,
        ...index,
        "app",
        "oldpure",
        "-o",
        "pylock.toml",
      ], { home });
      assertEquals(locked.status, 0, locked.stderr);
      const text = await Deno.readTextFile(join(home, "pylock.toml"));
      const { lock } = parsePylock(text, "pylock.toml");
      assertEquals(lock.requiresPython, ">=3.8");
      assertEquals(
        lock.packages.map((p) =>
          `${p.name} ${p.version} [${p.marker ?? ""}] ${
            (p.wheels ?? []).map((w) => w.name).join(" ")
          }`
        ),
        [
          "app 1.0 [] app-1.0-py3-none-any.whl",
          'lib 1.0 [python_version < "3.10"] lib-1.0-py3-none-any.whl',
          'lib 2.0 [python_version >= "3.10"] lib-2.0-py3-none-any.whl',
          "native 1.0 [] native-1.0-cp312-cp312-manylinux_2_17_x86_64.whl " +
          "native-1.0-cp312-cp312-win_amd64.whl native-1.0-cp38-cp38-manylinux_2_17_x86_64.whl",
          "oldpure 1.0 [] ",
          'winonly 1.0 [sys_platform == "win32"] winonly-1.0-cp38-abi3-win_amd64.whl',
        ],
      );
      // Only an sdist: built for its metadata, locked as its sdist.
      assertEquals(
        lock.packages.find((p) => p.name === "oldpure")?.sdist?.name,
        "oldpure-1.0.tar.gz",
      );
      // Deterministic: the same inputs give the same bytes.
      await dpip([
        "lock",
        "--universal",
        "--python-version",
        "3.8",
        ...index,
        "app",
        "oldpure",
        "-o",
        "again.toml",
      ], { home });
      assertEquals(await Deno.readTextFile(join(home, "again.toml")), text);

      for (
        const [python, lib, tag] of [
          [python38!, "lib==1.0", "cp38-cp38-manylinux_2_17_x86_64"],
          [python312!, "lib==2.0", "cp312-cp312-manylinux_2_17_x86_64"],
        ] as const
      ) {
        const target = await venv(python, join(home, `venv-${lib}`));
        const installed = await dpip([
          "install",
          "--python",
          target,
          "--cache-dir",
          join(home, "cache"),
          // The index gives oldpure's build its backend.
          ...index,
          "-r",
          "pylock.toml",
        ], { home });
        assertEquals(installed.status, 0, installed.stderr);
        assertEquals(await frozen(target), ["app==1.0", lib, "native==1.0", "oldpure==1.0"]);
        const which = await run(target, ["-c", "import native_tag; print(native_tag.TAG)"]);
        assertEquals(which.stdout.trim(), tag);
      }
      if (oracle !== undefined) {
        const target = await venv(python312!, join(home, "venv-pip26"));
        const installed = await runPip26(oracle, [
          "--python",
          target,
          "install",
          "--no-cache-dir",
          ...index,
          "-r",
          "pylock.toml",
        ], { cwd: home });
        assertEquals(installed.code, 0, installed.stderr);
        assertEquals(await frozen(target), ["app==1.0", "lib==2.0", "native==1.0", "oldpure==1.0"]);
      }
    });
  },
});

Deno.test({
  name: "compile --universal: each pin with its marker; --python-platform narrows the lock",
  ignore: skipUnless(pythons, "pyenv's Python 3.8 and 3.12"),
  sanitizeResources: false,
  async fn() {
    await withIndex("dpip-universal-compile-", async (home, index) => {
      await Deno.writeTextFile(join(home, "requirements.in"), "app\n");
      const compiled = await dpip([
        "compile",
        "--universal",
        "--python-version",
        "3.8",
        "--python",
        python312!,
        ...index,
        "requirements.in",
      ], { home });
      assertEquals(compiled.status, 0, compiled.stderr);
      const pins = compiled.stdout.split("\n").filter((line) => /^[a-z]/.test(line));
      assertEquals(pins, [
        "app==1.0",
        'lib==1.0 ; python_version < "3.10"',
        'lib==2.0 ; python_version >= "3.10"',
        "native==1.0",
        'winonly==1.0 ; sys_platform == "win32"',
      ]);
      assertStringIncludes(compiled.stdout, "dpip compile --universal requirements.in");
      const document = await dpip([
        "compile",
        "--universal",
        "--python-version",
        "3.8",
        "--python",
        python312!,
        ...index,
        "--format",
        "json",
        "requirements.in",
      ], { home });
      assertEquals(document.status, 0, document.stderr);
      const parsed = JSON.parse(document.stdout);
      assertEquals(schemaErrors("compile", parsed), []);
      const entries: { name: string; version: string; marker: string | null }[] = parsed.packages;
      assertEquals(entries.map((e) => `${e.name}==${e.version} ${e.marker ?? "-"}`), [
        "app==1.0 -",
        'lib==1.0 python_version < "3.10"',
        'lib==2.0 python_version >= "3.10"',
        "native==1.0 -",
        'winonly==1.0 sys_platform == "win32"',
      ]);

      const linux = await dpip([
        "lock",
        "--universal",
        "--python-version",
        "3.8",
        "--python-platform",
        "linux",
        ...index,
        "app",
        "-o",
        "-",
      ], { home });
      assertEquals(linux.status, 0, linux.stderr);
      const { lock } = parsePylock(linux.stdout, "pylock.toml");
      assertEquals(lock.packages.map((p) => `${p.name} ${p.version} [${p.marker ?? ""}]`), [
        "app 1.0 []",
        'lib 1.0 [python_version < "3.10"]',
        'lib 2.0 [python_version >= "3.10"]',
        "native 1.0 []",
      ]);
      assertEquals(lock.environments?.length, 1);

      const bad = await dpip(["lock", "--python-platform", "linux", ...index, "app"], { home });
      assertEquals(bad.status, 2, bad.stderr);
      assertStringIncludes(bad.stderr, "--python-platform needs --universal");
      const unknown = await dpip(
        ["lock", "--universal", "--python-platform", "beos", ...index, "app"],
        { home },
      );
      assertStringIncludes(unknown.stderr, "Unknown --python-platform 'beos'");
      assertEquals(unknown.stderr.split("\n").filter((l) => l !== "").length, 1, unknown.stderr);
    });
  },
});

Deno.test({
  name:
    "lock --universal ipython on the local mirror: platform-only dependencies carry their markers",
  ignore: skipUnless(
    pythons !== undefined && mirror.length > 0 ? true : undefined,
    "pyenv's Python 3.12 and the local PyPI mirror",
  ),
  sanitizeResources: false,
  async fn() {
    const { home, done } = await tempHome("dpip-universal-ipython-");
    try {
      const locked = await dpip(
        ["lock", "--universal", "--python-version", "3.11", ...mirrorIndex, "ipython", "-o", "-"],
        { home },
      );
      assertEquals(locked.status, 0, locked.stderr);
      const { lock } = parsePylock(locked.stdout, "pylock.toml");
      const markers = new Map(lock.packages.map((p) => [p.name as string, p.marker ?? ""]));
      // ipython: colorama on Windows only; pexpect (and ptyprocess) where there are ptys.
      assertEquals(markers.get("colorama"), 'sys_platform == "win32"');
      assertEquals(
        markers.get("pexpect"),
        'sys_platform != "emscripten" and sys_platform != "win32"',
      );
      assertEquals(markers.get("ipython"), "");
      // typing-extensions is needed only below 3.12 (ipython's own marker).
      assertEquals(markers.get("typing-extensions"), 'python_version < "3.12"');

      const target = await venv(python312!, join(home, "venv"));
      await Deno.writeTextFile(join(home, "pylock.toml"), locked.stdout);
      const fromLock = await dpip(
        ["install", "--python", target, "--cache-dir", join(home, "cache"), "-r", "pylock.toml"],
        { home },
      );
      assertEquals(fromLock.status, 0, fromLock.stderr);
      const names = (await frozen(target)).map((line) => line.split("==")[0]);
      assertEquals(names.includes("colorama"), false);
      assertEquals(
        names.includes("typing-extensions") || names.includes("typing_extensions"),
        false,
      );
      assertEquals(names.includes("pexpect"), true);
      assertEquals(names.includes("ipython"), true);
    } finally {
      await done();
    }
  },
});

Deno.test({
  name:
    "lock --universal jupyterlab on the mirror, for linux from 3.11: what applies to 3.11 is 3.11's own lock",
  ignore: skipUnless(
    python311 !== undefined && mirror.length > 0 ? true : undefined,
    "pyenv's Python 3.11 and the local PyPI mirror",
  ),
  sanitizeResources: false,
  async fn() {
    const { home, done } = await tempHome("dpip-universal-jupyterlab-");
    const lockWith = async (args: string[]) => {
      const result = await dpip(["lock", ...mirrorIndex, "jupyterlab", "-o", "-", ...args], {
        home,
      });
      assertEquals(result.status, 0, result.stderr);
      return parsePylock(result.stdout, "pylock.toml").lock;
    };
    try {
      const universal = await lockWith([
        "--universal",
        "--python-version",
        "3.11",
        "--python-platform",
        "linux",
      ]);
      const local = await lockWith(["--python", python311!]);
      const environment = {
        ...DEFAULT_MARKER_ENVIRONMENT,
        implementation_name: "cpython",
        platform_python_implementation: "CPython",
        python_version: "3.11",
        python_full_version: "3.11.7",
        sys_platform: "linux",
        os_name: "posix",
        platform_system: "Linux",
        platform_machine: "x86_64",
      };
      const applying = universal.packages.filter((p) =>
        p.marker === undefined || parseMarker(p.marker).evaluate({ ...environment, extra: "" })
      );
      const pins = (packages: readonly { name: string; version?: string }[]) =>
        packages.map((p) => `${p.name}==${p.version}`).sort();
      assert(applying.length > 50, `${applying.length} packages`);
      assertEquals(pins(applying), pins(local.packages));
    } finally {
      await done();
    }
  },
});

Deno.test({
  name: "compile --universal keeps an existing output's pins unless --upgrade-package names them",
  ignore: skipUnless(pythons, "pyenv's Python 3.8 and 3.12"),
  sanitizeResources: false,
  async fn() {
    await withIndex("dpip-universal-kept-", async (home, index) => {
      const compile = async (extra: string[]) => {
        const result = await dpip(
          [
            "compile",
            "--universal",
            ...index,
            "requirements.in",
            "-o",
            "requirements.txt",
            ...extra,
          ],
          { home },
        );
        assertEquals(result.status, 0, result.stderr);
        const text = await Deno.readTextFile(join(home, "requirements.txt"));
        return text.split("\n").filter((line) => line.startsWith("kept=="));
      };
      await Deno.writeTextFile(join(home, "requirements.in"), "kept\n");
      assertEquals(await compile([]), ["kept==2.0"]);
      await Deno.writeTextFile(join(home, "requirements.txt"), "kept==1.0\n");
      assertEquals(await compile([]), ["kept==1.0"]);
      assertEquals(await compile(["--upgrade-package", "kept"]), ["kept==2.0"]);
    });
  },
});
