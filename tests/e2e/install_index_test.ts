/**
 * `dpip install` end to end against the in-process index: dependencies,
 * pip's lines, a no-op run that asks the index nothing, `--dry-run` and
 * `--report` (checked against pip's own report), upgrades and their
 * strategies, reinstalls, `--no-deps`, `--target`/`--prefix`, hash-checking
 * mode, the conflict warning (checked against pip's), PEP 668,
 * `--require-virtualenv`, verbosity, `--log`, colour, and failures before
 * and during the install step.
 */

import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import {
  demoFiles,
  demoWheel,
  distInfos,
  fakeSystemPython,
  oracle,
  python311,
  run,
  snapshotDiff,
  treeSnapshot,
  type Venv,
  withIndexEnv,
} from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

/** Ignore what is not part of an install: bytecode. */
const noise = (path: string) => path.endsWith("__pycache__");

/** A venv's tree without the noise. */
const snapshot = (venv: Venv) => treeSnapshot(venv.root, { ignore: noise });

/** pip's output lines but for how downloads are shown. */
const shown = (text: string) =>
  text.trimEnd().split("\n").filter((line) =>
    !/^(Downloading|Obtaining|Using cached|━)/.test(line.trim()) && !line.startsWith(" ")
  );

/** Output split into lines, without the trailing newline. */
const lines = (text: string) => text.trimEnd().split("\n");

Deno.test({
  name: "install resolves, downloads and installs with pip's lines; a no-op run asks nothing",
  ignore: needs,
  fn: () =>
    withIndexEnv({ venvs: ["venv", "twin"], cacheDir: true }, async (env) => {
      const { home, server, venv } = env;
      const wanted = ["app[extra]", "tool"];
      // pip installs the same into the twin: its lines, but for how downloads are shown.
      const { ours: first, theirs: pips } = await env.both(wanted, { theirs: env.venvs.twin });
      assertEquals(first.status, 0, first.stderr);
      assertEquals(first.stderr, "");
      const out = lines(first.stdout);
      assertEquals(out.slice(0, 5), [
        `Looking in indexes: ${server.url}`,
        "Collecting app[extra]",
        "Collecting tool",
        "Collecting lib>=2 (from app[extra])",
        "Collecting extra-dep (from app[extra])",
      ]);
      assertMatch(out.join("\n"), /Downloading app-2\.0-py3-none-any\.whl \(\d+ bytes\)/);
      const installing = out.find((line) => line.startsWith("Installing collected packages:"));
      assertEquals(installing, "Installing collected packages: tool, extra-dep, lib, app");
      assertEquals(out.at(-1), "Successfully installed app-2.0 extra-dep-1.0 lib-2.0 tool-1.0");
      assertEquals(distInfos(venv.sitePackages), [
        "app-2.0",
        "extra_dep-1.0",
        "lib-2.0",
        "tool-1.0",
      ]);
      assertEquals(shown(first.stdout), shown(pips.stdout));
      assert(Deno.statSync(join(venv.sitePackages, "app-2.0.dist-info/REQUESTED")).isFile);
      let requested = true;
      try {
        Deno.statSync(join(venv.sitePackages, "lib-2.0.dist-info/REQUESTED"));
      } catch {
        requested = false;
      }
      assert(!requested, "a dependency is not REQUESTED");
      const inspect = JSON.parse((await env.pip(["inspect"])).stdout);
      for (const dist of inspect.installed) assertEquals(dist.direct_url, undefined);
      assertEquals((await run(join(venv.bin, "demo-tool"), [])).stdout, "tool 1.0\n");
      assertEquals((await env.pip(["check"])).stdout.trim(), "No broken requirements found.");

      const before = server.requests.length;
      const again = await env.install(wanted);
      assertEquals(again.status, 0, again.stderr);
      assertEquals(server.requests.length, before, "a no-op run fetches nothing");
      const site = `./venv/lib/python3.11/site-packages`;
      assertEquals(lines(again.stdout), [
        `Looking in indexes: ${server.url}`,
        `Requirement already satisfied: app[extra] in ${site} (2.0)`,
        `Requirement already satisfied: tool in ${site} (1.0)`,
        `Requirement already satisfied: lib>=2 in ${site} (from app[extra]) (2.0)`,
        `Requirement already satisfied: extra-dep in ${site} (from app[extra]) (1.0)`,
      ]);
      // pip prints the same lines for the same state.
      const pipAgain = await env.pipInstall(wanted, { cwd: home });
      assertEquals(lines(pipAgain.stdout), lines(again.stdout));

      // A no-op opens no HTTP client: a --cert file that cannot be read goes unread, as
      // pip reads it only with its first request.
      const missingCert = join(home, "missing-cert.pem");
      const unread = await env.install(["--cert", missingCert, ...wanted]);
      assertEquals(unread.status, 0, unread.stderr);
      assertEquals(lines(unread.stdout), lines(again.stdout));
      const pipUnread = await env.pipInstall(["--cert", missingCert, ...wanted], { cwd: home });
      assertEquals(pipUnread.status, 0, pipUnread.stderr);
      // A source that may not be used is warned about once, whether the session opens or not.
      const insecure = ["--extra-index-url", "http://insecure.example/simple"];
      for (const args of [[...insecure, ...wanted], [...insecure, "--dry-run", "pinned"]]) {
        const warned = await env.install(args);
        assertEquals(warned.status, 0, warned.stderr);
        assertEquals(warned.stderr.split("is not a trusted or secure host").length, 2);
      }
    }),
});

Deno.test({
  name: "--dry-run prints Would install and changes nothing; --report matches pip's report",
  ignore: needs,
  fn: () =>
    withIndexEnv({ args: ["--dry-run"] }, async (env) => {
      const { home, venv } = env;
      const before = snapshot(venv);
      const dry = await env.install(["app[extra]==2.0", "pinned"]);
      assertEquals(dry.status, 1, "pinned needs lib<2, app 2.0 needs lib>=2");
      assertStringIncludes(dry.stderr, "ERROR: Cannot install");
      const ok = await env.install(["app[extra]", "lib", "cased-name"]);
      assertEquals(ok.status, 0, ok.stderr);
      assertEquals(
        lines(ok.stdout).at(-1),
        "Would install Cased.Name-1.0 app-2.0 extra-dep-1.0 lib-2.0",
      );
      const pipDry = await env.pipInstall(["--dry-run", "app[extra]", "lib", "cased-name"]);
      assertEquals(lines(pipDry.stdout).at(-1), lines(ok.stdout).at(-1));
      assertEquals(snapshotDiff(before, snapshot(venv)), []);

      const wheel = await writeWheel(join(home, "wheels"), {
        name: "Local.Thing",
        version: "0.3",
        files: { "local_thing.py": "" },
        metadata: { requiresDist: ["tool"], summary: "A local wheel" },
      });
      const reportArgs = ["-q", "--report", "-", "app[extra]", wheel.path];
      const ours = await env.install(reportArgs);
      assertEquals(ours.status, 0, ours.stderr);
      const theirs = await env.pipInstall(["--dry-run", ...reportArgs]);
      assertEquals(theirs.status, 0, theirs.stderr);
      const normalize = (text: string) => {
        const report = JSON.parse(text);
        delete report.pip_version;
        for (const item of report.install) delete item.is_yanked;
        report.install.sort((a: { metadata: { name: string } }, b: typeof a) =>
          a.metadata.name < b.metadata.name ? -1 : 1
        );
        return report;
      };
      assertEquals(normalize(ours.stdout), normalize(theirs.stdout));
      assertEquals(JSON.parse(ours.stdout).install[0].is_yanked, false);
    }),
});

Deno.test({
  name: "-U upgrades what you name (only-if-needed) or everything (eager); reinstalls; --no-deps",
  ignore: needs,
  fn: () =>
    withIndexEnv({ cacheDir: true }, async ({ server, venv, install, pip }) => {
      const old = await install(["app==1.0", "lib==1.0"]);
      assertEquals(old.status, 0, old.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0"]);

      // Without -U nothing changes, and nothing is fetched.
      const seen = server.requests.length;
      const kept = await install(["app"]);
      assertEquals(kept.status, 0, kept.stderr);
      assertEquals(server.requests.length, seen);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0"]);

      // app 2.0 needs lib>=2, so lib is upgraded as needed; the old files are gone.
      const upgraded = await install(["-U", "app"]);
      assertEquals(upgraded.status, 0, upgraded.stderr);
      assertStringIncludes(
        upgraded.stdout,
        "  Attempting uninstall: lib\n    Found existing installation: lib 1.0\n",
      );
      assertStringIncludes(upgraded.stdout, "Successfully installed app-2.0 lib-2.0");
      assertEquals(distInfos(venv.sitePackages), ["app-2.0", "lib-2.0"]);
      assertEquals((await pip(["check"])).status, 0);

      // only-if-needed keeps an acceptable dependency; eager upgrades it.
      await install(["app==1.0", "lib==1.0"]);
      const lazy = await install(["-U", "app==1.0"]);
      assertEquals(lazy.status, 0, lazy.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0"]);
      const eager = await install(["-U", "--upgrade-strategy", "eager", "app==1.0"]);
      assertEquals(eager.status, 0, eager.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-2.0"]);

      // --force-reinstall reinstalls everything at the newest versions; --no-deps only what is named.
      const forced = await install(["--force-reinstall", "--no-deps", "lib"]);
      assertEquals(forced.status, 0, forced.stderr);
      assertStringIncludes(forced.stdout, "Successfully installed lib-2.0");
      const noDeps = await install(["--no-deps", "pinned"]);
      assertEquals(noDeps.status, 0, noDeps.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-2.0", "pinned-1.0"]);
      // pip's warning about the conflict --no-deps left, worded as pip words it.
      assertStringIncludes(
        noDeps.stderr,
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. This behaviour is the source of the following dependency conflicts.\npinned 1.0 requires lib<2, but you have lib 2.0 which is incompatible.\n",
      );
      const quiet = await install([
        "--no-warn-conflicts",
        "--force-reinstall",
        "--no-deps",
        "pinned",
      ]);
      assertEquals(quiet.stderr, "");
    }),
});

Deno.test({
  name: "the conflict warning after an install is pip's, line for line",
  ignore: needs,
  fn: () =>
    withIndexEnv({ venvs: ["ours", "theirs"] }, async ({ venvs, install, both }) => {
      for (const venv of [venvs.ours, venvs.theirs]) {
        const setup = await install(["pinned", "app==1.0"], { venv });
        assertEquals(setup.status, 0, setup.stderr);
      }
      const { ours: mine, theirs: pips } = await both(["lib==2.0"], venvs);
      assertEquals(mine.status, pips.status);
      const errors = (text: string) => text.split("\n").filter((l) => !l.startsWith("WARNING"));
      assertEquals(errors(mine.stderr), errors(pips.stderr));
      assertStringIncludes(mine.stderr, "pinned 1.0 requires lib<2, but you have lib 2.0");
    }),
});

Deno.test({
  name: "--target and --prefix; local wheel paths with dependencies from the index",
  ignore: needs,
  fn: () =>
    withIndexEnv({}, async ({ home, venv, install, pip, pipInstall }) => {
      const target = join(home, "target");
      const first = await install(["--target", target, "app==1.0"]);
      assertEquals(first.status, 0, first.stderr);
      assertEquals(distInfos(target), ["app-1.0", "lib-2.0"]);
      assertEquals(distInfos(venv.sitePackages), []);
      const again = await install(["--target", target, "app==2.0"]);
      assertStringIncludes(again.stderr, "Specify --upgrade to force replacement.");
      const upgraded = await install(["--target", target, "-U", "app==2.0"]);
      assertEquals(upgraded.status, 0, upgraded.stderr);
      assertEquals(distInfos(target), ["app-2.0", "lib-2.0"]);

      const prefix = join(home, "prefix");
      const prefixed = await install(["--prefix", prefix, "tool"]);
      assertEquals(prefixed.status, 0, prefixed.stderr);
      assertEquals(distInfos(join(prefix, "lib/python3.11/site-packages")), ["tool-1.0"]);
      Deno.statSync(join(prefix, "bin/demo-tool"));
      assertEquals(prefixed.stderr, "", "pip does not warn about scripts under --prefix");
      // Under --root the scripts directory is not on PATH: pip's warning, word for word.
      const root = join(home, "root");
      const rooted = await install(["--root", root, "tool"]);
      const pipRoot = join(home, "pip-root");
      const pips = await pipInstall(["--root", pipRoot, "tool"]);
      assertEquals(pips.status, 0, pips.stderr);
      assertEquals(rooted.stderr.replaceAll(root, "ROOT"), pips.stderr.replaceAll(pipRoot, "ROOT"));
      assertStringIncludes(rooted.stderr, "  WARNING: The script demo-tool is installed in");
      const silent = await install([
        "--root",
        root,
        "--no-warn-script-location",
        "--force-reinstall",
        "tool",
      ]);
      assertEquals(silent.stderr, "");

      const wheel = await writeWheel(join(home, "wheels"), {
        name: "local-app",
        version: "0.1",
        files: { "local_app/__init__.py": "" },
        metadata: { requiresDist: ["lib<2"] },
      });
      const local = await install(["./wheels/" + wheel.filename], { cwd: home });
      assertEquals(local.status, 0, local.stderr);
      assertStringIncludes(local.stdout, `Processing ./wheels/${wheel.filename}\n`);
      assertStringIncludes(local.stdout, "Collecting lib<2 (from local-app==0.1)\n");
      assertStringIncludes(local.stdout, "Successfully installed lib-1.0 local-app-0.1");
      const inspect = JSON.parse((await pip(["inspect"])).stdout);
      const direct = Object.fromEntries(
        inspect.installed.map((d: { metadata: { name: string }; direct_url?: unknown }) => [
          d.metadata.name,
          d.direct_url,
        ]),
      );
      assertEquals(direct["lib"], undefined);
      assertEquals(
        (direct["local-app"] as { archive_info: { hashes: { sha256: string } } }).archive_info
          .hashes.sha256,
        wheel.sha256,
      );
    }),
});

const files = demoFiles();

Deno.test({
  name:
    "hash-checking mode: matching hashes install, a wrong hash or an unpinned line changes nothing",
  ignore: needs,
  fn: () =>
    withIndexEnv({ files, args: ["--no-cache-dir"] }, async ({ home, venv, install }) => {
      const sha = async (filename: string) => {
        const file = files.find((f) => f.filename === filename)!;
        const digest = await crypto.subtle.digest("SHA-256", file.bytes as BufferSource);
        return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      };
      const app = await sha("app-1.0-py3-none-any.whl");
      const lib = await sha("lib-2.0-py3-none-any.whl");
      const before = snapshot(venv);
      const write = (name: string, text: string) => Deno.writeTextFile(join(home, name), text);
      await write(
        "bad.txt",
        `app==1.0 --hash=sha256:${app}\nlib==2.0 --hash=sha256:${"0".repeat(64)}\n`,
      );
      await write("missing.txt", `app==1.0 --hash=sha256:${app}\n`);
      await write(
        "good.txt",
        `app==1.0 --hash=sha256:${app}\nlib==2.0 \\\n    --hash=sha256:${lib}\n`,
      );
      // Each refusal fails and leaves the venv as it was.
      const refusals: [string[], string][] = [
        [["-r", "bad.txt"], "Hash mismatch for lib-2.0-py3-none-any.whl"],
        [["--require-hashes", "app"], "must have their versions pinned with =="],
        [["-r", "missing.txt"], "missing from some requirements: lib==2.0"],
      ];
      for (const [args, message] of refusals) {
        const refused = await install(args);
        assertEquals(refused.status, 1);
        assertStringIncludes(refused.stderr, message);
        assertEquals(snapshotDiff(before, snapshot(venv)), []);
      }
      const good = await install(["-r", "good.txt"]);
      assertEquals(good.status, 0, good.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-2.0"]);
    }),
});

Deno.test({
  name:
    "failures: before the install step nothing changes; during it, each dist is old or new and the error says which",
  ignore: needs,
  fn: () =>
    withIndexEnv({
      faults: [{ path: /lib-2\.0-py3-none-any\.whl$/, kind: "corrupt" }],
      args: ["--retries", "0"],
    }, async ({ server, venv, install }) => {
      const setup = await install(["app==1.0", "lib==1.0"]);
      assertEquals(setup.status, 0, setup.stderr);
      const before = snapshot(venv);
      const corrupt = await install(["-U", "app"]);
      assertEquals(corrupt.status, 1);
      assertStringIncludes(corrupt.stderr, "Hash mismatch for lib-2.0-py3-none-any.whl");
      assertEquals(snapshotDiff(before, snapshot(venv)), []);
      const unknown = await install(["no-such-project"]);
      assertEquals(unknown.status, 1);
      assertEquals(snapshotDiff(before, snapshot(venv)), []);

      // A file where app's package directory must go: committing fails part way. The
      // install is one journaled transaction, committed a dist at a time, each dist-info
      // before its files: lib is new, app's dist-info is in but not its files; the error
      // says so, and the next run finishes it (once the obstacle is gone) before planning.
      server.setFaults([]);
      await Deno.remove(join(venv.sitePackages, "app"), { recursive: true });
      await Deno.writeTextFile(join(venv.sitePackages, "app"), "in the way\n");
      const during = await install(["--no-cache-dir", "-U", "app"]);
      assertEquals(during.status, 1, during.stdout);
      assertStringIncludes(during.stderr, "the next dpip run completes it");
      assertEquals(distInfos(venv.sitePackages), ["app-2.0", "lib-2.0"]);
      await Deno.remove(join(venv.sitePackages, "app"));
      const next = await install(["app"]);
      assertEquals(next.status, 0, next.stderr);
      assertStringIncludes(
        next.stdout,
        "Requirement already satisfied: app in ./venv/lib/python3.11/site-packages (2.0)",
        "planned after finishing the interrupted install",
      );
      assertEquals(distInfos(venv.sitePackages), ["app-2.0", "lib-2.0"]);
      assert(!Deno.readDirSync(venv.sitePackages).some((e) => e.name.startsWith(".dpip-txn-")));
    }),
});

Deno.test({
  name: "PEP 668: refused with the distributor's message unless overridden; --require-virtualenv",
  ignore: needs,
  fn: () =>
    withIndexEnv({ cacheDir: true }, async ({ home, server, venv, dpip, install }) => {
      const system = (await fakeSystemPython(
        join(home, "system"),
        "[externally-managed]\nError = Use the distribution's packages.\n  apt install python3-xyz\n",
      ))!;
      const env = { PYTHONHOME: system.home };
      const inSystem = (args: string[], extra: Record<string, string> = {}) =>
        install(args, { venv: system, env: { ...env, ...extra } });
      const refused = await inSystem(["lib"]);
      assertEquals(refused.status, 1);
      assertEquals(
        refused.stderr,
        [
          "error: externally-managed-environment",
          "",
          "× This environment is externally managed",
          "╰─> Use the distribution's packages.",
          "    apt install python3-xyz",
          "",
          "note: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.",
          "hint: See PEP 668 for the detailed specification.",
          "",
        ].join("\n"),
      );
      assertEquals(distInfos(system.sitePackages), []);
      // What PEP 668 lets through: a dry run, another target, the flag, the variable.
      const allowed: [string[], Record<string, string>][] = [
        [["--dry-run", "lib"], {}],
        [["--target", join(home, "t"), "lib"], {}],
        [["--break-system-packages", "lib==1.0"], {}],
        [["-U", "lib"], { PIP_BREAK_SYSTEM_PACKAGES: "1" }],
      ];
      for (const [args, extra] of allowed) {
        const result = await inSystem(args, extra);
        assertEquals(result.status, 0, result.stderr);
      }
      assertEquals(distInfos(system.sitePackages), ["lib-2.0"]);

      const required = await inSystem(["--require-virtualenv", "--dry-run", "lib"]);
      assertEquals(required.status, 3);
      assertEquals(required.stderr, "ERROR: Could not find an activated virtualenv (required).\n");
      const inVenv = await dpip([
        "install",
        "--python",
        venv.python,
        "-i",
        server.url,
        "--require-virtualenv",
        "lib",
      ]);
      assertEquals(inVenv.status, 0, inVenv.stderr);
    }),
});

Deno.test({
  name: "-q hides progress, --log keeps every line, colour only on a terminal without NO_COLOR",
  ignore: needs,
  fn: () =>
    withIndexEnv({}, async ({ home, venv, install }) => {
      const off = ["--progress-bar", "off"];
      const quiet = await install([
        ...off,
        "-q",
        "--log",
        "install.log",
        "--report",
        "report.json",
        "lib==1.0",
      ]);
      assertEquals(quiet.status, 0, quiet.stderr);
      assertEquals(quiet.stdout, "");
      const log = await Deno.readTextFile(join(home, "install.log"));
      assertMatch(log, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d{3} Collecting lib==1\.0$/m);
      assertMatch(log, / Successfully installed lib-1\.0$/m);
      // --report works for a real install too.
      const report = JSON.parse(await Deno.readTextFile(join(home, "report.json")));
      assertEquals(
        report.install.map((item: { metadata: { version: string } }) => item.metadata.version),
        ["1.0"],
      );
      // A report that cannot be written stops the install before it changes anything.
      const unwritable = await install([...off, "--report", "missing/report.json", "lib==2.0"]);
      assertEquals(unwritable.status, 1, unwritable.stderr);
      assertStringIncludes(
        unwritable.stderr,
        "ERROR: Cannot write the installation report to missing/report.json: its directory does not exist\n",
      );
      assertEquals(distInfos(venv.sitePackages), ["lib-1.0"]);
      // Progress bars only on a terminal, erased at the end.
      const bars = await install(["--no-cache-dir", "--force-reinstall", "lib==1.0"], {
        terminal: true,
      });
      assertStringIncludes(bars.stderr, "  lib-1.0-py3-none-any.whl");
      assertStringIncludes(bars.stderr, "1/1 files");
      assertStringIncludes(bars.stderr, "\x1b[J");

      await install([...off, "pinned"]);
      const colored = await install([...off, "--no-deps", "lib==2.0"], { terminal: true });
      assertStringIncludes(colored.stderr, "\x1b[31mERROR:\x1b[0m pip's dependency resolver");
      const reinstall = [...off, "--force-reinstall", "--no-deps", "lib==2.0"];
      const plain = await install(reinstall, { terminal: true, env: { NO_COLOR: "1" } });
      assertStringIncludes(plain.stderr, "ERROR: pip's dependency resolver");
      assert(!plain.stderr.includes("\x1b[31m"), plain.stderr);
      const flag = await install(["--no-color", ...reinstall], { terminal: true });
      assert(!flag.stderr.includes("\x1b[31m"), flag.stderr);
    }),
});

Deno.test({
  name: "markers that exclude this Python, yanked pins and --user in a venv, as pip says",
  ignore: needs,
  fn: () =>
    withIndexEnv({
      files: [demoWheel("lib", "1.0"), demoWheel("lib", "2.0", {}, { yanked: "bad build" })],
    }, async ({ venv, dpip, install }) => {
      const result = await install(['lib ; python_version < "3"', "lib==1.0"]);
      assertEquals(result.status, 0, result.stderr);
      assertStringIncludes(
        result.stdout,
        `Ignoring lib: markers 'python_version < "3"' don't match your environment\n`,
      );
      // A yanked version is used only when pinned, with pip's warning.
      const yanked = await install(["lib==2.0"]);
      assertEquals(yanked.status, 0, yanked.stderr);
      assertStringIncludes(
        yanked.stderr,
        "WARNING: The candidate selected for download or install is a yanked version: 'lib' candidate (version 2.0 at ",
      );
      assertStringIncludes(yanked.stderr, "\nReason for being yanked: bad build\n");
      const user = await dpip(["install", "--python", venv.python, "--user", "lib"]);
      assertEquals(user.status, 1);
      assertEquals(
        user.stderr,
        "ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv.\n",
      );
    }),
});

Deno.test({
  name: "requirements-file lines are shown with their file and line, as pip shows them",
  ignore: needs,
  fn: () =>
    withIndexEnv({ venvs: ["ours", "theirs"] }, async ({ home, venvs, both }) => {
      await Deno.mkdir(join(home, "reqs"));
      await Deno.writeTextFile(join(home, "reqs/r.txt"), "# demo\ntool\n-r more.txt\n");
      await Deno.writeTextFile(join(home, "reqs/more.txt"), "app==1.0\n");
      const sides = { ...venvs, cwd: home };
      const { ours: mine, theirs: pips } = await both(["-r", "reqs/r.txt"], sides);
      assertEquals(mine.status, 0, mine.stderr);
      assertEquals(shown(mine.stdout), shown(pips.stdout));
      assertStringIncludes(
        mine.stdout,
        "Collecting lib>=1 (from app==1.0->-r reqs/more.txt (line 1))",
      );
      const { ours: again, theirs: pipAgain } = await both(["-r", "reqs/r.txt"], sides);
      assertEquals(
        again.stdout.replaceAll("./ours/", "./VENV/"),
        pipAgain.stdout.replaceAll("./theirs/", "./VENV/"),
      );
    }),
});
