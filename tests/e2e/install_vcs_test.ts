/**
 * `dpip install` of VCS requirements against pip 23.2.1, with local
 * repositories the tests make (git, Mercurial, Subversion through
 * `svnadmin create` and `file://`, Bazaar/Breezy): plain and editable
 * (`-e …#egg=`, checked out under `<venv>/src` or `--src`), each run by dpip
 * and by pip into a venv at the same path, which must end up with the same
 * files (the checkout's, the installed ones, `direct_url.json`). Also
 * pip's `--exists-action` answers for an editable checkout in the way, a git
 * URL pinned to a commit built once and then taken from the wheel cache
 * without the repository, and a client that is not installed.
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { makeRepository, VCS_AVAILABLE, vcsRun } from "../helpers/vcs_repos.ts";
import {
  dpip,
  makeVenv,
  oracle,
  pip,
  python311,
  type RunResult,
  tempHome,
} from "./install_support.ts";
import { installedFiles, snapshotDiff, type Venv } from "./install_wheel_support.ts";
import type { VcsName } from "../../lib/vcs/vcs_url.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");
/** The oracle pip runs with this too: backends leave no `__pycache__` in the checkouts. */
const QUIET_PYTHON = { PYTHONDONTWRITEBYTECODE: "1" };
const VCS_DIRS = /(^|\/)\.(git|hg|svn|bzr)(\/|$)/;

/** The venv's files (its `src` checkouts included, their VCS metadata left out). */
function files(venv: Venv): Map<string, string> {
  const all = installedFiles(venv);
  for (const path of [...all.keys()]) if (VCS_DIRS.test(path)) all.delete(path);
  return all;
}

/** Runs `tool` with `args` in a fresh venv at `home/venv`; what it left there. */
async function runIn(
  home: string,
  tool: "dpip" | "pip",
  steps: readonly (readonly string[])[],
): Promise<{ results: RunResult[]; files: Map<string, string>; venv: Venv }> {
  const root = join(home, "venv");
  await Deno.remove(root, { recursive: true }).catch(() => {});
  const venv = await makeVenv(root);
  const results: RunResult[] = [];
  for (const args of steps) {
    results.push(
      tool === "dpip"
        ? await dpip(
          ["install", "--python", venv.python, "--no-cache-dir", "--no-index", ...args],
          { home, env: QUIET_PYTHON },
        )
        : await pip(
          venv.python,
          ["install", "--no-cache-dir", "--no-compile", "--no-index", ...args],
          { cwd: home },
        ),
    );
  }
  return { results, files: files(venv), venv };
}

/**
 * dpip and pip each run `steps` into a venv at the same path: both succeed,
 * with the same files and `direct_url.json` (or, with `directUrl`, the one
 * dpip writes deliberately differently: given pip's, it says dpip's).
 */
async function sameAsPip(
  home: string,
  steps: readonly (readonly string[])[],
  options: { directUrl?: (pips: Record<string, unknown>) => Record<string, unknown> } = {},
): Promise<Venv> {
  const ours = await runIn(home, "dpip", steps);
  for (const result of ours.results) assertEquals(result.status, 0, result.stderr);
  const oursDirectUrls = directUrls(ours.venv);
  const theirs = await runIn(home, "pip", steps);
  for (const result of theirs.results) assertEquals(result.status, 0, result.stderr);
  const expected = directUrls(theirs.venv);
  assertEquals(oursDirectUrls, options.directUrl?.(expected) ?? expected);
  const comparable = (found: Map<string, string>) => {
    if (options.directUrl === undefined) return found;
    // Their direct_url.json (and its RECORD row) differ as asserted above.
    return new Map(
      [...found].filter(([path]) => !/\.dist-info\/(direct_url\.json|RECORD)$/.test(path)),
    );
  };
  assertEquals(snapshotDiff(comparable(theirs.files), comparable(ours.files)), []);
  return ours.venv;
}

/** Every direct_url.json in the venv, by dist-info. */
function directUrls(venv: Venv): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const entry of Deno.readDirSync(venv.sitePackages)) {
    if (entry.name.endsWith(".dist-info")) found[entry.name] = directUrl(venv, entry.name);
  }
  return found;
}

function directUrl(venv: Venv, distInfo: string): unknown {
  return JSON.parse(Deno.readTextFileSync(join(venv.sitePackages, distInfo, "direct_url.json")));
}

/** pip's direct_url.json of a bzr checkout at revision 1 (head 2) as dpip writes it. */
function bzrTreeRevision(pips: Record<string, unknown>): Record<string, unknown> {
  const recorded = pips["vproj-1.0.dist-info"] as { vcs_info: { commit_id: string } };
  assertEquals(recorded.vcs_info.commit_id, "2");
  return {
    "vproj-1.0.dist-info": { ...recorded, vcs_info: { ...recorded.vcs_info, commit_id: "1" } },
  };
}

for (const vcs of ["git", "hg", "svn", "bzr"] as const satisfies readonly VcsName[]) {
  Deno.test({
    name: `install ${vcs}+ URLs, plain at a revision and editable, as pip 23.2.1 does`,
    ignore: needs || skipUnless(VCS_AVAILABLE[vcs], vcs),
    async fn() {
      const { home, done } = await tempHome(`dpip-vcs-${vcs}-`);
      try {
        const repo = await makeRepository(vcs, join(home, "repo"), { name: "vproj", home });
        const plain = await sameAsPip(home, [[`${repo.url}@${repo.firstRevision}#egg=vproj`]], {
          // pip records `bzr revno`, the branch's head (2); dpip the tree's revision (1).
          ...(vcs === "bzr" ? { directUrl: bzrTreeRevision } : {}),
        });
        const recorded = directUrl(plain, "vproj-1.0.dist-info") as {
          url: string;
          vcs_info: { vcs: string; requested_revision: string };
        };
        assertEquals(
          [recorded.vcs_info.vcs, recorded.vcs_info.requested_revision],
          [vcs, repo.firstRevision],
        );
        const editable = await sameAsPip(home, [["-e", `${repo.url}#egg=vproj`]]);
        // The checkout is <venv>/src/vproj, at the head, recorded as an editable directory.
        assertEquals(
          Deno.readTextFileSync(join(editable.root, "src", "vproj", "PROJECT")),
          "vproj 2.0\n",
        );
        assertEquals(directUrl(editable, "vproj-2.0.dist-info"), {
          dir_info: { editable: true },
          url: pathToFileURL(join(editable.root, "src", "vproj")).href,
        });
      } finally {
        await done();
      }
    },
  });
}

Deno.test({
  name: "install -e git+… again: the checkout is updated and the project reinstalled, as pip",
  ignore: needs || skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    const { home, done } = await tempHome("dpip-vcs-again-");
    try {
      const repo = await makeRepository("git", join(home, "repo"), { name: "vproj", home });
      const venv = await sameAsPip(home, [
        ["-e", `${repo.url}@v1#egg=vproj`],
        ["-e", `${repo.url}#egg=vproj`],
      ]);
      assertEquals(
        Deno.readTextFileSync(join(venv.root, "src", "vproj", "PROJECT")),
        "vproj 2.0\n",
      );
      const again = await dpip(
        ["install", "--python", venv.python, "--no-index", "-e", `${repo.url}#egg=vproj`],
        { home },
      );
      assertEquals(again.status, 0, again.stderr);
      assertEquals(
        again.stdout.split("\n").filter((line) => !line.startsWith(" ") && line !== ""),
        [
          `Obtaining vproj from ${repo.url.replace("file:///", "file:/")}#egg=vproj`,
          "Building wheels for collected packages: vproj",
          "Successfully built vproj",
          "Installing collected packages: vproj",
          "Successfully installed vproj-2.0",
        ],
      );
      assert(again.stdout.includes("  Updating ./venv/src/vproj clone"), again.stdout);
    } finally {
      await done();
    }
  },
});

Deno.test({
  name:
    "install -e with another checkout in --src: --exists-action s, i, w, b as pip; else refused",
  ignore: needs || skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    const { home, done } = await tempHome("dpip-vcs-exists-");
    try {
      const a = await makeRepository("git", join(home, "a"), { name: "vproj", home });
      const b = await makeRepository("git", join(home, "b"), { name: "vproj", home });
      const src = join(home, "checkouts");
      for (const action of ["s", "i", "w", "b"]) {
        await Deno.remove(src, { recursive: true }).catch(() => {});
        const steps = [
          ["--src", src, "-e", `${a.url}@v1#egg=vproj`],
          ["--src", src, "--exists-action", action, "-e", `${b.url}#egg=vproj`],
        ];
        const ours = await runIn(home, "dpip", steps);
        const oursRemote = await vcsRun("git", ["config", "remote.origin.url"], {
          cwd: join(src, "vproj"),
          home,
        });
        const oursBackup = await Deno.stat(join(src, "vproj.bak")).then(() => true, () => false);
        await Deno.remove(src, { recursive: true });
        const theirs = await runIn(home, "pip", steps);
        const theirsRemote = await vcsRun("git", ["config", "remote.origin.url"], {
          cwd: join(src, "vproj"),
          home,
        });
        const theirsBackup = await Deno.stat(join(src, "vproj.bak")).then(() => true, () => false);
        assertEquals(ours.results.map((r) => r.status), [0, 0], ours.results.at(-1)?.stderr);
        assertEquals(theirs.results.map((r) => r.status), [0, 0], action);
        assertEquals([oursRemote, oursBackup], [theirsRemote, theirsBackup], action);
        assertEquals(snapshotDiff(theirs.files, ours.files), [], action);
      }
      // Nothing says what to do and no one can be asked: pip crashes on the closed input;
      // dpip stops in one line naming the requirement, and changes nothing.
      await Deno.remove(src, { recursive: true });
      const venv = await makeVenv(join(home, "venv-refused"));
      const first = await dpip(
        [
          "install",
          "--python",
          venv.python,
          "--no-index",
          "--src",
          src,
          "-e",
          `${a.url}#egg=vproj`,
        ],
        { home },
      );
      assertEquals(first.status, 0, first.stderr);
      const before = files(venv);
      for (const extra of [[], ["--exists-action", "a"]]) {
        const refused = await dpip([
          "install",
          "--python",
          venv.python,
          "--no-index",
          "--src",
          src,
          ...extra,
          "-e",
          `${b.url}#egg=vproj`,
        ], { home });
        assertEquals(refused.status, 1);
        const errors = refused.stderr.split("\n").filter((line) => line.startsWith("ERROR:"));
        assertEquals(errors.length, 1, refused.stderr);
        assertMatch(
          errors[0]!,
          /^ERROR: Cannot build git\+file:.*\/b\/work#egg=vproj: .*checkouts\/vproj already exists/,
        );
        assertMatch(refused.stderr, /hint: pass --exists-action s/);
        assertEquals(snapshotDiff(before, files(venv)), []);
      }
      const pips = await pip(
        venv.python,
        ["install", "--no-index", "--src", src, "-e", `${b.url}#egg=vproj`],
        { cwd: home },
      );
      assert(pips.status !== 0, "pip refuses too");
    } finally {
      await done();
    }
  },
});

Deno.test({
  name: "a git URL pinned to a commit is built once: the next install takes the cached wheel",
  ignore: needs || skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    const { home, done } = await tempHome("dpip-vcs-pinned-");
    try {
      const repo = await makeRepository("git", join(home, "repo"), { name: "vproj", home });
      const sha = await vcsRun("git", ["rev-parse", "v1"], { cwd: repo.workDir, home });
      // Named (#egg=): pip looks in its wheel cache only for a requirement whose name it knows.
      const url = `${repo.url}@${sha}#egg=vproj`;
      const recorded: unknown[] = [];
      for (const tool of ["dpip", "pip"] as const) {
        const cache = join(home, `cache-${tool}`);
        const copy = join(home, "pinned");
        await Deno.remove(copy, { recursive: true }).catch(() => {});
        await vcsRun("git", ["clone", "-q", repo.workDir, copy], { cwd: home, home });
        const pinned = url.replace(repo.workDir, copy);
        for (const step of ["first", "without the repository"]) {
          const venv = await makeVenv(join(home, `venv-${tool}-${recorded.length}`));
          const args = ["--no-index", "--cache-dir", cache, pinned];
          const result = tool === "dpip"
            ? await dpip(["install", "--python", venv.python, ...args], { home, env: QUIET_PYTHON })
            : await pip(venv.python, ["install", "--no-compile", ...args], { cwd: home });
          assertEquals(result.status, 0, `${tool} ${step}: ${result.stderr}`);
          recorded.push(directUrl(venv, "vproj-1.0.dist-info"));
          if (step === "first") await Deno.remove(copy, { recursive: true });
        }
      }
      const copyUrl = pathToFileURL(join(home, "pinned")).href;
      assertEquals(recorded, [
        { url: copyUrl, vcs_info: { vcs: "git", commit_id: sha, requested_revision: sha } },
        { url: copyUrl, vcs_info: { vcs: "git", commit_id: sha, requested_revision: sha } },
        { url: copyUrl, vcs_info: { vcs: "git", commit_id: sha, requested_revision: sha } },
        { url: copyUrl, vcs_info: { vcs: "git", commit_id: sha, requested_revision: sha } },
      ]);
      // A tag can move: it is never taken from the cache.
      const tagVenv = await makeVenv(join(home, "venv-tag"));
      const tagged = await dpip([
        "install",
        "--python",
        tagVenv.python,
        "--no-index",
        "--cache-dir",
        join(home, "cache-dpip"),
        `${repo.url}@v1`,
      ], { home });
      assertEquals(tagged.status, 0, tagged.stderr);
      assert(tagged.stdout.includes("  Cloning "), tagged.stdout);
    } finally {
      await done();
    }
  },
});

Deno.test({
  name: "a VCS client that is not installed: one line naming the requirement and the client",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-vcs-missing-");
    try {
      const venv = await makeVenv(join(home, "venv"));
      const empty = join(home, "empty-path");
      await Deno.mkdir(empty);
      for (const vcs of ["git", "hg", "svn", "bzr"] as const) {
        const url = `${vcs}+file:///nowhere/repo#egg=vproj`;
        const result = await dpip(["install", "--python", venv.python, "--no-index", url], {
          home,
          env: { PATH: empty },
        });
        assertEquals(result.status, 1, result.stderr);
        const errors = result.stderr.split("\n").filter((line) => line.startsWith("ERROR:"));
        assertEquals(errors.length, 1, result.stderr);
        assertMatch(
          errors[0]!,
          new RegExp(
            `^ERROR: Cannot build ${vcs}\\+file:///nowhere/repo#egg=vproj: .* is not installed \\(no '${vcs}' command on PATH\\)$`,
          ),
        );
        assertEquals(files(venv).has("src"), false);
      }
    } finally {
      await done();
    }
  },
});
