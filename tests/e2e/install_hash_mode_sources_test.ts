/**
 * Hash-checking mode refuses what it cannot check — a project directory, a
 * VCS URL — before any build runs (pip 23.2.1 refuses both too): a build
 * backend is code from the package, and hash-checking mode is how a user
 * says to run nothing unverified.
 *
 * @module
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { hasCommand } from "./real_servers.ts";
import {
  dpip,
  makeVenv,
  oracle,
  pip,
  snapshotDiff,
  tempHome,
  treeSnapshot,
} from "./install_support.ts";

const git = await hasCommand("git", ["--version"]);

/** A project whose in-tree backend leaves `marker` behind as soon as any hook loads it. */
async function writeTellingProject(dir: string, marker: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "pyproject.toml"),
    '[build-system]\nrequires = []\nbuild-backend = "telling"\nbackend-path = ["."]\n',
  );
  await Deno.writeTextFile(
    join(dir, "telling.py"),
    `open(${JSON.stringify(marker)}, "w").close()\nraise SystemExit("the backend ran")\n`,
  );
}

Deno.test({
  name:
    "install and download --require-hashes refuse a directory and a VCS URL, as pip does, before any build runs",
  ignore: skipUnless(oracle && git, "Python 3.11 with pip, and git"),
  async fn() {
    const { home, done } = await tempHome("dpip-hash-sources-");
    try {
      const marker = join(home, "backend-ran");
      const project = join(home, "proj");
      await writeTellingProject(project, marker);
      const env = { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
      for (const args of [["init", "-q"], ["add", "."], ["commit", "-q", "-m", "one"]]) {
        const out = await new Deno.Command("git", {
          args: ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args],
          cwd: project,
          env,
        }).output();
        assert(out.success, `git ${args.join(" ")}`);
      }
      const venv = await makeVenv(join(home, "venv"));
      const before = await treeSnapshot(venv.root);
      const cases = [
        { target: project, says: "because they point to directories" },
        {
          target: `git+${pathToFileURL(project).href}`,
          says: "we don't have a way to hash version control repositories",
        },
      ];
      for (const { target, says } of cases) {
        // download refuses them as install does (pip's download too).
        const fetched = await dpip(
          ["download", "--no-index", "--require-hashes", "-d", join(home, "saved"), target],
          { home },
        );
        assertEquals(fetched.status, 1, fetched.stderr);
        assert(fetched.stderr.includes(says), fetched.stderr);
        const ours = await dpip(
          ["install", "--python", venv.python, "--no-index", "--require-hashes", target],
          { home },
        );
        assertEquals(ours.status, 1, ours.stderr);
        const first = ours.stderr.split("\n").find((line) => line.startsWith("ERROR:")) ?? "";
        assert(first.includes(`Can't verify hashes for these`) && first.includes(says), first);
        const theirs = await pip(venv.python, [
          "install",
          "--no-index",
          "--require-hashes",
          target,
        ]);
        assertEquals(theirs.status, 1, theirs.stderr);
        assert(theirs.stderr.includes(says), theirs.stderr);
      }
      assertEquals(await Deno.stat(marker).then(() => true, () => false), false);
      assertEquals(snapshotDiff(before, await treeSnapshot(venv.root)), []);
    } finally {
      await done();
    }
  },
});
