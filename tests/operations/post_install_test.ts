import { schemeAt } from "../helpers/installed.ts";
import { checkAfterInstall } from "../../lib/operations/post_install.ts";
import { installWheels } from "../../lib/operations/install_wheels.ts";
import type { Interpreter } from "../../lib/python/mod.ts";
import { join } from "../../lib/paths.ts";
import { assertEquals } from "../helpers/assert.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";

Deno.test("checkAfterInstall: console scripts outside PATH, not for --target; no check asked, none made", async () => {
  const root = await Deno.makeTempDir();
  const scheme = schemeAt(root);
  const wheel = await writeWheel(join(root, "w"), {
    name: "tool",
    version: "1.0",
    files: { "tool.py": "def main(): pass\n" },
    entryPoints: { console_scripts: { tool: "tool:main", "tool-b": "tool:main" } },
  });
  const changelog = {
    ...await installWheels([{ path: wheel.path, requested: true }], {
      scheme,
      python: "/usr/bin/python3",
      pythonVersion: [3, 12] as const,
    }),
    skipped: [],
  };
  const options = {
    interpreter: { executable: "/usr/bin/python3", version: [3, 12, 4] } as unknown as Interpreter,
    schemeKind: { kind: "user" } as const,
    scheme,
    warnConflicts: false,
    warnScriptLocation: true,
    resolvedWhole: false,
    env: { PATH: "/usr/bin:/bin" },
  };
  assertEquals(checkAfterInstall(changelog, options), {
    scriptsNotOnPath: [new Map([[scheme.scripts, ["tool", "tool-b"]]])],
  });
  assertEquals(
    checkAfterInstall(changelog, { ...options, env: { PATH: `/usr/bin:${scheme.scripts}/` } }),
    {},
  );
  assertEquals(
    checkAfterInstall(changelog, { ...options, schemeKind: { kind: "target", dir: root } }),
    {},
  );
  await Deno.remove(root, { recursive: true });
});
