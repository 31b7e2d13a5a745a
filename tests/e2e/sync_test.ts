/**
 * `dpip sync`: the environment becomes exactly the file (requirements or
 * pylock.toml): listed versions installed or replaced, everything else
 * uninstalled but pip, setuptools and wheel; `--dry-run` changes nothing.
 *
 * @module
 */

import { join } from "node:path";
import { extraneous } from "../../lib/operations/sync.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { startIndexServer, wheelFile } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { dpip, frozen, makeVenv, python311, tempHome } from "./install_support.ts";

Deno.test("extraneous() keeps what is listed and the installers", () => {
  assertEquals(extraneous(["A_b", "pip", "Setuptools", "wheel", "c", "c"], new Set(["a-b"])), [
    "c",
  ]);
});

Deno.test({
  name:
    "dpip sync makes a venv exactly a requirements file or a lock, and --dry-run changes nothing",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  sanitizeResources: false,
  async fn(t) {
    const index = await startIndexServer({
      files: [
        wheelFile({ name: "alpha", version: "1.0" }),
        wheelFile({ name: "alpha", version: "2.0" }),
        wheelFile({ name: "beta", version: "1.0", metadata: { requiresDist: ["gamma"] } }),
        wheelFile({ name: "gamma", version: "1.0" }),
        wheelFile({ name: "delta", version: "1.0" }),
      ],
    });
    const { home, done } = await tempHome("dpip-sync-");
    try {
      const venv = await makeVenv(join(home, "venv"));
      const run = (args: string[]) =>
        dpip([...args, "--python", venv.python, "-i", index.url, "--cache-dir", join(home, "c")], {
          home,
        });
      assertEquals((await run(["install", "alpha==1.0", "beta", "delta"])).status, 0);
      const before = await frozen(venv.python);
      assertEquals(before, ["alpha==1.0", "beta==1.0", "delta==1.0", "gamma==1.0"]);
      await Deno.writeTextFile(join(home, "req.txt"), "alpha==2.0\nbeta==1.0\n");

      await t.step("--dry-run says what would change, and changes nothing", async () => {
        const result = await run(["sync", "--dry-run", "req.txt"]);
        assertEquals(result.status, 0, result.stderr);
        assertStringIncludes(result.stdout + result.stderr, "Would install alpha-2.0");
        assertStringIncludes(result.stdout, "Would uninstall delta gamma");
        assertEquals(await frozen(venv.python), before);
      });
      await t.step("a requirements file", async () => {
        const result = await run(["sync", "req.txt"]);
        assertEquals(result.status, 0, result.stderr);
        assertEquals(await frozen(venv.python), ["alpha==2.0", "beta==1.0"]);
      });
      await t.step("a lock file", async () => {
        const lock = await run(["lock", "-o", "pylock.toml", "alpha==1.0", "delta"]);
        assertEquals(lock.status, 0, lock.stderr);
        const result = await run(["sync", "pylock.toml"]);
        assertEquals(result.status, 0, result.stderr);
        assertEquals(await frozen(venv.python), ["alpha==1.0", "delta==1.0"]);
      });
    } finally {
      await index.close();
      await done();
    }
  },
});
