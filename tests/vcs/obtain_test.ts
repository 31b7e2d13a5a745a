/**
 * Checkouts with the real clients: each VCS at a revision and at its head;
 * an existing checkout of the same URL updated; another checkout or a
 * plain directory in the way switched, ignored, wiped or backed up as
 * `--exists-action` (or the answer to the question) says, and refused in
 * one error when nothing says; a client that is not installed; a revision
 * that does not exist.
 */

import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { makeRepository, VCS_AVAILABLE, vcsRun } from "../helpers/vcs_repos.ts";
import {
  CheckoutExistsError,
  fetchCheckout,
  obtainCheckout,
  parseVcsUrl,
  VcsCommandError,
  VcsNotInstalledError,
} from "../../lib/vcs/mod.ts";
import type { VcsName } from "../../lib/vcs/vcs_url.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dpip-vcs-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const version = (dir: string) => Deno.readTextFileSync(join(dir, "PROJECT")).trim();

for (const vcs of ["git", "hg", "svn", "bzr"] as const satisfies readonly VcsName[]) {
  Deno.test({
    name: `fetchCheckout() and obtainCheckout() with ${vcs}: a revision, the head, an update`,
    ignore: skipUnless(VCS_AVAILABLE[vcs], vcs),
    async fn() {
      await withTemp(async (dir) => {
        const repo = await makeRepository(vcs, join(dir, "repo"), { name: "proj", home: dir });
        const info: string[] = [];
        const options = { reporter: { onInfo: (text: string) => info.push(text) } };
        const first = await fetchCheckout(
          join(dir, "first"),
          parseVcsUrl(`${repo.url}@${repo.firstRevision}`),
          options,
        );
        assertEquals(version(first.dir), "proj 1.0");
        assertEquals(first.immutable, false); // a tag or revision number, not a commit id
        const head = await fetchCheckout(join(dir, "head"), parseVcsUrl(repo.url), options);
        assertEquals(version(head.dir), "proj 2.0");
        assert(first.commitId !== head.commitId, `${first.commitId} ${head.commitId}`);
        // An editable checkout of the same URL that exists is brought to the revision asked.
        const kept = await obtainCheckout(first.dir, parseVcsUrl(repo.url), options);
        assertEquals(version(kept.dir), "proj 2.0");
        assertEquals(kept.commitId, head.commitId);
        assert(info.some((line) => line.startsWith("Updating ")), info.join("\n"));
      });
    },
  });
}

Deno.test({
  name:
    "a git checkout pinned to a commit id is immutable; a bad revision fails naming the command",
  ignore: skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    await withTemp(async (dir) => {
      const repo = await makeRepository("git", join(dir, "repo"), { name: "proj", home: dir });
      const sha = await vcsRun("git", ["rev-parse", "v1"], { cwd: repo.workDir, home: dir });
      const pinned = await fetchCheckout(join(dir, "pinned"), parseVcsUrl(`${repo.url}@${sha}`));
      assertEquals([pinned.commitId, pinned.immutable, version(pinned.dir)], [
        sha,
        true,
        "proj 1.0",
      ]);
      const error = await assertRejects(
        () => fetchCheckout(join(dir, "bad"), parseVcsUrl(`${repo.url}@nope`)),
        VcsCommandError,
      );
      assert(
        error.message.startsWith("git checkout failed: error: pathspec 'nope'"),
        error.message,
      );
    });
  },
});

Deno.test({
  name: "obtainCheckout() with another checkout in the way: s, i, w, b, a, no answer, an answer",
  ignore: skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    await withTemp(async (dir) => {
      const a = await makeRepository("git", join(dir, "a"), { name: "proj", home: dir });
      const b = await makeRepository("git", join(dir, "b"), { name: "proj", home: dir });
      const remote = (path: string) =>
        vcsRun("git", ["config", "remote.origin.url"], { cwd: path, home: dir });
      const fresh = async (name: string) => {
        const dest = join(dir, name);
        await fetchCheckout(dest, parseVcsUrl(`${a.url}@v1`));
        return dest;
      };
      const other = parseVcsUrl(b.url);
      const warnings: string[] = [];
      const reporter = { onWarning: (text: string) => warnings.push(text) };

      const switched = await fresh("switch");
      await obtainCheckout(switched, other, { existsAction: ["s"], reporter });
      assertEquals(await remote(switched), other.url);
      assertEquals(warnings.slice(0, 2), [
        `git clone in ${switched} exists with URL ${a.url.slice(4)}`,
        `The plan is to install the git repository ${other.url}`,
      ]);

      const ignored = await fresh("ignore");
      await obtainCheckout(ignored, other, { existsAction: ["a", "i"] });
      assertEquals([await remote(ignored), version(ignored)], [a.url.slice(4), "proj 1.0"]);

      const wiped = await fresh("wipe");
      await Deno.writeTextFile(join(wiped, "stray"), "");
      await obtainCheckout(wiped, other, { existsAction: ["w"] });
      assertEquals([await remote(wiped), version(wiped)], [other.url, "proj 2.0"]);
      assertRejects(() => Deno.stat(join(wiped, "stray")));

      const backedUp = await fresh("backup");
      await Deno.mkdir(`${backedUp}.bak`);
      await obtainCheckout(backedUp, other, { existsAction: ["b"] });
      assertEquals(await remote(`${backedUp}.bak2`), a.url.slice(4));
      assertEquals(await remote(backedUp), other.url);

      const kept = await fresh("kept");
      for (const existsAction of [["a"], []] as const) {
        const error = await assertRejects(
          () => obtainCheckout(kept, other, { existsAction }),
          CheckoutExistsError,
        );
        assert(error.message.startsWith(`${kept} already exists (a git clone of`), error.message);
        assert(error.hint?.includes("--exists-action"));
      }
      assertEquals(await remote(kept), a.url.slice(4));

      const questions: string[] = [];
      await obtainCheckout(kept, other, {
        ask: (question, choices) => {
          questions.push(`${question}|${choices.join("")}`);
          return Promise.resolve("w");
        },
      });
      assertEquals(questions, ["What to do?  (s)witch, (i)gnore, (w)ipe, (b)ackup |siwb"]);
      assertEquals(await remote(kept), other.url);
    });
  },
});

Deno.test({
  name: "obtainCheckout() with a plain directory in the way: no switching; ignore or wipe",
  ignore: skipUnless(VCS_AVAILABLE.git, "git"),
  async fn() {
    await withTemp(async (dir) => {
      const repo = await makeRepository("git", join(dir, "repo"), { name: "proj", home: dir });
      const dest = join(dir, "plain");
      await Deno.mkdir(dest);
      await Deno.writeTextFile(join(dest, "mine"), "keep");
      const location = parseVcsUrl(repo.url);
      await assertRejects(
        () => obtainCheckout(dest, location, { existsAction: ["s"] }),
        CheckoutExistsError,
        "not a git clone",
      );
      await obtainCheckout(dest, location, { existsAction: ["s", "i"] });
      assertEquals(Deno.readTextFileSync(join(dest, "mine")), "keep");
      await obtainCheckout(dest, location, { existsAction: ["w"] });
      assertEquals(version(dest), "proj 2.0");
    });
  },
});

Deno.test("a VCS client that is not installed is named, with what to install", async () => {
  await withTemp(async (dir) => {
    for (const vcs of ["git", "hg", "svn", "bzr"] as const) {
      const error = await assertRejects(
        () =>
          fetchCheckout(join(dir, vcs), parseVcsUrl(`${vcs}+file:///nowhere`), {
            env: { PATH: join(dir, "empty") },
          }),
        VcsNotInstalledError,
      );
      assertEquals(error.vcs, vcs);
      assert(error.message.includes(`'${vcs}'`), error.message);
    }
  });
});
