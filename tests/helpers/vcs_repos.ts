/**
 * Local repositories for VCS tests, made with the real clients (git,
 * Mercurial, Subversion through `svnadmin create` and a `file://` URL,
 * Bazaar/Breezy): a small Python project whose in-tree build backend needs
 * nothing from an index, committed twice (`1.0`, then `2.0`), with a
 * revision that names the first commit.
 *
 * @module
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { VcsName } from "../../lib/vcs/vcs_url.ts";

/** Whether a command runs (`tool --version`). */
function runs(tool: string): boolean {
  try {
    return new Deno.Command(tool, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** The VCS clients this machine has. */
export const VCS_AVAILABLE: Readonly<Record<VcsName, boolean>> = {
  git: runs("git"),
  hg: runs("hg"),
  svn: runs("svn") && runs("svnadmin"),
  bzr: runs("bzr"),
};

/**
 * A PEP 517 backend kept in the project (`backend-path`), so builds need no
 * index: the wheel holds `<name>.py`; the editable wheel a `.pth` file naming
 * the project directory. Name and version come from `PROJECT`.
 */
export const IN_TREE_BACKEND = String.raw`
import base64, hashlib, os, zipfile

def _project():
    name, version = open("PROJECT").read().split()
    return name, version

def _record(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))

def _wheel(directory, files):
    name, version = _project()
    info = "%s-%s.dist-info" % (name, version)
    files = dict(files)
    files[info + "/METADATA"] = ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)).encode()
    files[info + "/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    filename = "%s-%s-py3-none-any.whl" % (name, version)
    rows = [_record(n, d) for n, d in sorted(files.items())] + [info + "/RECORD,,"]
    with zipfile.ZipFile(os.path.join(directory, filename), "w") as archive:
        for n, d in sorted(files.items()):
            archive.writestr(n, d)
        archive.writestr(info + "/RECORD", "\n".join(rows) + "\n")
    return filename

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = _project()[0]
    return _wheel(wheel_directory, {name + ".py": open(name + ".py", "rb").read()})

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name = _project()[0]
    return _wheel(wheel_directory, {"__editable__.%s.pth" % name: (os.getcwd() + "\n").encode()})
`;

/** Writes the project's files (version `version`) into `dir`. */
export async function writeInTreeProject(
  dir: string,
  name: string,
  version: string,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "pyproject.toml"),
    '[build-system]\nrequires = []\nbuild-backend = "in_tree_backend"\nbackend-path = ["."]\n',
  );
  await Deno.writeTextFile(join(dir, "in_tree_backend.py"), IN_TREE_BACKEND);
  await Deno.writeTextFile(join(dir, "PROJECT"), `${name} ${version}\n`);
  await Deno.writeTextFile(join(dir, `${name}.py`), `VERSION = "${version}"\n`);
}

/** A repository made by {@link makeRepository}. */
export interface TestRepository {
  readonly vcs: VcsName;
  /** The requirement URL without revision or fragment (`git+file:///…/repo`). */
  readonly url: string;
  /** A revision naming the first commit (version 1.0); the head is 2.0. */
  readonly firstRevision: string;
  /** The working copy the commits were made in. */
  readonly workDir: string;
}

const COMMIT_ENV = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
  BRZ_EMAIL: "t <t@example.com>",
  BZR_EMAIL: "t <t@example.com>",
  HGUSER: "t",
};

/** Runs a VCS command in `cwd`; throws with its output when it fails. */
export async function vcsRun(
  tool: string,
  args: readonly string[],
  options: { cwd: string; home: string },
): Promise<string> {
  const output = await new Deno.Command(tool, {
    args: [...args],
    cwd: options.cwd,
    env: { ...COMMIT_ENV, HOME: options.home, PATH: Deno.env.get("PATH") ?? "" },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(`${tool} ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`);
  }
  return text.trim();
}

/**
 * A repository of project `name` under `dir`: version 1.0 committed (and
 * for git and hg tagged `v1`), then 2.0 committed on top.
 */
export async function makeRepository(
  vcs: VcsName,
  dir: string,
  options: { name: string; home: string },
): Promise<TestRepository> {
  const { name, home } = options;
  await Deno.mkdir(dir, { recursive: true });
  const work = join(dir, "work");
  const run = (tool: string, ...args: string[]) => vcsRun(tool, args, { cwd: work, home });
  switch (vcs) {
    case "git": {
      await writeInTreeProject(work, name, "1.0");
      await run("git", "init", "-q");
      await run("git", "add", ".");
      await run("git", "commit", "-q", "-m", "one");
      await run("git", "tag", "v1");
      await writeInTreeProject(work, name, "2.0");
      await run("git", "commit", "-q", "-am", "two");
      return { vcs, url: `git+${pathToFileURL(work).href}`, firstRevision: "v1", workDir: work };
    }
    case "hg": {
      await writeInTreeProject(work, name, "1.0");
      await run("hg", "init");
      await run("hg", "add", "-q");
      await run("hg", "commit", "-q", "-m", "one");
      await run("hg", "tag", "v1");
      await writeInTreeProject(work, name, "2.0");
      await run("hg", "commit", "-q", "-m", "two");
      return { vcs, url: `hg+${pathToFileURL(work).href}`, firstRevision: "v1", workDir: work };
    }
    case "svn": {
      const repo = join(dir, "svnrepo");
      await vcsRun("svnadmin", ["create", repo], { cwd: dir, home });
      const trunk = `${pathToFileURL(repo).href}/trunk`;
      const initial = join(dir, "initial");
      await writeInTreeProject(initial, name, "1.0");
      await vcsRun("svn", ["import", "-q", "-m", "one", initial, trunk], { cwd: dir, home });
      await vcsRun("svn", ["checkout", "-q", trunk, work], { cwd: dir, home });
      await writeInTreeProject(work, name, "2.0");
      await run("svn", "commit", "-q", "-m", "two");
      return { vcs, url: `svn+${trunk}`, firstRevision: "1", workDir: work };
    }
    case "bzr": {
      await writeInTreeProject(work, name, "1.0");
      await run("bzr", "init", "-q");
      await run("bzr", "add", "-q");
      await run("bzr", "commit", "-q", "-m", "one");
      await writeInTreeProject(work, name, "2.0");
      await run("bzr", "commit", "-q", "-m", "two");
      return { vcs, url: `bzr+${pathToFileURL(work).href}`, firstRevision: "1", workDir: work };
    }
  }
}
