/**
 * `dpip install` of what needs a build, end to end against the in-process
 * index: project directories (isolated builds fetch the backend from the
 * index), editable installs (PEP 660), local and remote sdists, versions an
 * index offers only as sdists (built once, then taken from the wheel cache),
 * git URLs, `--no-build-isolation`, `--config-settings`, and failing builds
 * that leave the environment as it was. pip reads what dpip installed.
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { type IndexFile, type IndexServer, startIndexServer } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { miniBackendWheel, miniSdist, writeProject } from "./build_support.ts";
import {
  demoFiles,
  distInfos,
  dpip,
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
const noise = (path: string) => path.endsWith("__pycache__");

/** `dpip install` into `python`'s environment from `server`, without a cache, then `rest`. */
function installFrom(server: IndexServer, python: string, ...rest: string[]): string[] {
  return ["install", "--python", python, "--no-cache-dir", "-i", server.url, ...rest];
}

/** Runs `fn` with a temporary home and an index of the demo projects, the mini backend and `extra`. */
async function withBuildIndex(
  prefix: string,
  extra: readonly IndexFile[],
  fn: (context: { home: string; server: IndexServer }) => Promise<void>,
): Promise<void> {
  const { home, done } = await tempHome(prefix);
  const server = await startIndexServer({ files: [...demoFiles(), miniBackendWheel(), ...extra] });
  try {
    await fn({ home, server });
  } finally {
    await server.close();
    await done();
  }
}

async function directUrl(sitePackages: string, distInfo: string): Promise<unknown> {
  return JSON.parse(await Deno.readTextFile(join(sitePackages, distInfo, "direct_url.json")));
}

Deno.test({
  name: "install builds a project directory in an isolated environment from the index",
  ignore: needs,
  async fn() {
    await withBuildIndex("dpip-build-dir-", [], async ({ home, server }) => {
      const project = await writeProject(join(home, "proj"), "proj", "1.0", {
        dependencies: ["lib>=2"],
        buildRequires: ["extra-dep"],
      });
      const venv = await makeVenv(join(home, "venv"));
      const result = await dpip(
        installFrom(server, venv.python, "./proj"),
        { home },
      );
      assertEquals(result.status, 0, result.stderr);
      const lines = result.stdout.trimEnd().split("\n");
      // pip's lines for the same install, but for the indented progress lines.
      const twin = await makeVenv(join(home, "twin"));
      const pips = await pip(
        twin.python,
        ["install", "--no-cache-dir", "-i", server.url, "./proj"],
        {
          cwd: home,
        },
      );
      assertEquals(pips.status, 0, pips.stderr);
      const shown = (text: string) =>
        text.trimEnd().split("\n").filter((line) =>
          !line.startsWith(" ") && !line.startsWith("Downloading")
        );
      assertEquals(shown(result.stdout), shown(pips.stdout));
      assertEquals(lines.filter((line) => line.startsWith("  ")), [
        "  Building wheel for proj (pyproject.toml) ... done",
        "  Created wheel for proj: filename=proj-1.0-py3-none-any.whl",
      ]);
      assertEquals(lines.at(-1), "Successfully installed lib-2.0 proj-1.0");
      // The backend and the hook's extra requirement came from the index, into the build
      // environment only.
      const fetched = server.requests.map((r) => r.path);
      assert(fetched.some((p) => p.includes("mini_backend-1.0-py3-none-any.whl")), fetched.join());
      assert(fetched.some((p) => p.startsWith("/simple/extra-dep/")), fetched.join());
      assertEquals(distInfos(venv.sitePackages), ["lib-2.0", "proj-1.0"]);
      assertEquals(await directUrl(venv.sitePackages, "proj-1.0.dist-info"), {
        url: pathToFileURL(project).href,
        dir_info: {},
      });
      const imported = await run(venv.python, ["-c", "import proj; print(proj.VERSION)"]);
      assertEquals(imported.stdout.trim(), "1.0");
      const freeze = await pip(venv.python, ["freeze"]);
      assertStringIncludes(freeze.stdout, `proj @ ${pathToFileURL(project).href}`);
      const check = await pip(venv.python, ["check"]);
      assertEquals(check.status, 0, check.stdout);
    });
  },
});

Deno.test({
  name: "install -e builds an editable wheel: changes to the source show without reinstalling",
  ignore: needs,
  async fn() {
    await withBuildIndex("dpip-build-editable-", [], async ({ home, server }) => {
      const project = await writeProject(join(home, "proj"), "proj", "1.0");
      const venv = await makeVenv(join(home, "venv"));
      const result = await dpip(
        installFrom(server, venv.python, "-e", project),
        { home },
      );
      assertEquals(result.status, 0, result.stderr);
      assertEquals(await directUrl(venv.sitePackages, "proj-1.0.dist-info"), {
        url: pathToFileURL(project).href,
        dir_info: { editable: true },
      });
      await Deno.writeTextFile(join(project, "proj.py"), 'VERSION = "edited"\n');
      const imported = await run(venv.python, ["-c", "import proj; print(proj.VERSION)"]);
      assertEquals(imported.stdout.trim(), "edited");
      // dpip's freeze and list read the editable install as pip does.
      for (const args of [["freeze"], ["list", "--editable", "--format", "json"]]) {
        const ours = await dpip([...args, "--python", venv.python], { home });
        const theirs = await pip(venv.python, args);
        assertEquals(ours.stdout, theirs.stdout, args.join(" "));
      }
    });
  },
});

Deno.test({
  name: "install builds local and remote sdists, recording the archive's hash",
  ignore: needs,
  async fn() {
    const remote = miniSdist("remote", "2.0");
    await withBuildIndex("dpip-build-sdist-", [remote], async ({ home, server }) => {
      const local = miniSdist("local-proj", "1.5", { dependencies: ["lib<2"] });
      const path = join(home, local.filename);
      await Deno.writeFile(path, local.bytes);
      const venv = await makeVenv(join(home, "venv"));
      const result = await dpip(
        installFrom(server, venv.python, path, server.fileUrl(remote.filename)),
        { home },
      );
      assertEquals(result.status, 0, result.stderr);
      assertEquals(
        result.stdout.trimEnd().split("\n").at(-1),
        "Successfully installed lib-1.0 local-proj-1.5 remote-2.0",
      );
      const sha = async (bytes: Uint8Array) => {
        const { createHash } = await import("node:crypto");
        return createHash("sha256").update(bytes).digest("hex");
      };
      assertEquals(await directUrl(venv.sitePackages, "local_proj-1.5.dist-info"), {
        url: pathToFileURL(path).href,
        archive_info: {
          hash: `sha256=${await sha(local.bytes)}`,
          hashes: { sha256: await sha(local.bytes) },
        },
      });
      assertEquals(await directUrl(venv.sitePackages, "remote-2.0.dist-info"), {
        url: server.fileUrl(remote.filename),
        archive_info: {
          hash: `sha256=${await sha(remote.bytes)}`,
          hashes: { sha256: await sha(remote.bytes) },
        },
      });
    });
  },
});

Deno.test({
  name: "a version offered only as an sdist is built once, then installed from the wheel cache",
  ignore: needs,
  async fn() {
    const srconly = miniSdist("srconly", "3.0", { dependencies: ["lib<2"] });
    await withBuildIndex("dpip-build-index-", [srconly], async ({ home, server }) => {
      const cache = join(home, "cache");
      const first = await makeVenv(join(home, "venv1"));
      const args = (python: string) => [
        "install",
        "--python",
        python,
        "--cache-dir",
        cache,
        "-i",
        server.url,
        "srconly",
      ];
      const built = await dpip(args(first.python), { home });
      assertEquals(built.status, 0, built.stderr);
      assertStringIncludes(built.stdout, "Building wheel for srconly (pyproject.toml) ... done");
      assertEquals(distInfos(first.sitePackages), ["lib-1.0", "srconly-3.0"]);
      // pip sees no direct URL: it came from the index.
      const freeze = await pip(first.python, ["freeze"]);
      assertEquals(freeze.stdout, "lib==1.0\nsrconly==3.0\n");

      const before = server.requests.length;
      const second = await makeVenv(join(home, "venv2"));
      const again = await dpip(args(second.python), { home });
      assertEquals(again.status, 0, again.stderr);
      assert(!again.stdout.includes("Building wheel"), again.stdout);
      const later = server.requests.slice(before).map((r) => r.path);
      assert(!later.some((p) => p.endsWith(".tar.gz")), later.join());
      assertEquals(distInfos(second.sitePackages), ["lib-1.0", "srconly-3.0"]);
    });
  },
});

Deno.test({
  name: "--config-settings reach the backend; a failing build names it and changes nothing",
  ignore: needs,
  async fn() {
    await withBuildIndex("dpip-build-fail-", [], async ({ home, server }) => {
      await writeProject(join(home, "proj"), "proj", "1.0");
      const venv = await makeVenv(join(home, "venv"));
      const base = installFrom(server, venv.python);
      const setting = await dpip([...base, "-C", "color=blue", "./proj"], { home });
      assertEquals(setting.status, 0, setting.stderr);
      const show = await pip(venv.python, ["show", "proj"]);
      assertStringIncludes(show.stdout, "Summary: settings color=blue");

      const snapshot = await treeSnapshot(venv.root, { ignore: noise });
      const tmp = join(home, "tmp");
      await Deno.mkdir(tmp);
      const failed = await dpip([...base, "--force-reinstall", "-C", "fail=yes", "./proj"], {
        home,
        env: { TMPDIR: tmp },
      });
      // The failed build's directories are gone.
      assertEquals([...Deno.readDirSync(tmp)], []);
      assertEquals(failed.status, 1);
      const errors = failed.stderr.trimEnd().split("\n");
      assertEquals(errors.length, 1, failed.stderr);
      assertMatch(errors[0]!, /^ERROR: .*proj.*failing as asked: yes/);
      assertEquals(snapshotDiff(snapshot, await treeSnapshot(venv.root, { ignore: noise })), []);
    });
  },
});

Deno.test({
  name: "--no-build-isolation builds with what the target environment has",
  ignore: needs,
  async fn() {
    await withBuildIndex("dpip-build-noiso-", [], async ({ home, server }) => {
      await writeProject(join(home, "proj"), "proj", "1.0");
      const venv = await makeVenv(join(home, "venv"));
      const base = installFrom(server, venv.python);
      const snapshot = await treeSnapshot(venv.root, { ignore: noise });
      const missing = await dpip([...base, "--no-build-isolation", "./proj"], { home });
      assertEquals(missing.status, 1);
      assertMatch(missing.stderr, /mini_backend/);
      assertEquals(snapshotDiff(snapshot, await treeSnapshot(venv.root, { ignore: noise })), []);
      // With the backend installed in the environment, the build uses it from there.
      const backend = await dpip([...base, "mini-backend"], { home });
      assertEquals(backend.status, 0, backend.stderr);
      const before = server.requests.length;
      const built = await dpip([...base, "--no-build-isolation", "--no-index", "./proj"], {
        home,
      });
      assertEquals(built.status, 0, built.stderr);
      assertEquals(server.requests.length, before);
      assertEquals(distInfos(venv.sitePackages), ["mini_backend-1.0", "proj-1.0"]);
    });
  },
});

const git = new Deno.Command("git", { args: ["--version"], stdout: "null", stderr: "null" })
  .outputSync().success;

Deno.test({
  name: "install builds a git URL at a tag and records the commit (PEP 610 vcs_info)",
  ignore: needs || skipUnless(git, "git"),
  async fn() {
    await withBuildIndex("dpip-build-git-", [], async ({ home, server }) => {
      const repo = await writeProject(join(home, "repo"), "gitproj", "1.0");
      const env = {
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
        HOME: home,
      };
      const g = async (...args: string[]) => {
        const out = await new Deno.Command("git", { args, cwd: repo, env, stdout: "piped" })
          .output();
        assert(out.success, `git ${args.join(" ")}`);
        return new TextDecoder().decode(out.stdout).trim();
      };
      await g("init", "-q");
      await g("add", ".");
      await g("commit", "-q", "-m", "one");
      await g("tag", "v1");
      const commit = await g("rev-parse", "HEAD");
      await writeProject(repo, "gitproj", "2.0");
      await g("commit", "-q", "-am", "two");
      const venv = await makeVenv(join(home, "venv"));
      const url = `git+${pathToFileURL(repo).href}@v1`;
      const result = await dpip(
        installFrom(server, venv.python, url),
        { home },
      );
      assertEquals(result.status, 0, result.stderr);
      assertEquals(distInfos(venv.sitePackages), ["gitproj-1.0"]);
      assertEquals(await directUrl(venv.sitePackages, "gitproj-1.0.dist-info"), {
        url: pathToFileURL(repo).href,
        vcs_info: { vcs: "git", commit_id: commit, requested_revision: "v1" },
      });
      // Projects in subdirectories of the repository (#subdirectory=), one named by #egg=:
      // two of one repository in one run are two builds.
      await writeProject(join(repo, "sub"), "subproj", "3.0");
      await writeProject(join(repo, "sub2"), "subproj2", "4.0");
      await g("add", ".");
      await g("commit", "-q", "-m", "three");
      const head = await g("rev-parse", "HEAD");
      const sub = await dpip(
        installFrom(
          server,
          venv.python,
          `git+${pathToFileURL(repo).href}#egg=subproj&subdirectory=sub`,
          `subproj2 @ git+${pathToFileURL(repo).href}#subdirectory=sub2`,
        ),
        { home },
      );
      assertEquals(sub.status, 0, sub.stderr);
      assertEquals(distInfos(venv.sitePackages), ["gitproj-1.0", "subproj-3.0", "subproj2-4.0"]);
      assertEquals(await directUrl(venv.sitePackages, "subproj-3.0.dist-info"), {
        url: pathToFileURL(repo).href,
        vcs_info: { vcs: "git", commit_id: head },
        subdirectory: "sub",
      });
      const bad = await dpip(
        [
          "install",
          "--python",
          venv.python,
          "-i",
          server.url,
          `git+${pathToFileURL(repo).href}@nope`,
        ],
        { home },
      );
      assertEquals(bad.status, 1);
      // pip's warning, then one error naming the requirement and the command that failed.
      assertMatch(
        bad.stderr,
        /^WARNING: Did not find branch or tag 'nope', assuming revision or ref\.\nERROR: Cannot build git\+file:.*@nope: git checkout failed: error: pathspec 'nope'/,
      );
    });
  },
});

Deno.test({
  name:
    "hash-checking mode: an index sdist with your hash is built and installed; another is refused",
  ignore: needs,
  async fn() {
    const srconly = miniSdist("srconly", "3.0");
    const digest = await crypto.subtle.digest("SHA-256", srconly.bytes as Uint8Array<ArrayBuffer>);
    const sha256 = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"))
      .join("");
    await withBuildIndex("dpip-build-hashed-", [srconly], async ({ home, server }) => {
      for (const [hash, ok] of [[sha256, true], ["0".repeat(64), false]] as const) {
        const venv = await makeVenv(join(home, `venv-${ok}`));
        await Deno.writeTextFile(
          join(home, "requirements.txt"),
          `srconly==3.0 --hash=sha256:${hash}\n`,
        );
        const result = await dpip(installFrom(server, venv.python, "-r", "requirements.txt"), {
          home,
        });
        if (ok) {
          // The wheel built from it is not checked against the sdist's hash.
          assertEquals(result.status, 0, result.stderr);
          assertEquals(distInfos(venv.sitePackages), ["srconly-3.0"]);
        } else {
          assertEquals(result.status, 1, result.stderr);
          assertEquals(distInfos(venv.sitePackages), []);
        }
      }
    });
  },
});
