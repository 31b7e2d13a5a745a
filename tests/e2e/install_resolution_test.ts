/**
 * `--resolution-timeout` bounds resolution with a clear message, and a
 * resolution that outlasts the delay shows a status line on a terminal.
 */

import { join } from "node:path";
import { assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { startIndexServer } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { demoFiles, distInfos, dpip, makeVenv, python311, tempHome } from "./install_support.ts";

Deno.test({
  name: "--resolution-timeout stops a slow resolution with one clear line and changes nothing",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  async fn() {
    const { home, done } = await tempHome("dpip-resolution-");
    // Every project page takes 400 ms; the bound is 100 ms.
    const server = await startIndexServer({
      files: demoFiles(),
      faults: [{ path: /\/simple\/[^/]+\/$/, kind: "delay", delayMs: 400 }],
    });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const result = await dpip([
        "install",
        "--python",
        venv.python,
        "--cache-dir",
        join(home, "cache"),
        "-i",
        server.url,
        "--resolution-timeout",
        "0.1",
        "app",
      ], { home });
      assertEquals(result.status, 1, result.stderr);
      const errors = result.stderr.split("\n").filter((line) => line.startsWith("ERROR:"));
      assertEquals(errors.length, 1, result.stderr);
      assertMatch(errors[0] ?? "", /100 ms/);
      assertEquals(distInfos(venv.sitePackages), []);
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "a resolution slower than a second shows a status line on a terminal, then clears it",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  async fn() {
    const { home, done } = await tempHome("dpip-resolution-");
    const server = await startIndexServer({
      files: demoFiles(),
      faults: [{ path: /\/simple\/[^/]+\/$/, kind: "delay", delayMs: 700 }],
    });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const result = await dpip(
        ["install", "--dry-run", "--python", venv.python, "-i", server.url, "app"],
        { home, terminal: true },
      );
      assertEquals(result.status, 0, result.stderr);
      assertStringIncludes(result.stderr, "\r\x1b[2KResolving: trying ");
      assertEquals(result.stderr.endsWith("\r\x1b[2K"), true, JSON.stringify(result.stderr));
      assertStringIncludes(result.stdout, "Would install app-2.0 lib-2.0");
    } finally {
      await server.close();
      await done();
    }
  },
});
