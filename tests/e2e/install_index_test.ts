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
import { startIndexServer } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import {
  demoFiles,
  demoWheel,
  distInfos,
  dpip,
  fakeSystemPython,
  makeVenv,
  oracle,
  pip,
  python311,
  run,
  snapshotDiff,
  tempHome,
  treeSnapshot,
} from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

/** Ignore what is not part of an install: bytecode, the dpip lock file. */
const noise = (path: string) => path.endsWith("__pycache__") || path.endsWith(".dpip.lock");

Deno.test({
  name: "install resolves, downloads and installs with pip's lines; a no-op run asks nothing",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({ files: demoFiles() });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const base = ["install", "--python", venv.python, "--cache-dir", join(home, "cache")];
      const first = await dpip([...base, "-i", server.url, "app[extra]", "tool"], { home });
      assertEquals(first.status, 0, first.stderr);
      assertEquals(first.stderr, "");
      const lines = first.stdout.trimEnd().split("\n");
      assertEquals(lines.slice(0, 5), [
        `Looking in indexes: ${server.url}`,
        "Collecting app[extra]",
        "Collecting tool",
        "Collecting lib>=2 (from app[extra])",
        "Collecting extra-dep (from app[extra])",
      ]);
      assertMatch(lines.join("\n"), /Downloading app-2\.0-py3-none-any\.whl \(\d+ bytes\)/);
      const installing = lines.find((line) => line.startsWith("Installing collected packages:"));
      assertEquals(installing, "Installing collected packages: tool, extra-dep, lib, app");
      assertEquals(
        lines.at(-1),
        "Successfully installed app-2.0 extra-dep-1.0 lib-2.0 tool-1.0",
      );
      assertEquals(distInfos(venv.sitePackages), [
        "app-2.0",
        "extra_dep-1.0",
        "lib-2.0",
        "tool-1.0",
      ]);
      // pip's lines for the same install, but for how downloads are shown.
      const twin = await makeVenv(join(home, "twin"));
      const pips = await pip(twin.python, ["install", "-i", server.url, "app[extra]", "tool"]);
      const shown = (text: string) =>
        text.trimEnd().split("\n").filter((line) =>
          !/^\s*(Downloading|Obtaining|Using cached|━)/.test(line.trim()) && !line.startsWith(" ")
        );
      assertEquals(shown(first.stdout), shown(pips.stdout));
      assert(Deno.statSync(join(venv.sitePackages, "app-2.0.dist-info/REQUESTED")).isFile);
      let requested = true;
      try {
        Deno.statSync(join(venv.sitePackages, "lib-2.0.dist-info/REQUESTED"));
      } catch {
        requested = false;
      }
      assert(!requested, "a dependency is not REQUESTED");
      const inspect = JSON.parse((await pip(venv.python, ["inspect"])).stdout);
      for (const dist of inspect.installed) assertEquals(dist.direct_url, undefined);
      assertEquals((await run(join(venv.bin, "demo-tool"), [])).stdout, "tool 1.0\n");
      assertEquals(
        (await pip(venv.python, ["check"])).stdout.trim(),
        "No broken requirements found.",
      );

      const before = server.requests.length;
      const again = await dpip([...base, "-i", server.url, "app[extra]", "tool"], { home });
      assertEquals(again.status, 0, again.stderr);
      assertEquals(server.requests.length, before, "a no-op run fetches nothing");
      const site = `./venv/lib/python3.11/site-packages`;
      assertEquals(again.stdout.trimEnd().split("\n"), [
        `Looking in indexes: ${server.url}`,
        `Requirement already satisfied: app[extra] in ${site} (2.0)`,
        `Requirement already satisfied: tool in ${site} (1.0)`,
        `Requirement already satisfied: lib>=2 in ${site} (from app[extra]) (2.0)`,
        `Requirement already satisfied: extra-dep in ${site} (from app[extra]) (1.0)`,
      ]);
      // pip prints the same lines for the same state.
      const pipAgain = await pip(venv.python, ["install", "-i", server.url, "app[extra]", "tool"], {
        cwd: home,
      });
      assertEquals(pipAgain.stdout.trimEnd().split("\n"), again.stdout.trimEnd().split("\n"));
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "--dry-run prints Would install and changes nothing; --report matches pip's report",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({ files: demoFiles() });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const before = treeSnapshot(venv.root, { ignore: noise });
      const args = ["install", "--python", venv.python, "-i", server.url, "--dry-run"];
      const dry = await dpip([...args, "app[extra]==2.0", "pinned"], { home });
      assertEquals(dry.status, 1, "pinned needs lib<2, app 2.0 needs lib>=2");
      assertStringIncludes(dry.stderr, "ERROR: Cannot install");
      const ok = await dpip([...args, "app[extra]", "lib", "cased-name"], { home });
      assertEquals(ok.status, 0, ok.stderr);
      assertEquals(
        ok.stdout.trimEnd().split("\n").at(-1),
        "Would install Cased.Name-1.0 app-2.0 extra-dep-1.0 lib-2.0",
      );
      const pipDry = await pip(venv.python, [
        "install",
        "--dry-run",
        "-i",
        server.url,
        "app[extra]",
        "lib",
        "cased-name",
      ]);
      assertEquals(
        pipDry.stdout.trimEnd().split("\n").at(-1),
        ok.stdout.trimEnd().split("\n").at(-1),
      );
      assertEquals(snapshotDiff(before, treeSnapshot(venv.root, { ignore: noise })), []);

      const wheel = await writeWheel(join(home, "wheels"), {
        name: "Local.Thing",
        version: "0.3",
        files: { "local_thing.py": "" },
        metadata: { requiresDist: ["tool"], summary: "A local wheel" },
      });
      const ours = await dpip([...args, "-q", "--report", "-", "app[extra]", wheel.path], { home });
      assertEquals(ours.status, 0, ours.stderr);
      const theirs = await pip(venv.python, [
        "install",
        "--dry-run",
        "-q",
        "--report",
        "-",
        "-i",
        server.url,
        "app[extra]",
        wheel.path,
      ]);
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
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "-U upgrades what you name (only-if-needed) or everything (eager); reinstalls; --no-deps",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({ files: demoFiles() });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const base = ["install", "--python", venv.python, "--cache-dir", join(home, "cache")];
      const old = await dpip([...base, "-i", server.url, "app==1.0", "lib==1.0"], { home });
      assertEquals(old.status, 0, old.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0"]);

      // Without -U nothing changes, and nothing is fetched.
      const seen = server.requests.length;
      const kept = await dpip([...base, "-i", server.url, "app"], { home });
      assertEquals(kept.status, 0, kept.stderr);
      assertEquals(server.requests.length, seen);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0"]);

      // app 2.0 needs lib>=2, so lib is upgraded as needed; the old files are gone.
      const upgraded = await dpip([...base, "-i", server.url, "-U", "app"], { home });
      assertEquals(upgraded.status, 0, upgraded.stderr);
      assertStringIncludes(
        upgraded.stdout,
        "  Attempting uninstall: lib\n    Found existing installation: lib 1.0\n",
      );
      assertStringIncludes(upgraded.stdout, "Successfully installed app-2.0 lib-2.0");
      assertEquals(distInfos(venv.sitePackages), ["app-2.0", "lib-2.0"]);
      assertEquals((await pip(venv.python, ["check"])).status, 0);

      // only-if-needed keeps an acceptable dependency; eager upgrades it.
      await dpip([...base, "-i", server.url, "app==1.0", "lib==1.0"], { home });
      const lazy = await dpip([...base, "-i", server.url, "-U", "app==1.0"], { home });
      assertEquals(lazy.status, 0, lazy.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0"]);
      const eager = await dpip(
        [...base, "-i", server.url, "-U", "--upgrade-strategy", "eager", "app==1.0"],
        { home },
      );
      assertEquals(eager.status, 0, eager.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-2.0"]);

      // --force-reinstall reinstalls everything at the newest versions; --no-deps only what is named.
      const forced = await dpip([
        ...base,
        "-i",
        server.url,
        "--force-reinstall",
        "--no-deps",
        "lib",
      ], {
        home,
      });
      assertEquals(forced.status, 0, forced.stderr);
      assertStringIncludes(forced.stdout, "Successfully installed lib-2.0");
      const noDeps = await dpip([...base, "-i", server.url, "--no-deps", "pinned"], { home });
      assertEquals(noDeps.status, 0, noDeps.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-2.0", "pinned-1.0"]);
      // pip's warning about the conflict --no-deps left, worded as pip words it.
      assertStringIncludes(
        noDeps.stderr,
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. This behaviour is the source of the following dependency conflicts.\npinned 1.0 requires lib<2, but you have lib 2.0 which is incompatible.\n",
      );
      const quiet = await dpip(
        [
          ...base,
          "-i",
          server.url,
          "--no-warn-conflicts",
          "--force-reinstall",
          "--no-deps",
          "pinned",
        ],
        { home },
      );
      assertEquals(quiet.stderr, "");
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "the conflict warning after an install is pip's, line for line",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({ files: demoFiles() });
    try {
      const ours = await makeVenv(join(home, "ours"));
      const theirs = await makeVenv(join(home, "theirs"));
      for (const venv of [ours, theirs]) {
        const setup = await dpip(
          ["install", "--python", venv.python, "-i", server.url, "pinned", "app==1.0"],
          { home },
        );
        assertEquals(setup.status, 0, setup.stderr);
      }
      const mine = await dpip(["install", "--python", ours.python, "-i", server.url, "lib==2.0"], {
        home,
      });
      const pips = await pip(theirs.python, ["install", "-i", server.url, "lib==2.0"]);
      assertEquals(mine.status, pips.status);
      const errors = (text: string) => text.split("\n").filter((l) => !l.startsWith("WARNING"));
      assertEquals(errors(mine.stderr), errors(pips.stderr));
      assertStringIncludes(mine.stderr, "pinned 1.0 requires lib<2, but you have lib 2.0");
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "--target and --prefix; local wheel paths with dependencies from the index",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({ files: demoFiles() });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const base = ["install", "--python", venv.python, "-i", server.url];
      const target = join(home, "target");
      const first = await dpip([...base, "--target", target, "app==1.0"], { home });
      assertEquals(first.status, 0, first.stderr);
      assertEquals(distInfos(target), ["app-1.0", "lib-2.0"]);
      assertEquals(distInfos(venv.sitePackages), []);
      const again = await dpip([...base, "--target", target, "app==2.0"], { home });
      assertStringIncludes(again.stderr, "Specify --upgrade to force replacement.");
      const upgraded = await dpip([...base, "--target", target, "-U", "app==2.0"], { home });
      assertEquals(upgraded.status, 0, upgraded.stderr);
      assertEquals(distInfos(target), ["app-2.0", "lib-2.0"]);

      const prefix = join(home, "prefix");
      const prefixed = await dpip([...base, "--prefix", prefix, "tool"], { home });
      assertEquals(prefixed.status, 0, prefixed.stderr);
      assertEquals(distInfos(join(prefix, "lib/python3.11/site-packages")), ["tool-1.0"]);
      Deno.statSync(join(prefix, "bin/demo-tool"));
      assertEquals(prefixed.stderr, "", "pip does not warn about scripts under --prefix");
      // Under --root the scripts directory is not on PATH: pip's warning, word for word.
      const root = join(home, "root");
      const rooted = await dpip([...base, "--root", root, "tool"], { home });
      const pipRoot = join(home, "pip-root");
      const pips = await pip(venv.python, ["install", "-i", server.url, "--root", pipRoot, "tool"]);
      assertEquals(pips.status, 0, pips.stderr);
      assertEquals(rooted.stderr.replaceAll(root, "ROOT"), pips.stderr.replaceAll(pipRoot, "ROOT"));
      assertStringIncludes(rooted.stderr, "  WARNING: The script demo-tool is installed in");
      const silent = await dpip(
        [...base, "--root", root, "--no-warn-script-location", "--force-reinstall", "tool"],
        { home },
      );
      assertEquals(silent.stderr, "");

      const wheel = await writeWheel(join(home, "wheels"), {
        name: "local-app",
        version: "0.1",
        files: { "local_app/__init__.py": "" },
        metadata: { requiresDist: ["lib<2"] },
      });
      const local = await dpip([...base, "./wheels/" + wheel.filename], { home, cwd: home });
      assertEquals(local.status, 0, local.stderr);
      assertStringIncludes(local.stdout, `Processing ./wheels/${wheel.filename}\n`);
      assertStringIncludes(local.stdout, "Collecting lib<2 (from local-app==0.1)\n");
      assertStringIncludes(local.stdout, "Successfully installed lib-1.0 local-app-0.1");
      const inspect = JSON.parse((await pip(venv.python, ["inspect"])).stdout);
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
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name:
    "hash-checking mode: matching hashes install, a wrong hash or an unpinned line changes nothing",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const files = demoFiles();
    const server = await startIndexServer({ files });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const sha = async (filename: string) => {
        const file = files.find((f) => f.filename === filename)!;
        const digest = await crypto.subtle.digest("SHA-256", file.bytes as BufferSource);
        return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      };
      const app = await sha("app-1.0-py3-none-any.whl");
      const lib = await sha("lib-2.0-py3-none-any.whl");
      const before = treeSnapshot(venv.root, { ignore: noise });
      const base = ["install", "--python", venv.python, "-i", server.url, "--no-cache-dir"];
      await Deno.writeTextFile(
        join(home, "bad.txt"),
        `app==1.0 --hash=sha256:${app}\nlib==2.0 --hash=sha256:${"0".repeat(64)}\n`,
      );
      const bad = await dpip([...base, "-r", "bad.txt"], { home });
      assertEquals(bad.status, 1);
      assertStringIncludes(bad.stderr, "Hash mismatch for lib-2.0-py3-none-any.whl");
      assertEquals(snapshotDiff(before, treeSnapshot(venv.root, { ignore: noise })), []);
      const unpinned = await dpip([...base, "--require-hashes", "app"], { home });
      assertEquals(unpinned.status, 1);
      assertStringIncludes(unpinned.stderr, "must have their versions pinned with ==");
      await Deno.writeTextFile(join(home, "missing.txt"), `app==1.0 --hash=sha256:${app}\n`);
      const missing = await dpip([...base, "-r", "missing.txt"], { home });
      assertEquals(missing.status, 1);
      assertStringIncludes(missing.stderr, "missing from some requirements: lib==2.0");
      assertEquals(snapshotDiff(before, treeSnapshot(venv.root, { ignore: noise })), []);
      await Deno.writeTextFile(
        join(home, "good.txt"),
        `app==1.0 --hash=sha256:${app}\nlib==2.0 \\\n    --hash=sha256:${lib}\n`,
      );
      const good = await dpip([...base, "-r", "good.txt"], { home });
      assertEquals(good.status, 0, good.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-2.0"]);
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name:
    "failures: before the install step nothing changes; during it, each dist is old or new and the error says which",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({
      files: demoFiles(),
      faults: [{ path: /lib-2\.0-py3-none-any\.whl$/, kind: "corrupt" }],
    });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const base = ["install", "--python", venv.python, "-i", server.url, "--retries", "0"];
      const setup = await dpip([...base, "app==1.0", "lib==1.0"], { home });
      assertEquals(setup.status, 0, setup.stderr);
      const before = treeSnapshot(venv.root, { ignore: noise });
      const corrupt = await dpip([...base, "-U", "app"], { home });
      assertEquals(corrupt.status, 1);
      assertStringIncludes(corrupt.stderr, "Hash mismatch for lib-2.0-py3-none-any.whl");
      assertEquals(snapshotDiff(before, treeSnapshot(venv.root, { ignore: noise })), []);
      const unknown = await dpip([...base, "no-such-project"], { home });
      assertEquals(unknown.status, 1);
      assertEquals(snapshotDiff(before, treeSnapshot(venv.root, { ignore: noise })), []);

      // A file where app's package directory must go: committing fails part way. The
      // install is one journaled transaction: every dist is still old, the error says
      // so, and the next run finishes it (once the obstacle is gone) before planning.
      server.setFaults([]);
      await Deno.remove(join(venv.sitePackages, "app"), { recursive: true });
      await Deno.writeTextFile(join(venv.sitePackages, "app"), "in the way\n");
      const during = await dpip([...base, "--no-cache-dir", "-U", "app"], { home });
      assertEquals(during.status, 1, during.stdout);
      assertStringIncludes(during.stderr, "the next dpip run completes it");
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0"]);
      await Deno.remove(join(venv.sitePackages, "app"));
      const next = await dpip([...base, "app"], { home });
      assertEquals(next.status, 0, next.stderr);
      assertStringIncludes(
        next.stdout,
        "Requirement already satisfied: app in ./venv/lib/python3.11/site-packages (2.0)",
        "planned after finishing the interrupted install",
      );
      assertEquals(distInfos(venv.sitePackages), ["app-2.0", "lib-2.0"]);
      assert(!Deno.readDirSync(venv.sitePackages).some((e) => e.name.startsWith(".dpip-txn-")));
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "PEP 668: refused with the distributor's message unless overridden; --require-virtualenv",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({ files: demoFiles() });
    try {
      const system = await fakeSystemPython(
        join(home, "system"),
        "[externally-managed]\nError = Use the distribution's packages.\n  apt install python3-xyz\n",
      );
      const env = { PYTHONHOME: system!.home };
      const base = [
        "install",
        "--python",
        system!.python,
        "-i",
        server.url,
        "--cache-dir",
        join(home, "cache"),
      ];
      const refused = await dpip([...base, "lib"], { home, env });
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
      assertEquals(distInfos(system!.sitePackages), []);
      const dry = await dpip([...base, "--dry-run", "lib"], { home, env });
      assertEquals(dry.status, 0, dry.stderr);
      const target = await dpip([...base, "--target", join(home, "t"), "lib"], { home, env });
      assertEquals(target.status, 0, target.stderr);
      const flag = await dpip([...base, "--break-system-packages", "lib==1.0"], { home, env });
      assertEquals(flag.status, 0, flag.stderr);
      const variable = await dpip([...base, "-U", "lib"], {
        home,
        env: { ...env, PIP_BREAK_SYSTEM_PACKAGES: "1" },
      });
      assertEquals(variable.status, 0, variable.stderr);
      assertEquals(distInfos(system!.sitePackages), ["lib-2.0"]);

      const required = await dpip([...base, "--require-virtualenv", "--dry-run", "lib"], {
        home,
        env,
      });
      assertEquals(required.status, 3);
      assertEquals(required.stderr, "ERROR: Could not find an activated virtualenv (required).\n");
      const venv = await makeVenv(join(home, "venv"));
      const inVenv = await dpip(
        ["install", "--python", venv.python, "-i", server.url, "--require-virtualenv", "lib"],
        { home },
      );
      assertEquals(inVenv.status, 0, inVenv.stderr);
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "-q hides progress, --log keeps every line, colour only on a terminal without NO_COLOR",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({ files: demoFiles() });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const base = ["install", "--python", venv.python, "-i", server.url, "--progress-bar", "off"];
      const quiet = await dpip(
        [...base, "-q", "--log", "install.log", "--report", "report.json", "lib==1.0"],
        { home },
      );
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
      // Progress bars only on a terminal, erased at the end.
      const bars = await dpip(
        [
          "install",
          "--python",
          venv.python,
          "-i",
          server.url,
          "--no-cache-dir",
          "--force-reinstall",
          "lib==1.0",
        ],
        { home, terminal: true },
      );
      assertStringIncludes(bars.stderr, "  lib-1.0-py3-none-any.whl");
      assertStringIncludes(bars.stderr, "1/1 files");
      assertStringIncludes(bars.stderr, "\x1b[J");

      await dpip([...base, "pinned"], { home });
      const colored = await dpip([...base, "--no-deps", "lib==2.0"], { home, terminal: true });
      assertStringIncludes(colored.stderr, "\x1b[31mERROR:\x1b[0m pip's dependency resolver");
      const plain = await dpip([...base, "--force-reinstall", "--no-deps", "lib==2.0"], {
        home,
        terminal: true,
        env: { NO_COLOR: "1" },
      });
      assertStringIncludes(plain.stderr, "ERROR: pip's dependency resolver");
      assert(!plain.stderr.includes("\x1b[31m"), plain.stderr);
      const flag = await dpip(
        [...base, "--no-color", "--force-reinstall", "--no-deps", "lib==2.0"],
        {
          home,
          terminal: true,
        },
      );
      assert(!flag.stderr.includes("\x1b[31m"), flag.stderr);
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "markers that exclude this Python, yanked pins and --user in a venv, as pip says",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({
      files: [demoWheel("lib", "1.0"), demoWheel("lib", "2.0", {}, { yanked: "bad build" })],
    });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const result = await dpip([
        "install",
        "--python",
        venv.python,
        "-i",
        server.url,
        'lib ; python_version < "3"',
        "lib==1.0",
      ], { home });
      assertEquals(result.status, 0, result.stderr);
      assertStringIncludes(
        result.stdout,
        `Ignoring lib: markers 'python_version < "3"' don't match your environment\n`,
      );
      // A yanked version is used only when pinned, with pip's warning.
      const yanked = await dpip(
        ["install", "--python", venv.python, "-i", server.url, "lib==2.0"],
        {
          home,
        },
      );
      assertEquals(yanked.status, 0, yanked.stderr);
      assertStringIncludes(
        yanked.stderr,
        "WARNING: The candidate selected for download or install is a yanked version: 'lib' candidate (version 2.0 at ",
      );
      assertStringIncludes(yanked.stderr, "\nReason for being yanked: bad build\n");
      const user = await dpip(["install", "--python", venv.python, "--user", "lib"], { home });
      assertEquals(user.status, 1);
      assertEquals(
        user.stderr,
        "ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv.\n",
      );
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "requirements-file lines are shown with their file and line, as pip shows them",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-install-");
    const server = await startIndexServer({ files: demoFiles() });
    try {
      await Deno.mkdir(join(home, "reqs"));
      await Deno.writeTextFile(join(home, "reqs/r.txt"), "# demo\ntool\n-r more.txt\n");
      await Deno.writeTextFile(join(home, "reqs/more.txt"), "app==1.0\n");
      const ours = await makeVenv(join(home, "ours"));
      const theirs = await makeVenv(join(home, "theirs"));
      const mine = await dpip(
        ["install", "--python", ours.python, "-i", server.url, "-r", "reqs/r.txt"],
        { home },
      );
      assertEquals(mine.status, 0, mine.stderr);
      const pips = await pip(theirs.python, ["install", "-i", server.url, "-r", "reqs/r.txt"], {
        cwd: home,
      });
      const shown = (text: string) =>
        text.trimEnd().split("\n").filter((line) =>
          !/^(Downloading|Obtaining|Using cached|━)/.test(line.trim()) && !line.startsWith(" ")
        );
      assertEquals(shown(mine.stdout), shown(pips.stdout));
      assertStringIncludes(
        mine.stdout,
        "Collecting lib>=1 (from app==1.0->-r reqs/more.txt (line 1))",
      );
      const again = await dpip(
        ["install", "--python", ours.python, "-i", server.url, "-r", "reqs/r.txt"],
        { home },
      );
      const pipAgain = await pip(theirs.python, ["install", "-i", server.url, "-r", "reqs/r.txt"], {
        cwd: home,
      });
      assertEquals(
        again.stdout.replaceAll("./ours/", "./VENV/"),
        pipAgain.stdout.replaceAll("./theirs/", "./VENV/"),
      );
    } finally {
      await server.close();
      await done();
    }
  },
});
