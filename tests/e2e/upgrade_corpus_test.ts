/**
 * `upgrade --all` and `uninstall --autoremove` on `../shared/corpus` (real
 * wheels, old and new versions): Flask 2.2.2 installed with Werkzeug held
 * at 2.2.2 by a constraint, then `dpip upgrade --all` (without it) brings
 * both to 3.x, and pip 23.2.1's `check` finds nothing broken; `dpip
 * uninstall --autoremove flask` then leaves only what was asked for.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { corpusDir } from "../index/corpus.ts";
import { distInfos, dpip, makeVenv, oracle, pip, python311, tempHome } from "./install_support.ts";

const corpus = python311 === undefined ? undefined : await corpusDir();

Deno.test({
  name:
    "corpus: upgrade --all lifts Flask and the held Werkzeug to 3.x; autoremove leaves what was asked for",
  ignore: skipUnless(corpus && oracle, "../shared/corpus (built) and pip 23.2.1 (pyenv 3.11)"),
  sanitizeResources: false,
  async fn() {
    const index = `file://${join(corpus!, "simple")}`;
    const { home, done } = await tempHome("dpip-upgrade-corpus-");
    try {
      const venv = await makeVenv(join(home, "venv"));
      const run = (args: string[]) =>
        dpip([...args, "--python", venv.python, "--cache-dir", join(home, "cache")], { home });
      await Deno.writeTextFile(join(home, "hold.txt"), "Werkzeug==2.2.2\n");
      const installed = await run([
        "install",
        "-i",
        index,
        "flask==2.2.2",
        "click",
        "-c",
        "hold.txt",
      ]);
      assertEquals(installed.status, 0, installed.stderr);
      const before = distInfos(venv.sitePackages);
      assert(before.includes("flask-2.2.2") && before.includes("werkzeug-2.2.2"), before.join());

      const upgraded = await run(["upgrade", "--all", "-i", index]);
      assertEquals(upgraded.status, 0, upgraded.stderr);
      const after = distInfos(venv.sitePackages);
      const version = (name: string) =>
        after.find((d) => d.toLowerCase().startsWith(`${name}-`))?.split("-")[1] ?? "";
      assert(version("flask").startsWith("3."), after.join());
      assert(version("werkzeug").startsWith("3."), after.join());
      assert(upgraded.stdout.includes(`Upgrading Flask 2.2.2 -> ${version("flask")}`));
      assert(upgraded.stdout.includes(`Upgrading Werkzeug 2.2.2 -> ${version("werkzeug")}`));
      const check = await pip(venv.python, ["check"]);
      assertEquals(check.stdout, "No broken requirements found.\n", check.stderr);
      assertEquals(check.status, 0);

      const removed = await run(["uninstall", "--autoremove", "-y", "flask"]);
      assertEquals(removed.status, 0, removed.stderr);
      // click was asked for; everything else came with Flask and goes with it.
      assertEquals(distInfos(venv.sitePackages).map((d) => d.split("-")[0]), ["click"]);
      const clean = await pip(venv.python, ["check"]);
      assertEquals(clean.stdout, "No broken requirements found.\n", clean.stderr);
    } finally {
      await done();
    }
  },
});
