/**
 * `dpip upgrade` end to end against the in-process demo index: named and
 * `--all` upgrades, what the rest of the environment requires holding an
 * upgrade back, `-c` constraints, `--dry-run` changing nothing, `REQUESTED`
 * kept as it was, the JSON document, and the refusals.
 */

import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { schemaErrors } from "../helpers/json_schema.ts";
import { skipUnless } from "../helpers/python.ts";
import { distInfos, python311, withIndexEnv } from "./install_support.ts";

const needs = skipUnless(python311, "pyenv Python 3.11");

function requested(site: string, distInfo: string): boolean {
  try {
    return Deno.statSync(join(site, `${distInfo}.dist-info`, "REQUESTED")).isFile;
  } catch {
    return false;
  }
}

Deno.test({
  name: "upgrade --all brings everything to the newest consistent versions, REQUESTED kept",
  ignore: needs,
  fn: () =>
    withIndexEnv({ cacheDir: true }, async (env) => {
      const { venv, server } = env;
      const seeded = await env.install(["app==1.0", "lib==1.0"]);
      assertEquals(seeded.status, 0, seeded.stderr);
      const upgrade = (args: string[]) =>
        env.dpip(["upgrade", "--python", venv.python, "-i", server.url, ...args]);
      const dry = await upgrade(["--all", "--dry-run"]);
      assertEquals(dry.status, 0, dry.stderr);
      const lines = dry.stdout.trimEnd().split("\n");
      assertEquals(lines.slice(-3), [
        "Would install app-2.0 lib-2.0",
        "Would upgrade app 1.0 -> 2.0",
        "Would upgrade lib 1.0 -> 2.0",
      ]);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0"]);

      const real = await upgrade(["--all"]);
      assertEquals(real.status, 0, real.stderr);
      assertStringIncludes(real.stdout, "Upgrading app 1.0 -> 2.0\nUpgrading lib 1.0 -> 2.0\n");
      assertStringIncludes(real.stdout, "Successfully installed app-2.0 lib-2.0");
      assertEquals(distInfos(venv.sitePackages), ["app-2.0", "lib-2.0"]);
      // Both were named by `install` above; a dependency installed later is not.
      assert(requested(venv.sitePackages, "app-2.0"));
      assert(requested(venv.sitePackages, "lib-2.0"));
      const again = await upgrade(["--all"]);
      assertEquals(again.status, 0, again.stderr);
      assertEquals(
        again.stdout.trimEnd().split("\n").at(-1),
        "Nothing to upgrade: all 2 packages already at the newest versions that fit.",
      );
    }),
});

Deno.test({
  name: "upgrade NAME moves what it needs, keeps what others require, and honours -c",
  ignore: needs,
  fn: () =>
    withIndexEnv({ cacheDir: true }, async (env) => {
      const { venv, server, home } = env;
      const upgrade = (args: string[]) =>
        env.dpip(["upgrade", "--python", venv.python, "-i", server.url, ...args]);
      // app 1.0 needs lib>=1; app 2.0 needs lib>=2; pinned 1.0 needs lib<2.
      const seeded = await env.install(["app==1.0", "pinned"]);
      assertEquals(seeded.status, 0, seeded.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0", "pinned-1.0"]);
      assert(!requested(venv.sitePackages, "lib-1.0"));
      const held = await upgrade(["app"]);
      assertEquals(held.status, 0, held.stderr);
      assertEquals(
        held.stdout.trimEnd().split("\n").at(-1),
        "Nothing to upgrade: app already at the newest version that fits.",
      );
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0", "pinned-1.0"]);

      // Without pinned, app moves to 2.0 and takes lib 2.0 with it; lib stays unrequested.
      const removed = await env.dpip(["uninstall", "-y", "--python", venv.python, "pinned"]);
      assertEquals(removed.status, 0, removed.stderr);
      await Deno.writeTextFile(join(home, "cons.txt"), "app<2\n");
      const constrained = await upgrade(["app", "-c", "cons.txt"]);
      assertEquals(constrained.status, 0, constrained.stderr);
      assertEquals(distInfos(venv.sitePackages), ["app-1.0", "lib-1.0"]);
      const json = await upgrade(["app", "--format", "json"]);
      assertEquals(json.status, 0, json.stderr);
      const document = JSON.parse(json.stdout);
      assertEquals(schemaErrors("install", document), []);
      assertEquals(document.installed, [
        { name: "lib", version: "2.0", requested: false, replaced_version: "1.0" },
        { name: "app", version: "2.0", requested: true, replaced_version: "1.0" },
      ]);
      assertStringIncludes(json.stderr, "Upgrading app 1.0 -> 2.0\nUpgrading lib 1.0 -> 2.0\n");
      assertEquals(distInfos(venv.sitePackages), ["app-2.0", "lib-2.0"]);
      assert(!requested(venv.sitePackages, "lib-2.0"));
      assert(requested(venv.sitePackages, "app-2.0"));
    }),
});

Deno.test({
  name: "upgrade refuses what is not installed, and names or --all both or neither",
  ignore: needs,
  fn: () =>
    withIndexEnv({}, async (env) => {
      const { venv, server } = env;
      const upgrade = (args: string[]) =>
        env.dpip(["upgrade", "--python", venv.python, "-i", server.url, ...args]);
      const missing = await upgrade(["app"]);
      assertEquals(missing.status, 1);
      assertStringIncludes(missing.stderr, "ERROR: Cannot upgrade app: not installed in");
      const both = await upgrade(["app", "--all"]);
      assertEquals(both.status, 2);
      assertStringIncludes(both.stderr, "Give package names or --all, not both");
      const neither = await upgrade([]);
      assertEquals(neither.status, 2);
      const empty = await upgrade(["--all"]);
      assertEquals(empty.status, 0, empty.stderr);
      assertEquals(empty.stdout, "Nothing to upgrade.\n");
    }),
});
