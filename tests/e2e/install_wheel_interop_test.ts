/**
 * Interop with the real pip, both directions: what dpip installs, pip lists,
 * shows, checks and uninstalls completely; what pip installs, dpip
 * uninstalls completely. Also upgrades, `--target`, `--prefix`, `--root`,
 * `--user`, `--compile`, link modes and the uninstall prompt.
 */

import { join } from "node:path";
import { buildWheel, type WheelSpec, writeWheel } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import {
  oracle,
  python311,
  snapshotDiff,
  treeSnapshot,
  type Venv,
  withVenvs,
} from "./install_wheel_support.ts";

const decoder = new TextDecoder();

/** A wheel using every part of the format: packages, data, headers, scripts, entry points. */
function richWheel(version: string, extra: Partial<WheelSpec> = {}): WheelSpec {
  return {
    name: "Rich.Demo",
    version,
    files: {
      "rich_demo/__init__.py":
        `VERSION = "${version}"\ndef main():\n    print("rich-demo", VERSION)\n`,
      "rich_demo/sub/__init__.py": "",
      "rich_demo/sub/mod.py": "X = 1\n",
      [`rich_demo/only_${version.replaceAll(".", "_")}.py`]: "",
      "rich_demo_top.py": "import rich_demo\n",
    },
    dataFiles: {
      "scripts/rich-tool": "#!python\nimport rich_demo\nprint('tool', rich_demo.VERSION)\n",
      "scripts/plain.sh": "#!/bin/sh\necho plain\n",
      "data/share/rich-demo/readme.txt": "shared data\n",
      "headers/rich.h": "int rich;\n",
    },
    entryPoints: {
      console_scripts: { "rich-demo": "rich_demo:main" },
      gui_scripts: { "rich-demo-gui": "rich_demo:main" },
    },
    metadata: { requiresDist: ['missing-dep ; python_version < "3"'] },
    ...extra,
  };
}

/** Ignore what is not part of an install: bytecode of imports. */
const ignoreNoise = (path: string) => path.endsWith("__pycache__");

async function run(command: string, args: string[]): Promise<{ code: number; out: string }> {
  const result = await new Deno.Command(command, {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { PYTHONDONTWRITEBYTECODE: "1" },
  }).output();
  return { code: result.code, out: decoder.decode(result.stdout) + decoder.decode(result.stderr) };
}

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

const homePrefix = "dpip-interop-";

/** `Rich.Demo` at `version` written under `<home>/wheels`. */
const richWheelFile = (home: string, version: string) =>
  writeWheel(join(home, "wheels"), richWheel(version));

Deno.test({
  name: "a wheel dpip installs is listed, shown, checked, imported, run and uninstalled by pip",
  ignore: needs,
  fn: () =>
    withVenvs({ prefix: homePrefix, cacheDir: true }, async ({ home, venv, install, pip }) => {
      // Another project's file, as pip's own would be: pip removes a site-packages that
      // an uninstall empties as a whole.
      Deno.writeTextFileSync(join(venv.sitePackages, "other_project.py"), "");
      const before = treeSnapshot(venv.root, { ignore: ignoreNoise });
      const wheel = await richWheelFile(home, "1.0");
      const result = await install([wheel.path]);
      assertEquals(result.status, 0, result.stderr);
      assertStringIncludes(result.stdout, "Successfully installed rich-demo-1.0");

      const list = await pip(["list", "--format", "json"]);
      assertEquals(JSON.parse(list.stdout), [{ name: "Rich.Demo", version: "1.0" }]);
      const show = await pip(["show", "-f", "rich-demo"]);
      assertStringIncludes(show.stdout, "Name: Rich.Demo");
      assertStringIncludes(show.stdout, "../../../bin/rich-demo");
      const check = await pip(["check"]);
      assertEquals(check.stdout.trim(), "No broken requirements found.");
      const inspect = JSON.parse((await pip(["inspect"])).stdout);
      const installed = inspect.installed.find((d: { metadata: { name: string } }) =>
        d.metadata.name === "Rich.Demo"
      );
      assertEquals(installed.installer, "dpip");
      assertEquals(installed.requested, true);
      assertEquals(installed.direct_url.archive_info.hashes.sha256, wheel.sha256);

      assertEquals(
        (await run(venv.python, ["-c", "import rich_demo.sub.mod, rich_demo_top"])).code,
        0,
      );
      // Every script the wheel brings, and what it prints.
      const scripts = {
        "rich-demo": "rich-demo 1.0\n",
        "rich-demo-gui": "rich-demo 1.0\n",
        "rich-tool": "tool 1.0\n",
        "plain.sh": "plain\n",
      };
      for (const [script, printed] of Object.entries(scripts)) {
        assertEquals((await run(join(venv.bin, script), [])).out, printed);
      }
      assertEquals(
        Deno.readTextFileSync(join(venv.root, "include/site/python3.11/rich-demo/rich.h")),
        "int rich;\n",
      );
      assertEquals(
        Deno.readTextFileSync(join(venv.root, "share/rich-demo/readme.txt")),
        "shared data\n",
      );

      const uninstall = await pip(["uninstall", "-y", "rich-demo"]);
      assertEquals(uninstall.status, 0, uninstall.stderr);
      const after = treeSnapshot(venv.root, { ignore: ignoreNoise });
      // pip leaves the (emptied) headers and share directories it never records; so does dpip.
      assertEquals(
        snapshotDiff(before, after).filter((line) =>
          !/^(include|share)\b/.test(line) || /file/.test(line)
        ),
        [],
      );
    }),
});

Deno.test({
  name: "a wheel pip installs is uninstalled completely by dpip",
  ignore: needs,
  fn: () =>
    withVenvs({ prefix: homePrefix }, async ({ home, venv, uninstall, pip }) => {
      const wheel = await richWheelFile(home, "2.0");
      // Bytecode counts here: pip compiled it, and dpip must remove it.
      const ignore = (path: string) => /^(include|share)(\/|$)/.test(path);
      const before = treeSnapshot(venv.root, { ignore });
      const installed = await pip(["install", "--no-deps", "--no-index", "--compile", wheel.path]);
      assertEquals(installed.status, 0, installed.stderr);
      assertEquals((await run(join(venv.bin, "rich-demo"), [])).out, "rich-demo 2.0\n");

      const result = await uninstall(["-y", "Rich_Demo"]);
      assertEquals(result.status, 0, result.stderr);
      assertEquals(
        result.stdout,
        "Found existing installation: Rich.Demo 2.0\nUninstalling Rich.Demo-2.0:\n  Successfully uninstalled Rich.Demo-2.0\n",
      );
      assertEquals(snapshotDiff(before, treeSnapshot(venv.root, { ignore })), []);
      assertEquals(
        [...Deno.readDirSync(join(venv.root, "include/site/python3.11"))].map((e) => e.name),
        [],
      );
      assertEquals(JSON.parse((await pip(["list", "--format", "json"])).stdout), []);
    }),
});

Deno.test({
  name: "upgrades replace the old version cleanly; same version is skipped; --force-reinstall",
  ignore: needs,
  fn: () =>
    withVenvs(
      { prefix: homePrefix, venvs: ["venv", "fresh"], cacheDir: true },
      async ({ home, venv, venvs, install, pip }) => {
        const v1 = await richWheelFile(home, "1.0");
        const v2 = await richWheelFile(home, "2.0");
        assertEquals((await install([v1.path])).status, 0);
        const again = await install([v1.path]);
        assertStringIncludes(
          again.stdout,
          "rich-demo is already installed with the same version as the provided wheel. Use --force-reinstall to force an installation of the wheel.",
        );
        const upgrade = await install([v2.path]);
        assertEquals(upgrade.status, 0, upgrade.stderr);
        assertStringIncludes(upgrade.stdout, "Found existing installation: Rich.Demo 1.0");
        assertStringIncludes(upgrade.stdout, "Successfully installed rich-demo-2.0");

        // Exactly what a fresh install of 2.0 gives (RECORD and all).
        assertEquals((await install([v2.path], { venv: venvs.fresh })).status, 0);
        const normalize = (venv: Venv) =>
          new Map(
            [...treeSnapshot(venv.root, { ignore: (p) => ignoreNoise(p) || p === "pyvenv.cfg" })]
              .map(([path, entry]) => [
                path,
                path.startsWith("bin/") || path.endsWith("RECORD") ? entry.split(" ")[0]! : entry,
              ]),
          );
        assertEquals(snapshotDiff(normalize(venvs.fresh), normalize(venv)), []);

        const forced = await install(["--force-reinstall", v2.path]);
        assertStringIncludes(forced.stdout, "Successfully installed rich-demo-2.0");
        assertEquals(JSON.parse((await pip(["list", "--format", "json"])).stdout), [
          { name: "Rich.Demo", version: "2.0" },
        ]);
        // Another project's file keeps site-packages, which pip removes whole once empty.
        Deno.writeTextFileSync(join(venv.sitePackages, "other_project.py"), "");
        assertEquals((await pip(["uninstall", "-y", "rich-demo"])).status, 0);
        assert(!Deno.readDirSync(venv.sitePackages).some((e) => e.name.startsWith("rich")));
      },
    ),
});

Deno.test({
  name: "--target (with --upgrade, no leftover dist-info), --prefix, --root and --user",
  ignore: needs,
  fn: () =>
    withVenvs({ prefix: homePrefix, cacheDir: true }, async ({ home, venv, install }) => {
      const v1 = await richWheelFile(home, "1.0");
      const v2 = await richWheelFile(home, "2.0");
      const target = join(home, "target");
      assertEquals((await install(["--target", target, v1.path])).status, 0);
      const noUpgrade = await install(["--target", target, v2.path]);
      assertStringIncludes(noUpgrade.stderr, "Specify --upgrade to force replacement.");
      assert(Deno.readDirSync(target).some((e) => e.name === "rich_demo-1.0.dist-info"));
      const upgraded = await install(["--target", target, "--upgrade", v2.path]);
      assertEquals(upgraded.status, 0, upgraded.stderr);
      const names = [...Deno.readDirSync(target)].map((e) => e.name).filter((n) =>
        !n.startsWith(".")
      )
        .sort();
      assertEquals(names, [
        "bin",
        "include",
        "rich_demo",
        "rich_demo-2.0.dist-info",
        "rich_demo_top.py",
        "share",
      ]);
      assert(!Deno.statSync(join(target, "rich_demo")).isFile);
      assertEquals(
        [...Deno.readDirSync(join(target, "rich_demo"))].map((e) => e.name).sort(),
        ["__init__.py", "only_2_0.py", "sub"],
      );
      const imported = await run(venv.python, [
        "-c",
        `import sys; sys.path.insert(0, ${
          JSON.stringify(target)
        }); import rich_demo; print(rich_demo.VERSION)`,
      ]);
      assertEquals(imported.out, "2.0\n");

      const prefix = join(home, "prefix");
      assertEquals((await install(["--prefix", prefix, v1.path])).status, 0);
      Deno.statSync(join(prefix, "lib/python3.11/site-packages/rich_demo/__init__.py"));
      Deno.statSync(join(prefix, "bin/rich-demo"));

      const root = join(home, "root");
      assertEquals((await install(["--root", root, v1.path])).status, 0);
      Deno.statSync(join(root, venv.sitePackages, "rich_demo/__init__.py"));
      const shebang = Deno.readTextFileSync(join(root, venv.bin, "rich-demo")).split("\n")[0];
      assertEquals(shebang, `#!${venv.python}`);

      // Another home: the user site lands there.
      const userHome = join(home, "user");
      const userResult = await install(["--user", v1.path], { home: userHome });
      // A venv without system site packages has no user site: pip refuses, so do we (or it installs).
      if (userResult.status === 0) {
        assert([...Deno.readDirSync(userHome)].length > 0);
      }
    }),
});

Deno.test({
  name: "--compile writes bytecode in one pass and lists it in RECORD; link modes",
  ignore: needs,
  fn: async (t) => {
    const modes = ["hardlink", "copy", "symlink"] as const;
    await withVenvs({ prefix: homePrefix, venvs: modes, cacheDir: true }, async (env) => {
      const wheel = await richWheelFile(env.home, "1.0");
      for (const mode of modes) {
        await t.step(mode, async () => {
          const venv = env.venvs[mode];
          const result = await env.install(["--link-mode", mode, "--compile", wheel.path], {
            venv,
          });
          assertEquals(result.status, 0, result.stderr);
          const init = join(venv.sitePackages, "rich_demo/__init__.py");
          const info = Deno.lstatSync(init);
          if (mode === "symlink") assert(info.isSymlink);
          if (mode === "hardlink") assert((info.nlink ?? 0) >= 2, "hard-linked from the cache");
          if (mode === "copy") assertEquals(info.nlink, 1);
          const record = Deno.readTextFileSync(
            join(venv.sitePackages, "rich_demo-1.0.dist-info/RECORD"),
          );
          assertStringIncludes(record, "rich_demo/__pycache__/__init__.cpython-311.pyc,,");
          Deno.statSync(join(venv.sitePackages, "rich_demo/__pycache__/__init__.cpython-311.pyc"));
          // The bytecode names the installed file, not the staging directory.
          const traceback = await run(venv.python, [
            "-c",
            "import rich_demo, sys; print(rich_demo.main.__code__.co_filename)",
          ]);
          assertEquals(traceback.out.trim(), init);
          const uninstalled = await env.uninstall(["-y", "rich-demo"], { venv });
          assertEquals(uninstalled.status, 0, uninstalled.stderr);
          assert(!Deno.readDirSync(venv.sitePackages).some((e) => e.name.startsWith("rich")));
        });
      }
    });
  },
});

Deno.test({
  name: "uninstall asks as pip does: listing, Y/n, n keeps, EOF fails, unknown names warn",
  ignore: needs,
  fn: () =>
    withVenvs({ prefix: homePrefix }, async ({ home, venv, install, uninstall }) => {
      const wheel = buildWheel(richWheel("1.0"));
      await Deno.writeFile(join(home, wheel.filename), wheel.bytes);
      assertEquals((await install([join(home, wheel.filename)])).status, 0);
      const site = venv.sitePackages;
      const listing = [
        "Found existing installation: Rich.Demo 1.0",
        "Uninstalling Rich.Demo-1.0:",
        "  Would remove:",
        `    ${venv.bin}/plain.sh`,
        `    ${venv.bin}/rich-demo`,
        `    ${venv.bin}/rich-demo-gui`,
        `    ${venv.bin}/rich-tool`,
        `    ${venv.root}/include/site/python3.11/rich-demo/rich.h`,
        `    ${site}/rich_demo-1.0.dist-info/*`,
        `    ${site}/rich_demo/*`,
        `    ${site}/rich_demo_top.py`,
        `    ${venv.root}/share/rich-demo/readme.txt`,
        "Proceed (Y/n)? ",
      ].join("\n");
      const kept = await uninstall(["rich-demo"], { input: ["n"] });
      assertEquals(kept.status, 0);
      assertEquals(kept.stdout, listing);
      Deno.statSync(join(site, "rich_demo-1.0.dist-info"));
      const eof = await uninstall(["rich-demo"], { input: [] });
      assertEquals(eof.status, 1);
      assertStringIncludes(eof.stderr, "pass -y");
      Deno.statSync(join(site, "rich_demo-1.0.dist-info"));
      const yes = await uninstall(["nothing-here", "rich-demo"], { input: ["maybe", ""] });
      assertEquals(yes.status, 0);
      assertEquals(yes.stderr, "WARNING: Skipping nothing-here as it is not installed.\n");
      assertStringIncludes(
        yes.stdout,
        "Your response ('maybe') was not one of the expected responses: y, n, \n",
      );
      assertStringIncludes(yes.stdout, "  Successfully uninstalled Rich.Demo-1.0\n");
      assert(!Deno.readDirSync(site).some((e) => e.name.startsWith("rich")));
    }),
});

Deno.test({
  name: "install names requirements it cannot satisfy and wheel paths that do not exist",
  ignore: needs,
  fn: () =>
    withVenvs({ prefix: homePrefix }, async ({ home, install }) => {
      const result = await install(["--no-index", "requests>=2"]);
      assertEquals(result.status, 1);
      assertStringIncludes(result.stderr, "ERROR: Cannot install requests>=2");
      const missing = await install([join(home, "nope-1.0-py3-none-any.whl")]);
      assertEquals(missing.status, 1);
      assertEquals(missing.stderr.split("\n").length, 2, missing.stderr);
    }),
});
