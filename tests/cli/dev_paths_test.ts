/**
 * Deno 2.9 opens paths under `/dev` only for programs run with `--allow-all`,
 * which dpip is not (the compiled binary and the bundle have read, write, net,
 * env and run): a venv in `/dev/shm` is refused in one line that says why,
 * not reported as a missing interpreter or as a bug.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { pathExists } from "../../lib/path_exists.ts";
import { skipUnless } from "../helpers/python.ts";

const shm = await pathExists("/dev/shm");
const repo = fileURLToPath(new URL("../../", import.meta.url));

Deno.test({
  name: "a path under /dev is refused in one line naming it, with what to do",
  ignore: skipUnless(shm, "/dev/shm"),
  async fn() {
    const venv = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "dpip-venv-" });
    try {
      const run = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-read",
          "--allow-write",
          "--allow-net",
          "--allow-env",
          "--allow-run",
          "main.ts",
          "list",
          "--python",
          venv,
        ],
        cwd: repo,
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      const stderr = new TextDecoder().decode(run.stderr);
      assertEquals(run.code, 1, stderr);
      assertEquals(stderr.trim().split("\n").length, 1, stderr);
      assertStringIncludes(stderr, `dpip cannot open "${venv}"`);
      assertStringIncludes(stderr, "use a path outside /dev");
    } finally {
      await Deno.remove(venv, { recursive: true });
    }
  },
});
