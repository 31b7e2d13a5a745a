/**
 * `dpip tree` end to end on a Python 3.11 venv holding hand-made
 * distributions: the drawing, `--reverse`, `--depth`, names, a usage error,
 * and markers evaluated for that interpreter.
 */

import { join } from "node:path";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { makeVenv, python311 } from "../e2e/install_wheel_support.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { writeDists } from "../helpers/installed.ts";

async function dpip(args: string[], cwd: string) {
  const io = captureIo({ env: { PIP_CONFIG_FILE: "/dev/null", HOME: cwd }, cwd });
  const status = await main(args, io);
  return { status, out: io.out(), err: io.err() };
}

Deno.test({
  name: "dpip tree draws the venv's dependencies; --reverse, --depth and names",
  ignore: skipUnless(python311, "Python 3.11 from pyenv"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dpip-tree-" });
    try {
      const venv = await makeVenv(join(dir, "venv"));
      writeDists(venv.sitePackages, [
        {
          name: "app",
          version: "1.0",
          requires: [
            "lib>=2",
            'old-only; python_version < "3.8"',
            'new-only; python_version >= "3.11"',
          ],
        },
        { name: "lib", version: "1.5" },
        { name: "new-only", version: "0.1" },
        { name: "old-only", version: "0.1" },
      ]);
      const python = ["--python", venv.python];
      const full = await dpip(["tree", ...python], dir);
      assertEquals(full.status, 0, full.err);
      assertEquals(
        full.out,
        [
          "app v1.0",
          "├── lib v1.5 [required: >=2] (conflict)",
          "└── new-only v0.1",
          "old-only v0.1",
          "",
        ].join("\n"),
      );
      const reverse = await dpip(["tree", ...python, "--reverse", "lib"], dir);
      assertEquals(reverse.out, "lib v1.5\n└── app v1.0 [requires: lib>=2] (conflict)\n");
      const shallow = await dpip(["tree", ...python, "--depth", "0"], dir);
      assertEquals(shallow.out, "app v1.0\nold-only v0.1\n");
      const missing = await dpip(["tree", ...python, "nothing-here"], dir);
      assertEquals(missing.status, 1);
      assertEquals(missing.err, "WARNING: Package(s) not found: nothing-here\n");
      const bad = await dpip(["tree", ...python, "--depth", "-1"], dir);
      assertEquals(bad.status, 2);
      assertStringIncludes(bad.err, "--depth must be a whole number");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
