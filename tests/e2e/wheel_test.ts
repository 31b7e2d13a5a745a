/**
 * `dpip wheel` against the in-process index, compared with `pip wheel`
 * (pip 23.2.1): a project directory whose dependencies are a wheel and a
 * project the index offers only as an sdist, `--no-deps`, a local sdist, a
 * git URL, `--only-binary` and `--no-binary`, `-C`, hash checking (right
 * and wrong hashes) — the same wheel file names in the wheel directory, or a
 * failure where pip fails. `--build-constraint` (pip 25.3) is checked on its
 * own, and `--format json` against its schema.
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { type IndexServer, startIndexServer } from "../helpers/index_server.ts";
import { schemaErrors } from "../helpers/json_schema.ts";
import { skipUnless } from "../helpers/python.ts";
import { miniBackendWheel, miniSdist, writeProject } from "./build_support.ts";
import {
  demoFiles,
  dpip,
  oracle,
  pip,
  python311,
  type RunResult,
  tempHome,
} from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

/** `srconly` 1.0: only an sdist on the index, needing `lib` (a wheel). */
const SRCONLY = miniSdist("srconly", "1.0", { dependencies: ["lib>=2"] });

async function listWheels(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  } catch {
    // Nothing saved.
  }
  return names.sort();
}

interface Twin {
  readonly ours: RunResult;
  readonly theirs: RunResult;
  readonly ourWheels: string[];
  readonly theirWheels: string[];
}

/** Runs `wheel ARGS` with dpip and with pip 23.2.1, each into its own wheel directory. */
async function both(
  home: string,
  server: IndexServer,
  label: string,
  args: readonly string[],
): Promise<Twin> {
  const ourDir = join(home, `ours-${label}`);
  const theirDir = join(home, `pips-${label}`);
  const ours = await dpip(
    ["wheel", "--python", python311!, "--no-cache-dir", "-i", server.url, "-w", ourDir, ...args],
    { home },
  );
  const theirs = await pip(
    python311!,
    ["wheel", "--no-cache-dir", "-i", server.url, "-w", theirDir, ...args],
    { cwd: home },
  );
  return {
    ours,
    theirs,
    ourWheels: await listWheels(ourDir),
    theirWheels: await listWheels(theirDir),
  };
}

/** Both succeed with the same wheel names (which are `expected`). */
function sameWheels(twin: Twin, expected: readonly string[]): void {
  assertEquals(twin.theirs.status, 0, twin.theirs.stderr);
  assertEquals(twin.ours.status, 0, twin.ours.stderr);
  assertEquals(twin.ourWheels, twin.theirWheels);
  assertEquals(twin.ourWheels, [...expected].sort());
}

/** Both fail; dpip in one line naming `what`, with nothing saved. */
function bothFail(twin: Twin, what: string): void {
  assert(twin.theirs.status !== 0, twin.theirs.stdout);
  assert(twin.ours.status !== 0, twin.ours.stdout);
  assertStringIncludes(twin.ours.stderr, what);
  assert(!twin.ours.stderr.includes("    at "), twin.ours.stderr);
  assertEquals(twin.ourWheels, []);
}

async function withIndex(fn: (home: string, server: IndexServer) => Promise<void>): Promise<void> {
  const { home, done } = await tempHome("dpip-wheel-");
  const server = await startIndexServer({
    files: [...demoFiles(), miniBackendWheel(), SRCONLY],
  });
  try {
    await fn(home, server);
  } finally {
    await server.close();
    await done();
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

Deno.test({
  name: "wheel: the same wheels as pip wheel for projects, sdists, git URLs and format options",
  ignore: needs,
  sanitizeResources: false,
  async fn(t) {
    await withIndex(async (home, server) => {
      await writeProject(join(home, "proj"), "proj", "1.0", {
        dependencies: ["srconly", "app==1.0"],
      });
      await t.step("a project directory with a wheel and an sdist-only dependency", async () => {
        sameWheels(await both(home, server, "dir", ["./proj"]), [
          "app-1.0-py3-none-any.whl",
          "lib-2.0-py3-none-any.whl",
          "proj-1.0-py3-none-any.whl",
          "srconly-1.0-py3-none-any.whl",
        ]);
      });
      await t.step("--no-deps and -C with -e DIR, a local sdist and a git URL", async () => {
        const sdist = miniSdist("localsrc", "2.5", { dependencies: ["tool"] });
        await Deno.writeFile(join(home, sdist.filename), sdist.bytes);
        const repo = await writeProject(join(home, "repo"), "gitproj", "1.0");
        const git = async (...args: string[]) => {
          const out = await new Deno.Command("git", {
            args,
            cwd: repo,
            env: {
              GIT_AUTHOR_NAME: "t",
              GIT_AUTHOR_EMAIL: "t@example.com",
              GIT_COMMITTER_NAME: "t",
              GIT_COMMITTER_EMAIL: "t@example.com",
              HOME: home,
            },
          }).output();
          assert(out.success, `git ${args.join(" ")}`);
        };
        await git("init", "-q");
        await git("add", ".");
        await git("commit", "-q", "-m", "one");
        await git("tag", "v1");
        await writeProject(repo, "gitproj", "2.0");
        await git("commit", "-q", "-am", "two");
        const twin = await both(home, server, "nodeps", [
          "--no-deps",
          "-C",
          "mode=fast",
          "-e",
          "./proj",
          `./${sdist.filename}`,
          `git+${pathToFileURL(repo).href}@v1#egg=gitproj`,
        ]);
        sameWheels(twin, [
          "gitproj-1.0-py3-none-any.whl",
          "localsrc-2.5-py3-none-any.whl",
          "proj-1.0-py3-none-any.whl",
        ]);
        // `-e` builds a regular wheel, as pip's wheel does (the module, not a .pth).
        const summary = async (dir: string) => {
          const out = await new Deno.Command(python311!, {
            args: [
              "-c",
              "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(sorted(n for n in z.namelist() if '/' not in n), [l for l in z.read('proj-1.0.dist-info/METADATA').decode().splitlines() if l.startswith('Summary')])",
              join(dir, "proj-1.0-py3-none-any.whl"),
            ],
            stdout: "piped",
          }).output();
          return new TextDecoder().decode(out.stdout).trim();
        };
        assertEquals(
          await summary(join(home, "ours-nodeps")),
          "['proj.py'] ['Summary: settings mode=fast']",
        );
        assertEquals(
          await summary(join(home, "ours-nodeps")),
          await summary(join(home, "pips-nodeps")),
        );
      });
      await t.step("--only-binary :all: cannot use the sdist-only dependency", async () => {
        bothFail(
          await both(home, server, "onlybin", ["--only-binary", ":all:", "srconly"]),
          "srconly",
        );
      });
      await t.step("--no-binary :all: cannot use a project that has only wheels", async () => {
        bothFail(await both(home, server, "nobin", ["--no-binary", ":all:", "lib"]), "lib");
      });
      await t.step("a failing build fails the command", async () => {
        bothFail(
          await both(home, server, "fail", ["--no-deps", "-C", "fail=yes", "./proj"]),
          "failing as asked",
        );
      });
      await t.step("hash checking: right hashes build, a wrong one saves nothing", async () => {
        const libWheel = demoFiles().find((f) => f.filename === "lib-2.0-py3-none-any.whl")!;
        const good = join(home, "good.txt");
        await Deno.writeTextFile(
          good,
          `srconly==1.0 --hash=sha256:${sha256(SRCONLY.bytes)}\nlib==2.0 --hash=sha256:${
            sha256(libWheel.bytes)
          }\n`,
        );
        sameWheels(await both(home, server, "hashes", ["-r", good]), [
          "lib-2.0-py3-none-any.whl",
          "srconly-1.0-py3-none-any.whl",
        ]);
        const bad = join(home, "bad.txt");
        await Deno.writeTextFile(bad, `lib==2.0 --hash=sha256:${"0".repeat(64)}\n`);
        bothFail(await both(home, server, "badhash", ["--no-deps", "-r", bad]), "lib");
        // --require-hashes with an unhashed requirement.
        bothFail(
          await both(home, server, "unhashed", ["--require-hashes", "--no-deps", "lib==2.0"]),
          "lib",
        );
      });
    });
  },
});

Deno.test({
  name: "wheel: --build-constraint constrains build environments; --format json fits its schema",
  ignore: needs,
  sanitizeResources: false,
  async fn() {
    await withIndex(async (home, server) => {
      await writeProject(join(home, "proj"), "proj", "1.0", {
        dependencies: ["srconly"],
        buildRequires: ["extra-dep"],
      });
      const base = ["wheel", "--python", python311!, "--no-cache-dir", "-i", server.url];
      const constraints = join(home, "build-constraints.txt");
      await Deno.writeTextFile(constraints, "extra-dep>=5\n");
      const refused = await dpip(
        [...base, "-w", "refused", "--build-constraint", constraints, "./proj"],
        { home },
      );
      assert(refused.status !== 0, refused.stdout);
      assertStringIncludes(refused.stderr, "extra-dep");
      assertEquals(await listWheels(join(home, "refused")), []);

      const result = await dpip([...base, "-w", "wh", "--format", "json", "./proj"], { home });
      assertEquals(result.status, 0, result.stderr);
      const document = JSON.parse(result.stdout);
      assertEquals(schemaErrors("wheel", document), [], result.stdout);
      assertEquals(document.schema_version, 1);
      assertEquals(document.wheel_dir, join(home, "wh"));
      assertEquals(
        // deno-lint-ignore no-explicit-any
        document.wheels.map((w: any) => `${w.filename} ${w.origin} ${w.requested}`),
        [
          "proj-1.0-py3-none-any.whl built true",
          "srconly-1.0-py3-none-any.whl built false",
          "lib-2.0-py3-none-any.whl downloaded false",
        ],
      );
      for (const wheel of document.wheels) {
        const bytes = await Deno.readFile(wheel.path);
        assertEquals(sha256(bytes), wheel.sha256);
        assertEquals(bytes.length, wheel.size);
      }
      // The text goes to stderr with --format json; without it, pip's lines.
      const text = await dpip([...base, "-w", "wh2", "./proj"], { home });
      assertEquals(text.status, 0, text.stderr);
      assertStringIncludes(text.stdout, "Saved ./wh2/lib-2.0-py3-none-any.whl");
      assertStringIncludes(text.stdout, "Successfully built proj srconly");
    });
  },
});
