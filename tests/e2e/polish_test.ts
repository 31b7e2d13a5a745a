/**
 * Output that says each thing once and only offers what the command has:
 * a warning from installing a wheel is printed once (not again with the
 * install step's lines).
 */

import { join } from "node:path";
import { assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { demoWheel, type IndexEnv, python311, withIndexEnv } from "./install_support.ts";

/** The options that point a command at the test's venv and index, then `extra`. */
function targetArgs(env: IndexEnv<"venv">, ...extra: string[]): string[] {
  return ["--python", env.venv.python, "-i", env.server.url, ...extra];
}

Deno.test({
  name: "a warning from unpacking a wheel is printed once, by install and by upgrade",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  sanitizeResources: false,
  fn: () =>
    withIndexEnv({
      files: [
        demoWheel("newer", "1.0"),
        demoWheel("newer", "2.0", { wheelVersion: "1.1" }),
        demoWheel("other", "1.0", { wheelVersion: "1.1" }),
      ],
    }, async (env) => {
      const warning = (stderr: string, version: string) =>
        stderr.split("\n").filter((line) =>
          line === `WARNING: Installing from a newer Wheel-Version (${version})`
        ).length;
      const install = await env.install(["other", "newer==1.0"]);
      assertEquals(install.status, 0, install.stderr);
      assertEquals(warning(install.stderr, "1.1"), 1, install.stderr);
      const upgrade = await env.dpip(["upgrade", ...targetArgs(env), "newer"]);
      assertEquals(upgrade.status, 0, upgrade.stderr);
      assertEquals(warning(upgrade.stderr, "1.1"), 1, upgrade.stderr);
    }),
});

Deno.test({
  name: "a requirement no version matches is explained the same way by every command",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  sanitizeResources: false,
  fn: () =>
    withIndexEnv({}, async (env) => {
      await Deno.writeTextFile(join(env.home, "reqs.in"), "lib==9\n");
      const common = targetArgs(env, "--retries", "0");
      const runs: [string, string[]][] = [
        ["install", ["install", "--dry-run", "lib==9"]],
        ["download", ["download", "-d", "dl", "lib==9"]],
        ["download", ["download", "--no-deps", "-d", "dl", "lib==9"]],
        ["lock", ["lock", "-o", "pylock.toml", "lib==9"]],
        ["compile", ["compile", "reqs.in"]],
        ["install", ["sync", "--dry-run", "reqs.in"]],
      ];
      const explanations = new Set<string>();
      for (const [verb, args] of runs) {
        const result = await env.dpip([...args, ...common]);
        assertEquals(result.status, 1, result.stderr);
        const [first, ...rest] = result.stderr.trimEnd().split("\n");
        assertEquals(first, `ERROR: Cannot ${verb} lib==9: no set of versions satisfies them`);
        // sync has no --pre: its hint does not offer it.
        explanations.add(
          rest.join("\n").replace("pre-releases: 3.0b1", "pre-releases (--pre allows them): 3.0b1"),
        );
        assertEquals(rest.join("\n").includes("--pre"), args[0] !== "sync", result.stderr);
      }
      // upgrade (a -c pin no version matches) and venv --seed (no pip on the index) say it alike.
      const installed = await env.install(["lib==1.0"]);
      assertEquals(installed.status, 0, installed.stderr);
      await Deno.writeTextFile(join(env.home, "pins.txt"), "lib==9\n");
      const upgrade = await env.dpip(["upgrade", "lib", "-c", "pins.txt", ...common]);
      assertEquals(upgrade.status, 1, upgrade.stderr);
      assertMatch(
        upgrade.stderr,
        /^ERROR: Cannot upgrade lib\S*: no set of versions satisfies them\n/,
      );
      assertStringIncludes(upgrade.stderr, "lib==9");
      const venv = await env.dpip(["venv", "--seed", "seeded", ...common]);
      assertEquals(venv.status, 1, venv.stderr);
      assertMatch(
        venv.stderr,
        /^ERROR: Cannot install pip(, setuptools, wheel)?: no set of versions satisfies them\n/,
      );
      assertEquals([...explanations], [
        "Because you require lib==9, which matches no version of lib, we can conclude that your requirements are unsatisfiable.\nhint: lib has 2.0, 1.0\nhint: lib left out as pre-releases (--pre allows them): 3.0b1",
      ]);
    }),
});

Deno.test({
  name: "a hint names only options the command has (--pre from install, not from sync)",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  sanitizeResources: false,
  fn: () =>
    withIndexEnv({}, async (env) => {
      await Deno.writeTextFile(join(env.home, "reqs.txt"), "lib>2.5\n");
      const common = targetArgs(env, "--retries", "0", "--no-cache-dir");
      const hint = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("hint: pre-"));
      const install = await env.dpip(["install", "--dry-run", "-r", "reqs.txt", ...common]);
      assertEquals(install.status, 1, install.stderr);
      assertEquals(hint(install.stderr), [
        "hint: pre-releases of lib would satisfy the request (3.0b1), but pre-releases are not enabled (use --pre, or use a specifier that names a pre-release)",
      ]);
      const sync = await env.dpip(["sync", "--dry-run", "reqs.txt", ...common]);
      assertEquals(sync.status, 1, sync.stderr);
      assertEquals(hint(sync.stderr), [
        "hint: pre-releases of lib would satisfy the request (3.0b1), but pre-releases are not enabled (use a specifier that names a pre-release)",
      ]);
    }),
});

Deno.test({
  name: "upgrade --format json: the names it skips are in the document's warnings",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  sanitizeResources: false,
  fn: () =>
    withIndexEnv({ files: [demoWheel("solo", "1.0"), demoWheel("solo", "2.0")] }, async (env) => {
      const local = demoWheel("byfile", "1.0");
      await Deno.writeFile(join(env.home, local.filename), local.bytes);
      const installed = await env.install(["solo==1.0", `./${local.filename}`]);
      assertEquals(installed.status, 0, installed.stderr);
      const common = targetArgs(env, "--format", "json");
      const skipped = (json: { warnings: string[] }) =>
        json.warnings.filter((w) => w.startsWith("Skipping byfile:"));
      // Only the skipped one named: nothing to resolve, an empty document with the warning.
      const only = await env.dpip(["upgrade", "byfile", ...common]);
      assertEquals(only.status, 0, only.stderr);
      assertEquals(skipped(JSON.parse(only.stdout)).length, 1, only.stdout);
      assertEquals(JSON.parse(only.stdout).installed, []);
      // With one to upgrade too: solo upgraded, byfile skipped, both in the one document.
      const all = await env.dpip(["upgrade", "--dry-run", "solo", "byfile", ...common]);
      assertEquals(all.status, 0, all.stderr);
      const document = JSON.parse(all.stdout);
      assertEquals(skipped(document).length, 1, all.stdout);
      assertEquals(
        document.installed.map((e: { name: string; version: string }) => `${e.name}-${e.version}`),
        ["solo-2.0"],
      );
    }),
});
