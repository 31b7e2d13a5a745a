import { join } from "node:path";
import { installWheels } from "../../lib/operations/install_wheels.ts";
import { DoubleRequirementError } from "../../lib/operations/install_wheels.ts";
import { schemeAt } from "../helpers/installed.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";

const options = (root: string) => ({
  scheme: schemeAt(root),
  python: "/env/bin/python",
  pythonVersion: [3, 11] as const,
  cacheBucket: join(root, "cache"),
});

Deno.test("a module moving from an upgraded project to a new one in one install stays installed", async () => {
  const root = await Deno.makeTempDir();
  const a1 = await writeWheel(join(root, "w"), {
    name: "a",
    version: "1.0",
    files: { "a/__init__.py": "", "shared/x.py": "from a\n", "a_only.py": "" },
  });
  const a2 = await writeWheel(join(root, "w"), {
    name: "a",
    version: "2.0",
    files: { "a/__init__.py": "" },
  });
  const b1 = await writeWheel(join(root, "w"), {
    name: "b",
    version: "1.0",
    files: { "shared/x.py": "from b\n" },
  });
  await installWheels([{ path: a1.path, requested: true }], options(root));
  const log = await installWheels(
    [{ path: a2.path, requested: true }, { path: b1.path, requested: true }],
    options(root),
  );
  assertEquals(log.installed.map((d) => `${d.name}-${d.version}`), ["a-2.0", "b-1.0"]);
  assertEquals(log.uninstalled.map((d) => `${d.name}-${d.version}`), ["a-1.0"]);
  const site = join(root, "site");
  assertEquals(Deno.readTextFileSync(join(site, "shared/x.py")), "from b\n");
  assertEquals(
    [...Deno.readDirSync(site)].map((e) => e.name).filter((n) => !n.startsWith(".")).sort(),
    ["a", "a-2.0.dist-info", "b-1.0.dist-info", "shared"],
  );
});

Deno.test("two wheels of one project in one install are refused before anything is read", async () => {
  const root = await Deno.makeTempDir();
  const error = await assertRejects(
    () =>
      installWheels([
        { path: join(root, "a-1.0-py3-none-any.whl"), requested: true },
        { path: join(root, "A-2.0-py3-none-any.whl"), requested: true },
      ], options(root)),
    DoubleRequirementError,
  );
  assert(error.message.includes("A-2.0-py3-none-any.whl"));
});

Deno.test("a wheel is installed over the same version (what to install is the plan's decision)", async () => {
  const root = await Deno.makeTempDir();
  const wheel = await writeWheel(join(root, "w"), {
    name: "c",
    version: "1.0",
    files: { "c.py": "" },
  });
  const first = await installWheels([{ path: wheel.path, requested: false }], options(root));
  assertEquals(first.installed.length, 1);
  const again = await installWheels(
    [{ path: wheel.path, requested: true, directUrl: null }],
    options(root),
  );
  assertEquals(again.installed.map((d) => d.name), ["c"]);
  assertEquals(again.uninstalled.map((d) => `${d.name}-${d.version}`), ["c-1.0"]);
  const distInfo = [...Deno.readDirSync(join(root, "site/c-1.0.dist-info"))].map((e) => e.name)
    .sort();
  assertEquals(distInfo, ["INSTALLER", "METADATA", "RECORD", "REQUESTED", "WHEEL"]);
});
