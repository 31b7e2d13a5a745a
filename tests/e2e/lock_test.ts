/**
 * `dpip lock` and `dpip install -r pylock.toml` against pip 26 (the oracle
 * in `../shared/oracles/pip26`):
 *
 * - on `../shared/corpus` served over HTTP and on the machine's local PyPI
 *   mirror, `dpip lock` pins the same distributions (same versions, same
 *   files) as `pip lock`, and writes the same bytes twice;
 * - pip 26 installs dpip's lock and dpip installs pip 26's, into fresh
 *   venvs that end up with the same `pip freeze`;
 * - a lock that does not fit the target fails before anything changes;
 * - cooldowns (`--uploaded-prior-to`, `--exclude-newer`) on an index served
 *   here with PEP 700 upload times choose what pip 26 chooses, and an index
 *   without upload times is refused by both.
 *
 * @module
 */

import { join } from "node:path";
import { parsePylock } from "../../lib/lock/pylock.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { corpusDir, mirrorIndexUrls } from "../index/corpus.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { startIndexServer, wheelFile } from "../helpers/index_server.ts";
import { pip26, runPip26 } from "../helpers/pip26.ts";
import { reportChoices, skipUnless } from "../helpers/python.ts";
import { dpip, frozen, makeVenv, tempHome } from "./install_support.ts";
import { startHttpServer } from "./real_servers.ts";

const oracle = await pip26();
const corpus = oracle === undefined ? undefined : await corpusDir();
const mirror = oracle === undefined ? [] : await mirrorIndexUrls();

/** name==version filename of every package of a lock, sorted. */
function pins(text: string): string[] {
  return parsePylock(text, "pylock.toml").lock.packages.map((p) =>
    `${p.name}==${p.version} ${p.wheels?.[0]?.name ?? p.sdist?.name ?? ""}`
  ).sort();
}

/** `pip freeze` of a venv with names normalized (PEP 503), sorted. */
async function frozenNames(python: string): Promise<string[]> {
  return (await frozen(python)).map((line) => {
    const [name, version] = line.split("==");
    return `${canonicalizeName(name!)}==${version}`;
  }).sort();
}

async function pipLock(home: string, args: string[], output: string): Promise<string> {
  const result = await runPip26(oracle!, ["lock", "-o", output, ...args], { cwd: home });
  assertEquals(result.code, 0, result.stderr);
  return await Deno.readTextFile(join(home, output));
}

async function dpipLock(home: string, args: string[], output: string): Promise<string> {
  const result = await dpip([
    "lock",
    "--python",
    oracle!.python,
    "--cache-dir",
    join(home, "cache"),
    "-o",
    output,
    ...args,
  ], { home });
  assertEquals(result.status, 0, result.stderr);
  return await Deno.readTextFile(join(home, output));
}

Deno.test({
  name: "dpip lock pins what pip lock pins on the corpus, and each installs the other's lock",
  ignore: skipUnless(corpus, "the pip 26 oracle, Python 3.11 and ../shared/corpus"),
  sanitizeResources: false,
  async fn(t) {
    const server = await startHttpServer(corpus!);
    const { home, done } = await tempHome("dpip-lock-corpus-");
    const index = ["--index-url", `${server.origin}simple/`, "--trusted-host", "127.0.0.1"];
    try {
      for (const requirements of [["flask", "werkzeug<3"], ["moto[server]"]]) {
        await t.step(requirements.join(" "), async () => {
          const theirs = await pipLock(home, [...index, ...requirements], "pylock.pip.toml");
          const ours = await dpipLock(home, [...index, ...requirements], "pylock.dpip.toml");
          assertEquals(pins(ours), pins(theirs));
          assertEquals(
            await dpipLock(home, [...index, ...requirements], "pylock.again.toml"),
            ours,
          );
          // A lock given with -r is locked again as it stands.
          assertEquals(
            pins(await dpipLock(home, [...index, "-r", "pylock.pip.toml"], "pylock.re.toml")),
            pins(theirs),
          );
          // Installing is compared on the smaller set (the larger one takes pip minutes).
          if (requirements[0] !== "flask") return;

          const byPip = await makeVenv(join(home, `pip-${requirements[0]}`));
          const byDpip = await makeVenv(join(home, `dpip-${requirements[0]}`));
          const pipInstall = await runPip26(oracle!, [
            "--python",
            byPip.python,
            "install",
            "--no-cache-dir",
            "-r",
            "pylock.dpip.toml",
          ], { cwd: home });
          assertEquals(pipInstall.code, 0, pipInstall.stderr);
          const dpipInstall = await dpip([
            "install",
            "--python",
            byDpip.python,
            "--cache-dir",
            join(home, "cache"),
            "-r",
            "pylock.pip.toml",
          ], { home });
          assertEquals(dpipInstall.status, 0, dpipInstall.stderr);
          const expected = pins(ours).map((pin) => pin.split(" ")[0]!)
            .filter((pin) => !/^(pip|setuptools|wheel)==/.test(pin));
          assertEquals(await frozenNames(byPip.python), expected);
          assertEquals(await frozenNames(byDpip.python), expected);
        });
      }
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "dpip lock pins what pip lock pins for jupyterlab on the local mirror",
  ignore: skipUnless(
    oracle !== undefined && mirror.length > 0,
    "the pip 26 oracle and the local PyPI mirror",
  ),
  sanitizeResources: false,
  async fn() {
    const { home, done } = await tempHome("dpip-lock-mirror-");
    const [first, ...rest] = mirror;
    const index = ["--index-url", first!, ...rest.flatMap((url) => ["--extra-index-url", url])];
    try {
      const theirs = await pipLock(home, [...index, "jupyterlab"], "pylock.pip.toml");
      const ours = await dpipLock(home, [...index, "jupyterlab"], "pylock.dpip.toml");
      assert(pins(ours).length > 50, `${pins(ours).length} packages`);
      assertEquals(pins(ours), pins(theirs));
    } finally {
      await done();
    }
  },
});

Deno.test({
  name:
    "install -r pylock.toml refuses a lock that does not fit the target, naming the package, with nothing changed",
  ignore: skipUnless(oracle, "the pip 26 oracle and Python 3.11"),
  async fn() {
    const { home, done } = await tempHome("dpip-lock-unusable-");
    try {
      const venv = await makeVenv(join(home, "venv"));
      await Deno.writeTextFile(
        join(home, "pylock.toml"),
        `lock-version = "1.0"\ncreated-by = "test"\n\n[[packages]]\nname = "demo"\nversion = "1.0"\n\n` +
          `[[packages.wheels]]\nurl = "https://example.invalid/demo-1.0-cp27-cp27m-win32.whl"\n\n` +
          `[packages.wheels.hashes]\nsha256 = "${"0".repeat(64)}"\n`,
      );
      const before = await frozen(venv.python);
      const result = await dpip(["install", "--python", venv.python, "-r", "pylock.toml"], {
        home,
      });
      assertEquals(result.status, 1);
      assertStringIncludes(
        result.stderr,
        "No wheel found matching the provided tags for package 'demo'",
      );
      assertEquals(result.stderr.trim().split("\n").filter((l) => l.startsWith("ERROR")).length, 1);
      assertEquals(await frozen(venv.python), before);
      await Deno.writeTextFile(join(home, "pylock.toml"), 'lock-version = "1.0"\n[[packages]]\n');
      const invalid = await dpip(["install", "--python", venv.python, "-r", "pylock.toml"], {
        home,
      });
      assertEquals(invalid.status, 1);
      assertStringIncludes(
        invalid.stderr,
        "ERROR: Invalid pylock file 'pylock.toml': Missing required value in 'created-by'",
      );
    } finally {
      await done();
    }
  },
});

Deno.test({
  name:
    "cooldowns: --uploaded-prior-to and --exclude-newer choose what pip 26 chooses by PEP 700 upload-time",
  ignore: skipUnless(oracle, "the pip 26 oracle and Python 3.11"),
  sanitizeResources: false,
  async fn(t) {
    const day = 86_400_000;
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "000Z");
    const files = [
      wheelFile({ name: "demo", version: "1.0" }, { uploadTime: "2024-01-01T00:00:00.000000Z" }),
      wheelFile({ name: "demo", version: "2.0" }, { uploadTime: "2024-06-01T12:00:00.000000Z" }),
      wheelFile({ name: "demo", version: "3.0" }, { uploadTime: iso(now - 10 * day) }),
      wheelFile({ name: "demo", version: "4.0" }, { uploadTime: iso(now - day) }),
    ];
    const json = await startIndexServer({ files, formats: ["json"] });
    const html = await startIndexServer({ files, formats: ["html"] });
    const { home, done } = await tempHome("dpip-lock-cooldown-");
    try {
      for (
        const cutoff of [
          ["--uploaded-prior-to", "2024-03-01"],
          ["--uploaded-prior-to", "2024-06-01T12:00:00Z"],
          ["--uploaded-prior-to", "2024-06-01T12:00:00.000001Z"],
          ["--exclude-newer", "P3D"],
          ["--uploaded-prior-to", "P0D"],
        ]
      ) {
        await t.step(cutoff.join(" "), async () => {
          const index = ["--index-url", json.url, "--no-cache-dir"];
          const theirs = await pipLock(
            home,
            [
              ...index,
              ...cutoff.map((a) => a === "--exclude-newer" ? "--uploaded-prior-to" : a),
              "demo",
            ],
            "pylock.pip.toml",
          );
          const ours = await dpipLock(home, [...index, ...cutoff, "demo"], "pylock.dpip.toml");
          assertEquals(pins(ours), pins(theirs));
        });
      }
      await t.step("an index without upload times is refused by both", async () => {
        const args = [
          "--index-url",
          html.url,
          "--no-cache-dir",
          "--uploaded-prior-to",
          "P1D",
          "demo",
        ];
        const theirs = await runPip26(oracle!, ["lock", "-o", "-", ...args], { cwd: home });
        assert(theirs.code !== 0);
        assertStringIncludes(theirs.stderr, "does not provide upload-time metadata");
        const ours = await dpip(["lock", "-o", "-", "--python", oracle!.python, ...args], { home });
        assertEquals(ours.status, 1);
        assertStringIncludes(ours.stderr, "does not provide upload-time metadata");
      });
      await t.step("a bad value is a usage error naming it", async () => {
        const ours = await dpip(["lock", "--uploaded-prior-to", "3 days", "demo"], { home });
        assertEquals(ours.status, 2);
        assertStringIncludes(ours.stderr, "invalid value: '3 days'");
      });
    } finally {
      await json.close();
      await html.close();
      await done();
    }
  },
});

Deno.test({
  name: "--group, --requirements-from-script and --only-deps lock what pip 26 locks (corpus)",
  ignore: skipUnless(corpus, "the pip 26 oracle, Python 3.11 and ../shared/corpus"),
  sanitizeResources: false,
  async fn(t) {
    const server = await startHttpServer(corpus!);
    const { home, done } = await tempHome("dpip-lock-groups-");
    const index = ["--index-url", `${server.origin}simple/`, "--trusted-host", "127.0.0.1"];
    await Deno.mkdir(join(home, "proj"));
    await Deno.writeTextFile(
      join(home, "proj", "pyproject.toml"),
      `[dependency-groups]\nTest = ["flask<3", {include-group = "more_deps"}]\nmore-deps = ["requests"]\n` +
        `loop = [{include-group = "loop"}]\n`,
    );
    await Deno.writeTextFile(
      join(home, "tool.py"),
      `# /// script\n# requires-python = ">=3.8"\n# dependencies = ["jinja2<3.1.5", "markupsafe<3"]\n# ///\nprint(1)\n`,
    );
    await Deno.writeTextFile(
      join(home, "old.py"),
      `# /// script\n# requires-python = "<3"\n# dependencies = ["six"]\n# ///\n`,
    );
    try {
      for (
        const args of [["--group", "proj/pyproject.toml:test"], [
          "--only-deps",
          "flask",
          "werkzeug<3",
        ]]
      ) {
        await t.step(args.join(" "), async () => {
          const theirs = await pipLock(home, [...index, ...args], "pylock.pip.toml");
          const ours = await dpipLock(home, [...index, ...args], "pylock.dpip.toml");
          assertEquals(pins(ours), pins(theirs));
        });
      }
      // pip 26's `lock --requirements-from-script` fails when the script has requires-python
      // (its lock command has no --platform for make_target_python): compare with its install.
      for (
        const args of [
          ["--requirements-from-script", "tool.py"],
          ["--group", "proj/pyproject.toml:test", "--requirements-from-script", "tool.py", "six"],
        ]
      ) {
        await t.step(args.join(" "), async () => {
          const theirs = await runPip26(oracle!, [
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--report",
            "-",
            ...index,
            ...args,
          ], { cwd: home });
          assertEquals(theirs.code, 0, theirs.stderr);
          const ours = await dpipLock(home, [...index, ...args], "pylock.dpip.toml");
          assertEquals(pins(ours).map((pin) => pin.split(" ")[0]), reportChoices(theirs.stdout));
        });
      }
      const refused: [string[], string][] = [
        [["--group", "proj/pyproject.toml:nope"], "Dependency group 'nope' not found"],
        [["--group", "proj/pyproject.toml:loop"], "Cyclic dependency group include"],
        [["--group", "missing/pyproject.toml:x"], "missing/pyproject.toml not found"],
        [["--only-deps", "--no-deps", "flask"], "Cannot use '--only-dependencies' in combination"],
      ];
      refused.push([["--requirements-from-script", "old.py"], "requires a different Python"]);
      for (const [args, message] of refused) {
        await t.step(`refused: ${args.join(" ")}`, async () => {
          // pip 26's lock cannot check a script's requires-python (see above): its install does.
          const command = args[0] === "--requirements-from-script"
            ? ["install", "--dry-run", "--report", "-"]
            : ["lock", "-o", "-"];
          const theirs = await runPip26(oracle!, [...command, ...index, ...args], { cwd: home });
          assert(theirs.code !== 0, theirs.stdout);
          assertStringIncludes(theirs.stderr, message);
          const ours = await dpip([
            "lock",
            "-o",
            "-",
            "--python",
            oracle!.python,
            ...index,
            ...args,
          ], {
            home,
          });
          assert(ours.status !== 0);
          assertStringIncludes(ours.stderr, message);
          assertEquals(
            ours.stderr.trim().split("\n").filter((l) => l.startsWith("ERROR")).length,
            1,
          );
        });
      }
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "--all-releases and --only-final choose pre-releases per project as pip 26 does",
  ignore: skipUnless(oracle, "the pip 26 oracle and Python 3.11"),
  sanitizeResources: false,
  async fn(t) {
    const index = await startIndexServer({
      files: [
        wheelFile({ name: "demo", version: "1.0" }),
        wheelFile({ name: "demo", version: "2.0b1" }),
        wheelFile({ name: "rc-only", version: "1.0rc1" }),
      ],
      formats: ["json"],
    });
    const { home, done } = await tempHome("dpip-lock-releases-");
    try {
      const cases = [
        ["demo", "rc-only"],
        ["--all-releases", "demo", "demo"],
        ["--all-releases", ":all:", "--only-final", "Demo", "demo", "rc-only"],
        ["--all-releases", "demo,other", "--all-releases", ":none:", "demo"],
        ["--only-final", ":all:", "demo"],
      ];
      for (const args of cases) {
        await t.step(args.join(" "), async () => {
          const index_ = ["--index-url", index.url, "--no-cache-dir"];
          const theirs = await pipLock(home, [...index_, ...args], "pylock.pip.toml");
          const ours = await dpipLock(home, [...index_, ...args], "pylock.dpip.toml");
          assertEquals(pins(ours), pins(theirs));
        });
      }
      for (
        const args of [
          ["--only-final", "rc-only", "rc-only"],
          ["--only-final", ":all:", "demo>=2.0b1"],
          ["--pre", "--all-releases", "demo", "demo"],
        ]
      ) {
        await t.step(`refused: ${args.join(" ")}`, async () => {
          const all = ["lock", "-o", "-", "--index-url", index.url, "--no-cache-dir", ...args];
          const theirs = await runPip26(oracle!, all, { cwd: home });
          const ours = await dpip([...all, "--python", oracle!.python], { home });
          assert(theirs.code !== 0 && ours.status !== 0, `${theirs.code} ${ours.status}`);
          assertEquals(ours.status, theirs.code);
        });
      }
    } finally {
      await index.close();
      await done();
    }
  },
});
