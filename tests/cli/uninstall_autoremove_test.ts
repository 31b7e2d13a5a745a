/**
 * `dpip uninstall --autoremove` on a Python 3.11 venv of hand-made
 * distributions: the dependencies listed and asked about once, removed with
 * `y`, kept with `n`; with `-y --format json` the document says what went and
 * why, and the listing goes to stderr.
 */

import { join } from "node:path";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { makeVenv, python311 } from "../e2e/install_wheel_support.ts";
import { assertEquals } from "../helpers/assert.ts";
import { schemaErrors } from "../helpers/json_schema.ts";
import { skipUnless } from "../helpers/python.ts";
import { type FakeDist, writeDists } from "../helpers/installed.ts";

const DISTS: FakeDist[] = [
  {
    name: "app",
    version: "1.0",
    requires: ["lib>=1", "shared"],
    requested: true,
    files: { "app/__init__.py": "" },
  },
  { name: "lib", version: "2.0", requires: ["deep"], files: { "lib.py": "" } },
  { name: "deep", version: "0.1", files: { "deep.py": "" } },
  { name: "shared", version: "3.0", files: { "shared.py": "" } },
  { name: "other", version: "1.0", requires: ["shared"], requested: true },
];

function installedNames(site: string): string[] {
  return [...Deno.readDirSync(site)].map((e) => e.name).filter((n) => n.endsWith(".dist-info"))
    .map((n) => n.split("-")[0]!).sort();
}

Deno.test({
  name: "uninstall --autoremove lists the dependencies nothing else needs, asks, removes",
  ignore: skipUnless(python311, "Python 3.11 from pyenv"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dpip-autoremove-" });
    try {
      const venv = await makeVenv(join(dir, "venv"));
      const run = async (args: string[], input: string[] = []) => {
        const io = captureIo({ env: { PIP_CONFIG_FILE: "/dev/null", HOME: dir }, cwd: dir, input });
        const status = await main(["uninstall", "--python", venv.python, ...args], io);
        return { status, out: io.out(), err: io.err() };
      };
      writeDists(venv.sitePackages, DISTS);
      const declined = await run(["--autoremove", "app"], ["y", "n"]);
      assertEquals(declined.status, 0, declined.err);
      const lines = declined.out.split("\n");
      assertEquals(lines.slice(-5), [
        "Proceed (Y/n)?   Successfully uninstalled app-1.0",
        "These dependencies are no longer needed by anything installed, and you did not ask for them (--autoremove):",
        "  deep 0.1",
        "  lib 2.0",
        "Proceed (Y/n)? ",
      ]);
      assertEquals(installedNames(venv.sitePackages), ["deep", "lib", "other", "shared"]);

      writeDists(venv.sitePackages, DISTS.filter((d) => d.name === "app"));
      const accepted = await run(["--autoremove", "app"], ["", "y"]);
      assertEquals(accepted.status, 0, accepted.err);
      assertEquals(installedNames(venv.sitePackages), ["other", "shared"]);
      assertEquals(accepted.out.split("\n").filter((l) => l.includes("Successfully")), [
        "Proceed (Y/n)?   Successfully uninstalled app-1.0",
        "  Successfully uninstalled deep-0.1",
        "  Successfully uninstalled lib-2.0",
      ]);

      writeDists(venv.sitePackages, DISTS.filter((d) => ["app", "lib", "deep"].includes(d.name)));
      const json = await run(["--autoremove", "-y", "--format", "json", "app"]);
      assertEquals(json.status, 0, json.err);
      const document = JSON.parse(json.out);
      assertEquals(schemaErrors("uninstall", document), []);
      assertEquals(
        // deno-lint-ignore no-explicit-any
        document.removed.map((r: any) => `${r.name} ${r.version} ${r.reason}`),
        ["app 1.0 requested", "deep 0.1 autoremove", "lib 2.0 autoremove"],
      );
      assertEquals(json.err.includes("(--autoremove):\n  deep 0.1\n  lib 2.0\n"), true, json.err);
      assertEquals(installedNames(venv.sitePackages), ["other", "shared"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
