/**
 * `dpip download` of what pip prepares from source rather than fetches,
 * against pip 23.2.1: VCS URLs (git, Mercurial, Subversion; `name @ git+…`
 * with its dependencies from an index), saved as a zip of the checkout;
 * editable requirements from a requirements file (a VCS checkout in `--src`,
 * a project directory), saved the same way; a project directory with
 * `--no-deps`, prepared but not saved. Each tool runs in its own working
 * directory with the same arguments; the downloads must hold the same files
 * and each zip the same members (read by Python's `zipfile`).
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { startIndexServer } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { makeRepository, VCS_AVAILABLE, vcsRun } from "../helpers/vcs_repos.ts";
import { miniBackendWheel, writeProject } from "./build_support.ts";
import {
  demoFiles,
  demoWheel,
  dpip,
  oracle,
  pip,
  python311,
  run,
  type RunResult,
  tempHome,
} from "./install_support.ts";
import type { VcsName } from "../../lib/vcs/vcs_url.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");
/** Backends leave no `__pycache__` in the checkouts (both tools' runs). */
const QUIET_PYTHON = { PYTHONDONTWRITEBYTECODE: "1" };

/** What a download directory holds: each file, and for a zip its sorted member names. */
async function downloaded(dir: string): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return found;
  }
  for (const entry of entries) {
    found[entry.name] = entry.name.endsWith(".zip") ? await zipMembers(join(dir, entry.name)) : [];
  }
  return found;
}

/** A zip's member names, sorted, as Python's `zipfile` reads them. */
async function zipMembers(path: string): Promise<string[]> {
  const listed = await run(python311!, [
    "-c",
    "import json, sys, zipfile; print(json.dumps(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))",
    path,
  ]);
  assertEquals(listed.status, 0, listed.stderr);
  return JSON.parse(listed.stdout);
}

/** One member's text, as Python's `zipfile` reads it. */
async function zipText(path: string, member: string): Promise<string> {
  const read = await run(python311!, [
    "-c",
    "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())",
    path,
    member,
  ]);
  assertEquals(read.status, 0, read.stderr);
  return read.stdout;
}

/** What one tool did: its runs' results and what its download directory holds. */
interface ToolRun {
  readonly results: RunResult[];
  readonly files: Record<string, string[]>;
  /** Its working directory (the downloads are in `dl`). */
  readonly cwd: string;
}

/**
 * Runs `download -d dl <args>` for each of `steps`, by dpip and by pip, each
 * in its own working directory under `home` (`dpip/`, `pip/`).
 */
async function downloadBoth(
  home: string,
  steps: readonly (readonly string[])[],
): Promise<{ ours: ToolRun; theirs: ToolRun }> {
  const runTool = async (tool: "dpip" | "pip"): Promise<ToolRun> => {
    const cwd = join(home, tool);
    await Deno.mkdir(cwd, { recursive: true });
    const results: RunResult[] = [];
    for (const args of steps) {
      results.push(
        tool === "dpip"
          ? await dpip(["download", "--python", python311!, "-d", "dl", ...args], {
            home,
            cwd,
            env: QUIET_PYTHON,
          })
          : await pip(python311!, ["download", "--isolated", "-d", "dl", ...args], { cwd }),
      );
    }
    return { results, files: await downloaded(join(cwd, "dl")), cwd };
  };
  return { ours: await runTool("dpip"), theirs: await runTool("pip") };
}

/** Both tools succeeded every step, with the same files and zip members. */
function assertSameDownloads(outcome: { ours: ToolRun; theirs: ToolRun }): void {
  const { ours, theirs } = outcome;
  for (const result of [...ours.results, ...theirs.results]) {
    assertEquals(result.status, 0, result.stdout + result.stderr);
  }
  assertEquals(ours.files, theirs.files);
}

for (const vcs of ["git", "hg", "svn"] as const satisfies readonly VcsName[]) {
  Deno.test({
    name: `download ${vcs}+URL@rev saves the checkout as <name>-<version>.zip, as pip does`,
    ignore: needs || skipUnless(VCS_AVAILABLE[vcs], vcs),
    async fn() {
      const { home, done } = await tempHome(`dpip-download-${vcs}-`);
      try {
        const repo = await makeRepository(vcs, join(home, "repo"), { name: "vproj", home });
        const both = await downloadBoth(home, [
          ["--no-deps", "--no-index", `${repo.url}@${repo.firstRevision}`],
        ]);
        assertSameDownloads(both);
        const members = both.ours.files["vproj-1.0.zip"] ?? [];
        // The project at the revision asked for, with its VCS metadata, under vproj/.
        assert(members.includes("vproj/PROJECT"), members.join());
        assert(members.includes(`vproj/.${vcs}/`), members.join());
        assertEquals(
          await zipText(join(both.ours.cwd, "dl", "vproj-1.0.zip"), "vproj/PROJECT"),
          "vproj 1.0\n",
        );
        assertStringIncludes(both.ours.results[0]!.stdout, "Saved ./dl/vproj-1.0.zip\n");
      } finally {
        await done();
      }
    },
  });
}

Deno.test({
  name: "download Name @ git+… saves the checkout under the name as written, and its dependencies",
  ignore: needs || skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    const { home, done } = await tempHome("dpip-download-git-deps-");
    const server = await startIndexServer({ files: [...demoFiles(), miniBackendWheel()] });
    try {
      const url = await miniGitProject(join(home, "repo"), "gitdep", {
        home,
        dependencies: ["lib>=2"],
      });
      const both = await downloadBoth(home, [["-i", server.url, `GitDep @ ${url}`]]);
      assertSameDownloads(both);
      assertEquals(Object.keys(both.ours.files).sort(), [
        "GitDep-1.0.zip",
        "lib-2.0-py3-none-any.whl",
      ]);
      assert(both.ours.files["GitDep-1.0.zip"]!.includes("GitDep/pyproject.toml"));
      // With --no-deps, the archive alone.
      const alone = await downloadBoth(join(home, "alone"), [[
        "--no-deps",
        "-i",
        server.url,
        `GitDep @ ${url}`,
      ]]);
      assertSameDownloads(alone);
      assertEquals(Object.keys(alone.ours.files), ["GitDep-1.0.zip"]);
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "download of editable requirements from a file saves the checkout or directory as a zip",
  ignore: needs || skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    const { home, done } = await tempHome("dpip-download-editable-");
    try {
      const repo = await makeRepository("git", join(home, "repo"), { name: "vproj", home });
      const local = await makeRepository("git", join(home, "local"), { name: "lproj", home });
      await Deno.writeTextFile(join(local.workDir, "untracked.txt"), "not committed\n");
      const requirements = join(home, "requirements.txt");
      await Deno.writeTextFile(
        requirements,
        `-e ${repo.url}#egg=vproj\n-e ${local.workDir}\n`,
      );
      const both = await downloadBoth(home, [["--no-deps", "--no-index", "-r", requirements]]);
      assertSameDownloads(both);
      assertEquals(Object.keys(both.ours.files).sort(), ["lproj-2.0.zip", "vproj-2.0.zip"]);
      // The directory as it is, uncommitted files too; the checkout in --src (./src here).
      assert(both.ours.files["lproj-2.0.zip"]!.includes("lproj/untracked.txt"));
      assertEquals(
        Deno.readTextFileSync(join(both.ours.cwd, "src", "vproj", "PROJECT")),
        "vproj 2.0\n",
      );
    } finally {
      await done();
    }
  },
});

Deno.test({
  name: "download --no-deps of a project directory prepares its metadata and saves nothing",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-download-dir-");
    try {
      await writeProject(join(home, "proj"), "proj", "1.0", { dependencies: ["lib>=2"] });
      const server = await startIndexServer({ files: [...demoFiles(), miniBackendWheel()] });
      try {
        const both = await downloadBoth(home, [[
          "--no-deps",
          "-i",
          server.url,
          join(home, "proj"),
        ]]);
        assertSameDownloads(both);
        assertEquals(both.ours.files, {});
        assertStringIncludes(both.ours.results[0]!.stdout, "Successfully downloaded proj\n");
      } finally {
        await server.close();
      }
      // Its metadata is asked for: a backend that fails fails the download, as pip's.
      await Deno.mkdir(join(home, "broken"));
      await Deno.writeTextFile(
        join(home, "broken", "pyproject.toml"),
        '[build-system]\nrequires = []\nbuild-backend = "nowhere"\n',
      );
      const broken = await downloadBoth(join(home, "b"), [[
        "--no-deps",
        "--no-index",
        join(home, "broken"),
      ]]);
      for (const result of [broken.ours.results[0]!, broken.theirs.results[0]!]) {
        assert(result.status !== 0, result.stdout);
      }
    } finally {
      await done();
    }
  },
});

Deno.test({
  name: "download of a VCS URL whose archive exists: --exists-action b backs it up, as pip",
  ignore: needs || skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    const { home, done } = await tempHome("dpip-download-exists-");
    try {
      const repo = await makeRepository("git", join(home, "repo"), { name: "vproj", home });
      const args = ["--no-deps", "--no-index", "--exists-action", "b", `${repo.url}@v1`];
      const both = await downloadBoth(home, [args, args]);
      assertSameDownloads(both);
      assertEquals(Object.keys(both.ours.files).sort(), ["vproj-1.0.zip", "vproj-1.0.zip.bak"]);
      // Without an answer: one line saying what to pass, the archive as it was.
      const before = Deno.readFileSync(join(both.ours.cwd, "dl", "vproj-1.0.zip"));
      const refused = await dpip(
        [
          "download",
          "--python",
          python311!,
          "-d",
          "dl",
          "--no-deps",
          "--no-index",
          `${repo.url}@v1`,
        ],
        { home, cwd: both.ours.cwd, env: QUIET_PYTHON },
      );
      assertEquals(refused.status, 1, refused.stderr);
      assertStringIncludes(
        refused.stderr,
        "ERROR: Cannot save ./dl/vproj-1.0.zip: it exists, and nothing says what to do with it\n",
      );
      assertEquals(Deno.readFileSync(join(both.ours.cwd, "dl", "vproj-1.0.zip")), before);
    } finally {
      await done();
    }
  },
});

Deno.test({
  name: "download --require-hashes refuses a VCS URL before checking it out, as pip",
  ignore: needs || skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    const { home, done } = await tempHome("dpip-download-vcs-hashes-");
    try {
      const repo = await makeRepository("git", join(home, "repo"), { name: "vproj", home });
      const { ours, theirs } = await downloadBoth(home, [[
        "--no-deps",
        "--no-index",
        "--require-hashes",
        `${repo.url}@v1`,
      ]]);
      for (const result of [ours.results[0]!, theirs.results[0]!]) {
        assertEquals(result.status, 1, result.stdout);
        assertStringIncludes(
          result.stderr,
          "ERROR: Can't verify hashes for these requirements because we don't have a way to hash version control repositories:",
        );
      }
      assertEquals([ours.files, theirs.files], [{}, {}]);
      assert(!ours.results[0]!.stdout.includes("Cloning"), ours.results[0]!.stdout);
    } finally {
      await done();
    }
  },
});

/** A git repository of a mini-backend project `name` 1.0 in `dir`; its `git+file://localhost` URL. */
async function miniGitProject(
  dir: string,
  name: string,
  options: { home: string; dependencies?: string[]; buildRequires?: string[] },
): Promise<string> {
  const { home, ...project } = options;
  await writeProject(dir, name, "1.0", project);
  for (const args of [["init", "-q"], ["add", "."], ["commit", "-q", "-m", "one"]]) {
    await vcsRun("git", args, { cwd: dir, home });
  }
  // pip 23.2.1 takes a `name @` URL only with a host: file://localhost/….
  return `git+file://localhost${pathToFileURL(dir).pathname}`;
}

Deno.test({
  name: "download --no-deps for another platform saves a git checkout built here, as pip",
  // The build requirement is a wheel for this machine only (linux x86_64).
  ignore: needs || skipUnless(VCS_AVAILABLE.git, "git") ||
    skipUnless(Deno.build.os === "linux" && Deno.build.arch === "x86_64", "linux x86_64"),
  async fn() {
    const { home, done } = await tempHome("dpip-download-vcs-foreign-");
    const server = await startIndexServer({
      files: [
        miniBackendWheel(),
        demoWheel("hostdep", "1.0", { tags: "py3-none-linux_x86_64" }),
      ],
    });
    try {
      const url = await miniGitProject(join(home, "repo"), "fproj", {
        home,
        buildRequires: ["hostdep"],
      });
      const foreign = ["--platform", "win_amd64", "--python-version", "3.12", "-i", server.url];
      const both = await downloadBoth(home, [["--no-deps", ...foreign, `fproj @ ${url}`]]);
      assertSameDownloads(both);
      assertEquals(Object.keys(both.ours.files), ["fproj-1.0.zip"]);
      // Its dependencies would be this machine's: refused without --no-deps, naming why.
      const refused = await dpip(
        ["download", "--python", python311!, "-d", "dl", ...foreign, `fproj @ ${url}`],
        { home, cwd: both.ours.cwd },
      );
      assertEquals(refused.status, 1, refused.stderr);
      assertStringIncludes(
        refused.stderr,
        "on another platform are only known after a build there",
      );
    } finally {
      await server.close();
      await done();
    }
  },
});
