/**
 * `--resolution-timeout` bounds resolution with a clear message, and a
 * resolution that outlasts the delay shows a status line on a terminal.
 */

import { assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { distInfos, python311, withIndexEnv } from "./install_support.ts";

/** Every project page answers after `delayMs`. */
function slowPages(delayMs: number) {
  return [{ path: /\/simple\/[^/]+\/$/, kind: "delay" as const, delayMs }];
}

Deno.test({
  name: "--resolution-timeout stops a slow resolution with one clear line and changes nothing",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  async fn() {
    // Every project page takes 400 ms; the bound is 100 ms.
    await withIndexEnv({ faults: slowPages(400), cacheDir: true }, async (env) => {
      const result = await env.install(["--resolution-timeout", "0.1", "app"]);
      assertEquals(result.status, 1, result.stderr);
      const errors = result.stderr.split("\n").filter((line) => line.startsWith("ERROR:"));
      assertEquals(errors.length, 1, result.stderr);
      assertMatch(errors[0] ?? "", /100 ms/);
      assertEquals(distInfos(env.venv.sitePackages), []);
    });
  },
});

Deno.test({
  name: "a resolution slower than a second shows a status line on a terminal, then clears it",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  async fn() {
    await withIndexEnv({ faults: slowPages(700) }, async (env) => {
      const result = await env.install(["--dry-run", "app"], { terminal: true });
      assertEquals(result.status, 0, result.stderr);
      assertStringIncludes(result.stderr, "\r\x1b[2KResolving: trying ");
      assertEquals(result.stderr.endsWith("\r\x1b[2K"), true, JSON.stringify(result.stderr));
      assertStringIncludes(result.stdout, "Would install app-2.0 lib-2.0");
    });
  },
});
