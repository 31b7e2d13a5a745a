import {
  InvalidScriptEntryPointError,
  launchersFor,
  launcherShebang,
  rewriteScriptShebang,
} from "../../lib/installer/scripts.ts";
import { parseEntryPoints } from "../../lib/dists/entry_points.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";

const python = await oraclePython();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Interpreter paths around the 127-byte shebang limit, with and without spaces. */
function executables(): string[] {
  const paths = ["/v/bin/python", "/my venv/bin/python3", "/a b/c d/python"];
  for (const length of [100, 123, 124, 125, 126, 127, 200]) {
    const stem = "/" + "x".repeat(length - "/bin/python".length - 1) + "/bin/python";
    paths.push(stem);
    paths.push(stem.replace("xx", "x "));
  }
  return paths;
}

const ENTRY_POINTS = [
  "[console_scripts]",
  "demo = pkg.cli:main",
  "nested = pkg.cli:App.run",
  "extras = pkg:go [color, speed]",
  "[gui_scripts]",
  "demo-gui = pkg.gui:start",
].join("\n");

const ORACLE = `
import json, os, sys, tempfile
from pip._vendor.distlib.scripts import ScriptMaker
from pip._internal.operations.install.wheel import fix_script
cases = json.load(sys.stdin)
out = {"launchers": [], "fixed": []}
for exe in cases["executables"]:
    sys.executable = exe
    d = tempfile.mkdtemp()
    maker = ScriptMaker(None, d)
    maker.clobber = True
    maker.variants = {""}
    maker.set_mode = True
    made = {}
    for spec in cases["specs"]:
        for path in maker.make(spec):
            made[os.path.basename(path)] = open(path, encoding="utf-8").read()
    for gui in cases["gui"]:
        for path in maker.make(gui, {"gui": True}):
            made[os.path.basename(path)] = open(path, encoding="utf-8").read()
    out["launchers"].append(made)
    fixed = []
    for content in cases["scripts"]:
        path = os.path.join(d, "script")
        with open(path, "wb") as f:
            f.write(content.encode("latin-1"))
        changed = fix_script(path)
        fixed.append(open(path, "rb").read().decode("latin-1") if changed else None)
    out["fixed"].append(fixed)
json.dump(out, sys.stdout)
`;

Deno.test({
  name: "launchers and #!python rewrites match pip's (distlib ScriptMaker, fix_script)",
  ignore: skipUnless(python, "Python 3.11 with pip"),
  fn: async () => {
    const scripts = [
      "#!python\nprint(1)\n",
      "#!pythonw\r\nprint(2)\n",
      "#!python -u -O\nprint(3)",
      "#!/usr/bin/env python\nprint(4)\n",
      "print(5)\n",
      "#!python",
    ];
    const entryPoints = parseEntryPoints(ENTRY_POINTS);
    const result = await runPythonJson<
      { launchers: Record<string, string>[]; fixed: (string | null)[][] }
    >(python!, ORACLE, {
      executables: executables(),
      specs: entryPoints.filter((e) => e.group === "console_scripts").map((e) =>
        `${e.name} = ${e.value}`
      ),
      gui: entryPoints.filter((e) => e.group === "gui_scripts").map((e) =>
        `${e.name} = ${e.value}`
      ),
      scripts,
    });
    executables().forEach((exe, index) => {
      const ours = Object.fromEntries(
        launchersFor(entryPoints, { python: exe, pythonVersion: [3, 11], platform: "linux" }).map(
          (launcher) => [launcher.name, launcher.content],
        ),
      );
      assertEquals(ours, result.launchers[index], `launchers for ${exe}`);
      const fixed = scripts.map((script) => {
        const out = rewriteScriptShebang(encoder.encode(script), exe);
        return out === undefined ? null : decoder.decode(out);
      });
      assertEquals(fixed, result.fixed[index], `#!python rewrite for ${exe}`);
    });
  },
});

Deno.test("launchersFor() gives pip's names for pip and easy_install entry points", () => {
  const entryPoints = parseEntryPoints(
    "[console_scripts]\npip = pip._internal.cli.main:main\npip3 = pip._internal.cli.main:main\npip3.9 = pip._internal.cli.main:main\neasy_install = setuptools.command.easy_install:main\neasy_install-3.9 = setuptools.command.easy_install:main\nother = x:y\n",
  );
  const names = (env: Record<string, string>) =>
    launchersFor(entryPoints, { python: "/p", pythonVersion: [3, 12], env }).map((l) => l.name);
  assertEquals(names({}), ["pip", "pip3", "pip3.12", "easy_install", "easy_install-3.12", "other"]);
  assertEquals(names({ ENSUREPIP_OPTIONS: "altinstall" }), [
    "pip3",
    "pip3.12",
    "easy_install-3.12",
    "other",
  ]);
});

Deno.test("launchersFor() refuses an entry point without a callable", () => {
  const error = assertThrows(
    () =>
      launchersFor(parseEntryPoints("[console_scripts]\nbad = pkg.module\n"), {
        python: "/p",
        pythonVersion: [3, 11],
      }),
    InvalidScriptEntryPointError,
  );
  assertEquals(
    error.message,
    'invalid script entry point "bad = pkg.module": a callable suffix is required',
  );
});

Deno.test("launchersFor() refuses console and GUI script names that are not plain file names", () => {
  for (
    const [group, name] of [
      ["console_scripts", "../../../../outside/ep"],
      ["gui_scripts", "../../outside/gui"],
      ["console_scripts", "/tmp/abs"],
      ["console_scripts", "../lib/python3.11/site-packages/evil"],
      ["gui_scripts", "sub/tool"],
      ["console_scripts", ".."],
    ]
  ) {
    const error = assertThrows(
      () =>
        launchersFor(parseEntryPoints(`[${group}]\n${name} = pkg:main\n`), {
          python: "/p",
          pythonVersion: [3, 11],
        }),
      InvalidScriptEntryPointError,
    );
    assertEquals(
      error.message,
      `invalid script entry point "${name} = pkg:main": its name is not a plain file name`,
    );
  }
});

Deno.test("launcherShebang() uses 512 bytes as the limit on macOS", () => {
  const long = "/" + "x".repeat(200) + "/python";
  assertEquals(launcherShebang(long, { platform: "darwin" }), `#!${long}\n`);
  assertEquals(launcherShebang(long, { platform: "linux" }).startsWith("#!/bin/sh\n"), true);
});
