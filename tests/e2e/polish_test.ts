/**
 * Output that says each thing once and only offers what the command has:
 * a warning from installing a wheel is printed once (not again with the
 * install step's lines).
 */

import { assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { demoWheel, python311, withIndexEnv } from "./install_support.ts";

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
      const upgrade = await env.dpip([
        "upgrade",
        "--python",
        env.venv.python,
        "-i",
        env.server.url,
        "newer",
      ]);
      assertEquals(upgrade.status, 0, upgrade.stderr);
      assertEquals(warning(upgrade.stderr, "1.1"), 1, upgrade.stderr);
    }),
});
