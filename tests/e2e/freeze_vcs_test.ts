/**
 * `dpip freeze` of editable installs against pip 23.2.1: projects in git
 * checkouts (a remote `origin` among others, no remote at all, no commit
 * yet, a project in a subdirectory, hostile remote URLs), a Mercurial
 * checkout, a Subversion working copy, and a plain directory. pip installs them all into one venv;
 * dpip's `freeze` must print what pip's prints, and log the same warnings.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { makeRepository, VCS_AVAILABLE, vcsRun, writeInTreeProject } from "../helpers/vcs_repos.ts";
import { dpip, makeVenv, oracle, pip, python311, tempHome } from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip") ||
  skipUnless(VCS_AVAILABLE.git, "git");

/** A project `name` 1.0 in `dir`, committed to a new git repository (unless `commit` is false). */
async function gitProject(
  dir: string,
  name: string,
  options: { home: string; commit?: boolean; remotes?: Record<string, string> },
): Promise<void> {
  await writeInTreeProject(dir, name, "1.0");
  const git = (...args: string[]) => vcsRun("git", args, { cwd: dir, home: options.home });
  await git("init", "-q");
  if (options.commit !== false) {
    await git("add", ".");
    await git("commit", "-q", "-m", "one");
  }
  for (const [remote, url] of Object.entries(options.remotes ?? {})) {
    await git("config", `remote.${remote}.url`, url);
  }
}

/** The `WARNING:` lines of a run's stderr. */
function warnings(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith("WARNING: "));
}

Deno.test({
  name: "freeze prints editable VCS checkouts as pip does: -e git+url@commit#egg=name, or why not",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-freeze-vcs-");
    try {
      const projects = join(home, "projects");
      await gitProject(join(projects, "origin"), "originproj", {
        home,
        remotes: { another: "https://other.example/x.git", origin: "https://example.com/o.git" },
      });
      await gitProject(join(projects, "scp"), "scpproj", {
        home,
        remotes: { upstream: "git@example.com:team/scp.git" },
      });
      await gitProject(join(projects, "lonely"), "lonelyproj", { home });
      await gitProject(join(projects, "empty"), "emptyproj", {
        home,
        commit: false,
        remotes: { origin: "https://example.com/e.git" },
      });
      await writeInTreeProject(join(projects, "plain"), "plainproj", "1.0");
      // A project in a subdirectory of a checkout.
      await vcsRun("git", ["init", "-q", join(projects, "mono")], { cwd: home, home });
      await writeInTreeProject(join(projects, "mono", "sub", "pkg"), "subproj", "1.0");
      for (const args of [["add", "."], ["commit", "-q", "-m", "one"]]) {
        await vcsRun("git", args, { cwd: join(projects, "mono"), home });
      }
      await vcsRun("git", ["config", "remote.origin.url", "https://example.com/mono.git"], {
        cwd: join(projects, "mono"),
        home,
      });
      // Remotes that try to add lines, or to be something else than a URL.
      await gitProject(join(projects, "newline"), "newlineproj", {
        home,
        remotes: { origin: "https://example.com/a.git\n-e evil @ file:///etc\r# more" },
      });
      await gitProject(join(projects, "notaurl"), "notaurlproj", {
        home,
        remotes: { origin: "it's not\ta url" },
      });
      await gitProject(join(projects, "spaced"), "spacedproj", {
        home,
        remotes: { origin: "https://example.com/s.git extra words" },
      });
      const hg = VCS_AVAILABLE.hg ? ["hg"] : [];
      if (VCS_AVAILABLE.hg) {
        const dir = join(projects, "hg");
        await writeInTreeProject(dir, "hgproj", "1.0");
        for (const args of [["init"], ["add", "-q"], ["commit", "-q", "-m", "one"]]) {
          await vcsRun("hg", args, { cwd: dir, home });
        }
        await Deno.writeTextFile(
          join(dir, ".hg", "hgrc"),
          "[paths]\ndefault = https://hg.example.com/repo\n",
        );
      }

      const svn = VCS_AVAILABLE.svn ? ["svn/work"] : [];
      if (VCS_AVAILABLE.svn) {
        await makeRepository("svn", join(projects, "svn"), { name: "svnproj", home });
      }

      const venv = await makeVenv(join(home, "venv"));
      const dirs = [
        "origin",
        "scp",
        "lonely",
        "empty",
        "plain",
        "mono/sub/pkg",
        "newline",
        "notaurl",
        "spaced",
        ...hg,
        ...svn,
      ];
      for (const dir of dirs) {
        const installed = await pip(venv.python, [
          "install",
          "--no-index",
          "--no-build-isolation",
          "-e",
          join(projects, dir),
        ]);
        assertEquals(installed.status, 0, installed.stderr);
      }
      const theirs = await pip(venv.python, ["freeze"]);
      assertEquals(theirs.status, 0, theirs.stderr);
      const ours = await dpip(["freeze", "--python", venv.python], { home });
      assertEquals(ours.status, 0, ours.stderr);
      assertEquals(ours.stdout, theirs.stdout);
      assertEquals(warnings(ours.stderr), warnings(theirs.stdout + theirs.stderr));
      // What pip prints, spelled out for the cases the brief names.
      const lines = ours.stdout.split("\n");
      const commit = await vcsRun("git", ["rev-parse", "HEAD"], {
        cwd: join(projects, "origin"),
        home,
      });
      assertEquals(
        lines.filter((line) => line.includes("originproj") || line.includes("lonelyproj")),
        [
          "# Editable Git install with no remote (lonelyproj==1.0)",
          `-e git+https://example.com/o.git@${commit}#egg=originproj`,
        ],
      );
      assertEquals(lines.filter((line) => line.includes("evil")), []);
      const foreign = [...(VCS_AVAILABLE.hg ? ["hg"] : []), ...(VCS_AVAILABLE.svn ? ["svn"] : [])];
      for (const vcs of foreign) {
        assert(lines.some((line) => line.startsWith(`-e ${vcs}+`)), `${vcs}: ${ours.stdout}`);
      }
      assertEquals(
        lines.filter((line) => line.includes("plainproj")),
        ["# Editable install with no version control (plainproj==1.0)"],
      );
      // Listed as name==version by `list --format freeze`, as pip lists them.
      const listed = await dpip(["list", "--format", "freeze", "--python", venv.python], { home });
      const pipListed = await pip(venv.python, ["list", "--format", "freeze"]);
      assertEquals(listed.stdout, pipListed.stdout);
    } finally {
      await done();
    }
  },
});
