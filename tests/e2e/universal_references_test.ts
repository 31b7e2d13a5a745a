/**
 * `lock --universal` and `compile --universal` of direct references, on an
 * index served here: a local wheel (one for this platform, one for
 * Windows), a wheel URL the server serves (whose project the index also
 * offers, through another project's requirement), a local sdist, a project
 * directory, an editable one and a git repository made here. The lock writes each as `pip lock` writes it (PEP 751
 * `archive`, `directory`, `vcs` tables, with hashes where pip gives them,
 * the commit checked out), with the marker its requirement carries, and
 * their dependencies fork on markers as any other's. `dpip install -r
 * pylock.toml` installs each lock; pip 26 installs the one of archives with
 * the same `pip freeze` (it refuses directories and checkouts in a lock:
 * its hash-checking mode cannot check them).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parsePylock, type PylockPackage } from "../../lib/lock/pylock.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { type IndexServer, startIndexServer, wheelFile } from "../helpers/index_server.ts";
import { pip26, runPip26 } from "../helpers/pip26.ts";
import { skipUnless } from "../helpers/python.ts";
import { VCS_AVAILABLE, vcsRun } from "../helpers/vcs_repos.ts";
import { miniBackendWheel, miniSdist, writeProject } from "./build_support.ts";
import { dpip, frozen, makeVenv, python311, tempHome } from "./install_support.ts";

const oracle = await pip26();

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** `kept` 1.0 is the wheel named by URL; the index offers 2.0 too, and `usekept` requires it. */
const keptWheel = wheelFile({ name: "kept", version: "1.0" });

/** Runs `body` in a fresh home with the test index served (`index`: the options naming it). */
async function withIndex(
  prefix: string,
  body: (home: string, index: string[], server: IndexServer) => Promise<void>,
): Promise<void> {
  const server = await startIndexServer({
    files: [
      miniBackendWheel(),
      wheelFile({ name: "lib", version: "1.0", metadata: { requiresPython: ">=3.8" } }),
      wheelFile({ name: "lib", version: "2.0", metadata: { requiresPython: ">=3.10" } }),
      wheelFile({ name: "winonly", version: "1.0", tags: "cp38-abi3-win_amd64" }),
      keptWheel,
      wheelFile({ name: "kept", version: "2.0" }),
      wheelFile({ name: "usekept", version: "1.0", metadata: { requiresDist: ["kept"] } }),
    ],
  });
  const { home, done } = await tempHome(prefix);
  try {
    await body(home, ["--index-url", server.url, "--trusted-host", "127.0.0.1"], server);
  } finally {
    await done();
    await server.close();
  }
}

/** `name version [marker]` and the direct-reference table of each package of a lock. */
function entries(packages: readonly PylockPackage[]): string[] {
  return packages.map((p) =>
    `${p.name} ${p.version ?? "-"} [${p.marker ?? ""}]${
      p.archive ? " archive" : p.directory ? " directory" : p.vcs ? " vcs" : ""
    }`
  );
}

async function lockUniversally(home: string, args: string[]): Promise<PylockPackage[]> {
  const locked = await dpip([
    "lock",
    "--universal",
    "--python-version",
    "3.8",
    "--python",
    python311!,
    "--cache-dir",
    join(home, "cache"),
    ...args,
    "-o",
    "pylock.toml",
  ], { home });
  assertEquals(locked.status, 0, locked.stderr);
  const text = await Deno.readTextFile(join(home, "pylock.toml"));
  return [...parsePylock(text, "pylock.toml").lock.packages];
}

async function dpipInstallLock(home: string, index: string[], venv: string): Promise<string[]> {
  const { python } = await makeVenv(join(home, venv));
  const installed = await dpip(
    [
      "install",
      "--python",
      python,
      "--cache-dir",
      join(home, "cache"),
      ...index,
      "-r",
      "pylock.toml",
    ],
    { home },
  );
  assertEquals(installed.status, 0, installed.stderr);
  return await frozen(python);
}

/** pip 26 installing `pylock.toml` into a new venv: its result and the venv's Python. */
async function pip26InstallLock(home: string, index: string[]) {
  const { python } = await makeVenv(join(home, "venv-pip26"));
  const result = await runPip26(
    oracle!,
    ["--python", python, "install", "--no-cache-dir", ...index, "-r", "pylock.toml"],
    { cwd: home },
  );
  return { python, result };
}

Deno.test({
  name:
    "lock --universal of a local wheel, a wheel URL and a local sdist: archive tables with their hashes; dpip and pip 26 install the lock alike",
  ignore: skipUnless(python311, "pyenv's Python 3.11"),
  sanitizeResources: false,
  async fn() {
    await withIndex("dpip-universal-archives-", async (home, index, server) => {
      // The local wheel needs lib, which forks on Requires-Python.
      const local = wheelFile({
        name: "localwheel",
        version: "1.0",
        metadata: { requiresDist: ["lib"] },
      });
      await Deno.writeFile(join(home, local.filename), local.bytes);
      const sdist = miniSdist("oldsrc", "1.0", {
        dependencies: ["winonly; sys_platform == 'win32'"],
      });
      await Deno.writeFile(join(home, sdist.filename), sdist.bytes);
      // A wheel for another platform is read whatever its tags; its marker says where it goes.
      const windows = wheelFile({ name: "winpkg", version: "1.0", tags: "cp312-cp312-win_amd64" });
      await Deno.writeFile(join(home, windows.filename), windows.bytes);
      const keptUrl = server.fileUrl(keptWheel.filename);
      const keptHash = sha256(keptWheel.bytes);
      const packages = await lockUniversally(home, [
        ...index,
        `./${local.filename}`,
        `./${sdist.filename}`,
        // Named by URL (and checked against its fragment); usekept requires kept from the index.
        `kept @ ${keptUrl}#sha256=${keptHash}`,
        "usekept",
        `./${windows.filename} ; sys_platform == "win32"`,
      ]);
      assertEquals(entries(packages), [
        "kept - [] archive",
        'lib 1.0 [python_version < "3.10"]',
        'lib 2.0 [python_version >= "3.10"]',
        "localwheel - [] archive",
        "oldsrc - [] archive",
        "usekept 1.0 []",
        'winonly 1.0 [sys_platform == "win32"]',
        'winpkg - [sys_platform == "win32"] archive',
      ]);
      const archive = (name: string) => packages.find((p) => p.name === name)?.archive;
      assertEquals(archive("kept"), { url: keptUrl, hashes: { sha256: keptHash } });
      assertEquals(archive("localwheel"), {
        url: pathToFileURL(join(home, local.filename)).href,
        hashes: { sha256: sha256(local.bytes) },
      });
      assertEquals(archive("oldsrc"), {
        url: pathToFileURL(join(home, sdist.filename)).href,
        hashes: { sha256: sha256(sdist.bytes) },
      });

      const ours = await dpipInstallLock(home, index, "venv-dpip");
      // pip freeze names a direct reference by its URL.
      assertEquals(ours.map((line) => line.split(" @ ")[0]!.split("==")[0]!), [
        "kept",
        "lib",
        "localwheel",
        "oldsrc",
        "usekept",
      ]);
      assert(ours.includes("lib==2.0") && ours.includes("usekept==1.0"), ours.join("\n"));
      if (oracle !== undefined) {
        const { python, result } = await pip26InstallLock(home, index);
        assertEquals(result.code, 0, result.stderr);
        assertEquals(await frozen(python), ours);
      }
    });
  },
});

Deno.test({
  name:
    "lock --universal of a project directory, an editable one and a git repository: directory and vcs tables (the commit), markers; dpip installs the lock",
  ignore: skipUnless(python311, "pyenv's Python 3.11") || skipUnless(VCS_AVAILABLE.git, "git"),
  sanitizeResources: false,
  async fn() {
    await withIndex("dpip-universal-sources-", async (home, index) => {
      await writeProject(join(home, "proj"), "proj", "1.0", {
        dependencies: ["winonly; sys_platform == 'win32'", "lib"],
      });
      await writeProject(join(home, "editproj"), "editproj", "1.0");
      const repo = await writeProject(join(home, "repos", "gitproj"), "gitproj", "1.0");
      for (const args of [["init", "-q"], ["add", "."], ["commit", "-q", "-m", "one"]]) {
        await vcsRun("git", args, { cwd: repo, home });
      }
      const commit = (await vcsRun("git", ["rev-parse", "HEAD"], { cwd: repo, home })).trim();
      const gitUrl = `git+${pathToFileURL(repo).href}`;
      const requirements = [
        "./proj",
        "-e",
        "./editproj",
        `gitproj @ ${gitUrl} ; sys_platform == "linux"`,
      ];
      const packages = await lockUniversally(home, [...index, ...requirements]);
      assertEquals(entries(packages), [
        "editproj - [] directory",
        'gitproj - [sys_platform == "linux"] vcs',
        'lib 1.0 [python_version < "3.10"]',
        'lib 2.0 [python_version >= "3.10"]',
        "proj - [] directory",
        'winonly 1.0 [sys_platform == "win32"]',
      ]);
      const find = (name: string) => packages.find((p) => p.name === name)!;
      assertEquals(find("proj").directory, { path: "proj" });
      assertEquals(find("editproj").directory, { path: "editproj", editable: true });
      assertEquals(find("gitproj").vcs, {
        type: "git",
        url: pathToFileURL(repo).href,
        commitId: commit,
      });

      const ours = await dpipInstallLock(home, index, "venv-dpip");
      assertEquals(ours.filter((line) => !line.startsWith("-e ") && !line.startsWith("#")), [
        `gitproj @ ${gitUrl}@${commit}`,
        "lib==2.0",
        `proj @ ${pathToFileURL(join(home, "proj")).href}`,
      ]);
      assert(ours.some((line) => line.includes("editproj")), ours.join("\n"));
      if (oracle !== undefined) {
        // pip 26 cannot install such a lock: the lock's hashes turn on hash-checking mode.
        const { result } = await pip26InstallLock(home, index);
        assertEquals(result.code, 1, result.stderr);
        assertStringIncludes(result.stderr, "when requiring hashes");
      }

      // compile --universal pins the same references: the commit, the directory's URL, -e.
      await Deno.writeTextFile(
        join(home, "requirements.in"),
        requirements.join("\n").replace("-e\n", "-e "),
      );
      const compiled = await dpip(
        ["compile", "--universal", "--python-version", "3.8", ...index, "requirements.in"],
        { home },
      );
      assertEquals(compiled.status, 0, compiled.stderr);
      assertEquals(compiled.stdout.split("\n").filter((line) => /^[a-z-]/.test(line)), [
        `-e ${pathToFileURL(join(home, "editproj")).href}`,
        `gitproj @ ${gitUrl}@${commit} ; sys_platform == "linux"`,
        'lib==1.0 ; python_version < "3.10"',
        'lib==2.0 ; python_version >= "3.10"',
        `proj @ ${pathToFileURL(join(home, "proj")).href}`,
        'winonly==1.0 ; sys_platform == "win32"',
      ]);
    });
  },
});

Deno.test({
  name:
    "lock --universal: a wheel URL that cannot be fetched or does not match its #sha256=, or a file that is no wheel, is one line naming it",
  ignore: skipUnless(python311, "pyenv's Python 3.11"),
  sanitizeResources: false,
  async fn() {
    await withIndex("dpip-universal-bad-references-", async (home, index, server) => {
      const missing = server.fileUrl("gone-1.0-py3-none-any.whl");
      await Deno.writeFile(join(home, "broken-1.0-py3-none-any.whl"), new Uint8Array([1, 2, 3]));
      for (
        const [requirement, named] of [
          [`gone @ ${missing}`, missing],
          ["./broken-1.0-py3-none-any.whl", "broken-1.0-py3-none-any.whl"],
          // A fragment the file does not match: refused before anything is read from it.
          [
            `kept @ ${server.fileUrl(keptWheel.filename)}#sha256=${"0".repeat(64)}`,
            keptWheel.filename,
          ],
        ] as const
      ) {
        const result = await dpip(
          ["lock", "--universal", ...index, requirement, "-o", "pylock.toml"],
          { home },
        );
        assert(result.status !== 0, result.stderr);
        const errors = result.stderr.split("\n").filter((line) => line.startsWith("ERROR:"));
        assertEquals(errors.length, 1, result.stderr);
        assertStringIncludes(errors[0]!, named);
        assert(!result.stderr.includes("    at "), result.stderr);
      }
      // Nothing was written.
      await Deno.stat(join(home, "pylock.toml")).then(
        () => assert(false, "pylock.toml was written"),
        () => {},
      );
    });
  },
});

Deno.test({
  name:
    "lock (for the target) writes a wheel URL, a local sdist, a project directory and a git URL as pip 26's pip lock does",
  ignore: skipUnless(oracle, "the pip 26 oracle") || skipUnless(python311, "pyenv's Python 3.11") ||
    skipUnless(VCS_AVAILABLE.git, "git"),
  sanitizeResources: false,
  async fn() {
    await withIndex("dpip-lock-references-", async (home, index, server) => {
      await writeProject(join(home, "proj"), "proj", "1.0", { dependencies: ["lib"] });
      const sdist = miniSdist("oldsrc", "1.0");
      await Deno.writeFile(join(home, sdist.filename), sdist.bytes);
      const repo = await writeProject(join(home, "repos", "gitproj"), "gitproj", "1.0");
      for (const args of [["init", "-q"], ["add", "."], ["commit", "-q", "-m", "one"]]) {
        await vcsRun("git", args, { cwd: repo, home });
      }
      const requirements = [
        "./proj",
        `./${sdist.filename}`,
        `gitproj @ git+${pathToFileURL(repo).href}`,
        `kept @ ${server.fileUrl(keptWheel.filename)}`,
      ];
      const ours = await dpip(
        ["lock", "--python", python311!, ...index, ...requirements, "-o", "pylock.toml"],
        { home },
      );
      assertEquals(ours.status, 0, ours.stderr);
      const theirs = await runPip26(
        oracle!,
        ["lock", "--no-cache-dir", ...index, ...requirements, "-o", "pylock.pip.toml"],
        { cwd: home },
      );
      assertEquals(theirs.code, 0, theirs.stderr);
      const tables = async (file: string) =>
        parsePylock(await Deno.readTextFile(join(home, file)), file).lock.packages.map((p) => ({
          name: p.name,
          version: p.version,
          archive: p.archive,
          directory: p.directory,
          vcs: p.vcs,
          wheels: p.wheels?.map((wheel) => wheel.name),
        }));
      assertEquals(await tables("pylock.toml"), await tables("pylock.pip.toml"));
    });
  },
});
